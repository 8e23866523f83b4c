package dev.switchboard.job;

import dev.switchboard.model.Json;
import dev.switchboard.model.Platforms;
import dev.switchboard.model.Topics;
import dev.switchboard.testkit.EmbeddedKafka;
import dev.switchboard.testkit.KafkaClients;
import dev.switchboard.testkit.MiniClusters;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Schema evolution on restore: the current job starts from a savepoint written with an earlier state
 * type ({@code Turn} without {@code userId}; see {@code savepoints/README.md} in the test resources),
 * and the conversation it holds continues where it stopped.
 */
class OlderSavepointRestoreITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = MiniClusters.twoSlots();

    @Test
    void aConversationFromAnOlderStateTypeContinues(@TempDir Path tmp) throws Exception {
        String savepoint = OlderSavepointRestoreITCase.class.getResource("/savepoints/v0-turn-without-userid").toURI().toString();
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
             KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(kafka)) {
            Topics topics = Topics.withDefaultPrefix();
            kafka.createTopics(topics.all(Platforms.SUPPORTED), 2);
            // The keyword rules, not the model: "48213" alone is then understood only through the restored
            // flow position, whatever a retrained model would make of it. The sessions of that release were keyed
            // under the bot id "default" (records without a bot-id header): the support bot under that id continues them.
            Path bot = Files.writeString(tmp.resolve("default.yaml"), Files.readString(Path.of("..", "bots", "support.yaml"))
                    .replace("bot: support", "bot: default"));
            JobConfig config = JobConfig.parse(List.of("--bootstrap-servers", kafka.bootstrapServers(), "--intent-model", "rules",
                    "--bot", bot.toString(),
                    "--checkpoint-interval", "1s", "--checkpoint-dir", tmp.toUri().toString(), "--parallelism", "2",
                    "--partition-discovery-interval", "1s"));
            Configuration conf = SwitchboardJob.jobConfiguration(config);
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
            JobClient job = SwitchboardJob.build(StreamExecutionEnvironment.getExecutionEnvironment(conf), config)
                    .executeAsync("switchboard-from-older-savepoint");
            List<String> texts = new ArrayList<>();
            try {
                producer.send(new ProducerRecord<>(topics.inbound("telegram"), "555".getBytes(StandardCharsets.UTF_8),
                        ("{\"update_id\":2,\"message\":{\"message_id\":2,\"from\":{\"id\":555,\"first_name\":\"Ana\"},"
                                + "\"chat\":{\"id\":555,\"type\":\"private\"},\"date\":1732181122,\"text\":\"48213\"}}")
                                .getBytes(StandardCharsets.UTF_8)));
                producer.flush();
                try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(kafka, "older-reader", false)) {
                    consumer.subscribe(Pattern.compile(Pattern.quote(topics.outbound("telegram"))));
                    long deadline = System.currentTimeMillis() + 90_000;
                    while (texts.isEmpty() && System.currentTimeMillis() < deadline) {
                        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                            texts.add(Json.MAPPER.readTree(r.value()).get("text").asText());
                        }
                    }
                }
            } finally {
                job.cancel().get();
            }
            // Without the restored flow position this would be "Sorry, I didn't catch that".
            assertThat(texts).containsExactly(
                    "Got it: order <b>48213</b>. I've requested its latest status and will post the update in this chat.");
        }
    }
}
