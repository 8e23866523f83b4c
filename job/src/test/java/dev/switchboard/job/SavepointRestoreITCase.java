package dev.switchboard.job;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.model.Json;
import dev.switchboard.model.Platforms;
import dev.switchboard.model.Topics;
import dev.switchboard.savepoints.SavepointTools;
import dev.switchboard.savepoints.SessionRecord;
import dev.switchboard.testkit.EmbeddedKafka;
import dev.switchboard.testkit.KafkaClients;
import dev.switchboard.testkit.MiniClusters;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Conversations survive a stop-with-savepoint and restore: two users are left in the middle of the
 * order-number flow, the job is stopped with a savepoint, one user is erased from it with the savepoint
 * tools, the job is restored from the erased savepoint, and the kept user's flow completes while the
 * erased user's context is gone.
 */
class SavepointRestoreITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = MiniClusters.twoSlots();

    @Test
    void conversationsSurviveAStopWithSavepointAndErasureHolds(@TempDir Path tmp) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
             KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(kafka)) {
            Topics topics = new Topics("sp.chat.");
            kafka.createTopics(topics.all(Platforms.SUPPORTED), 2);
            JobConfig config = JobConfig.parse(List.of(
                    "--bootstrap-servers", kafka.bootstrapServers(), "--topic-prefix", topics.prefix(),
                    // Keyword rules: a bare order number is understood only through the flow position.
                    "--intent-model", "rules",
                    "--group-id", "sp-it", "--checkpoint-interval", "1s",
                    "--checkpoint-dir", tmp.resolve("checkpoints").toUri().toString(),
                    "--parallelism", "2", "--partition-discovery-interval", "1s"));

            // v1: both users are asked for their order number.
            JobClient v1 = SwitchboardJob.build(StreamExecutionEnvironment.getExecutionEnvironment(
                    SwitchboardJob.jobConfiguration(config)), config).executeAsync("switchboard-v1");
            send(producer, topics, 555, KafkaClients.telegramUpdate(1, 555, "where is my order?"));
            send(producer, topics, 666, KafkaClients.telegramUpdate(2, 666, "where is my order?"));
            List<ConsumerRecord<byte[], byte[]>> replies = await(kafka, topics, 2);
            assertThat(replies).extracting(SavepointRestoreITCase::text).containsOnly("Sure. What's your order number?");
            String savepoint = v1.stopWithSavepoint(false, tmp.resolve("savepoints").toUri().toString(),
                    SavepointFormatType.CANONICAL).get();

            // The tools on the job's own savepoint: both sessions are there; erase user 666.
            List<SessionRecord> sessions = SavepointTools.sessions(savepoint);
            assertThat(sessions).extracting(s -> s.sessionKey).contains("support:telegram:555", "support:telegram:666");
            String erased = tmp.resolve("erased").toUri().toString();
            SavepointTools.eraseUser(savepoint, "telegram", "666", erased);

            // v2 from the erased savepoint: 555's flow completes, 666 starts over.
            Configuration restore = SwitchboardJob.jobConfiguration(config);
            restore.set(StateRecoveryOptions.SAVEPOINT_PATH, erased);
            JobClient v2 = SwitchboardJob.build(StreamExecutionEnvironment.getExecutionEnvironment(restore), config)
                    .executeAsync("switchboard-v2");
            try {
                send(producer, topics, 555, KafkaClients.telegramUpdate(3, 555, "48213"));
                send(producer, topics, 666, KafkaClients.telegramUpdate(4, 666, "77777"));
                replies = await(kafka, topics, 4);
            } finally {
                v2.cancel().get();
            }
            assertThat(lastTo(replies, "555")).isEqualTo(
                    "Got it: order <b>48213</b>. I've requested its latest status and will post the update in this chat.");
            assertThat(lastTo(replies, "666")).startsWith("Sorry, I didn't catch that");
            assertThat(replies).hasSize(4);
        }
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, Topics topics, long chat, String payload) {
        producer.send(new ProducerRecord<>(topics.inbound("telegram"), Long.toString(chat).getBytes(StandardCharsets.UTF_8),
                payload.getBytes(StandardCharsets.UTF_8)));
        producer.flush();
    }

    private static List<ConsumerRecord<byte[], byte[]>> await(EmbeddedKafka kafka, Topics topics, int count) {
        List<ConsumerRecord<byte[], byte[]>> records = KafkaClients.readAtLeast(kafka.bootstrapServers(),
                topics.outbound("telegram"), count, Duration.ofSeconds(90));
        assertThat(records).as("replies").hasSizeGreaterThanOrEqualTo(count);
        return records;
    }

    private static String text(ConsumerRecord<byte[], byte[]> r) {
        try {
            JsonNode body = Json.MAPPER.readTree(r.value());
            return body.get("text").asText();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private static String lastTo(List<ConsumerRecord<byte[], byte[]>> replies, String chat) {
        String last = null;
        for (ConsumerRecord<byte[], byte[]> r : replies) {
            if (new String(r.key(), StandardCharsets.UTF_8).equals(chat)) {
                last = text(r);
            }
        }
        return last;
    }
}
