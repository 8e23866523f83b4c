package dev.switchboard.job;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.bot.Bots;
import dev.switchboard.model.Json;
import dev.switchboard.model.Platforms;
import dev.switchboard.model.Topics;
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
 * A new version of a bot published to a running job over Kafka: it answers with it within seconds, a session
 * in the middle of a flow keeps its slots and completes with the new version's words, an invalid version is
 * rejected with its reasons and changes nothing, and after a stop with savepoint the job restarted from it
 * (with the old file on its command line) answers with the published version: it was in the checkpoint.
 */
class HotSwapITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = MiniClusters.twoSlots();

    private static String support() {
        return Bots.shippedYaml("support");
    }

    @Test
    void aPublishedVersionAnswersWithinSecondsKeepsSessionsAndSurvivesARestore(@TempDir Path tmp) throws Exception {
        String v2 = support().replace("version: \"2026-11-29.1\"", "version: \"2026-12-01.2\"")
                .replace("Hi {user.name}! I can check an order", "Welcome back {user.name}! I can check an order")
                .replace("Got it: order **{order_number}**. I've requested its latest status and will post the update in this chat.",
                        "Order **{order_number}**: checking it now.");
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
             KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(kafka)) {
            Topics topics = new Topics("swap.");
            kafka.createTopics(topics.all(Platforms.SUPPORTED), 2);
            JobConfig config = JobConfig.parse(List.of("--bootstrap-servers", kafka.bootstrapServers(), "--topic-prefix", topics.prefix(),
                    "--intent-model", "rules", "--checkpoint-interval", "1s", "--checkpoint-dir", tmp.resolve("cp").toUri().toString(),
                    "--parallelism", "2", "--partition-discovery-interval", "1s"));
            Replies replies = new Replies(kafka, topics);

            JobClient job = start(config, null);
            String savepoint;
            try {
                send(producer, topics, 1, "hello");
                assertThat(replies.next("1").text).startsWith("Hi Ana! I can check an order");
                send(producer, topics, 2, "where is my order");
                assertThat(replies.next("2").text).isEqualTo("Sure. What's your order number?");

                // An invalid version first: rejected with its reasons, nothing changes.
                publish(producer, topics, "support", v2.replace("  other:\n", "  othre:\n"));
                List<ConsumerRecord<byte[], byte[]>> errors = KafkaClients.readAtLeast(kafka.bootstrapServers(),
                        topics.botErrors(), 1, Duration.ofSeconds(60));
                assertThat(errors).hasSize(1);
                assertThat(new String(errors.get(0).value(), StandardCharsets.UTF_8)).contains("missing intent 'other'");

                publish(producer, topics, "support", v2);
                // Within seconds: new users get the new greeting (each try is a new session).
                long deadline = System.currentTimeMillis() + 60_000;
                Reply greeting = null;
                for (int user = 100; System.currentTimeMillis() < deadline; user++) {
                    send(producer, topics, user, "hello");
                    greeting = replies.next(Integer.toString(user));
                    if (greeting.text.startsWith("Welcome back")) {
                        break;
                    }
                    Thread.sleep(300);
                }
                assertThat(greeting.text).startsWith("Welcome back Ana!");
                assertThat(greeting.version).isEqualTo("2026-12-01.2");

                // The session that was waiting for an order number still is, and finishes in the new version's words.
                send(producer, topics, 2, "48213");
                Reply done = replies.next("2");
                assertThat(done.text).isEqualTo("Order <b>48213</b>: checking it now.");
                assertThat(done.version).isEqualTo("2026-12-01.2");

                savepoint = job.stopWithSavepoint(false, tmp.resolve("sp").toUri().toString(), SavepointFormatType.CANONICAL)
                        .get();
            } finally {
                if (!job.getJobStatus().get().isTerminalState()) {
                    job.cancel().get();
                }
            }

            // Restarted from the savepoint with the same arguments (the shipped file, version 2026-11-29.1): the
            // published version was in the checkpointed state and still answers.
            JobClient restored = start(config, savepoint);
            try {
                send(producer, topics, 7, "hello");
                Reply after = replies.next("7");
                assertThat(after.text).startsWith("Welcome back Ana!");
                assertThat(after.version).isEqualTo("2026-12-01.2");
            } finally {
                restored.cancel().get();
            }
        }
    }

    private static JobClient start(JobConfig config, String savepoint) throws Exception {
        Configuration conf = SwitchboardJob.jobConfiguration(config);
        if (savepoint != null) {
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        }
        return SwitchboardJob.build(StreamExecutionEnvironment.getExecutionEnvironment(conf), config).executeAsync("hot-swap");
    }

    private static void publish(KafkaProducer<byte[], byte[]> producer, Topics topics, String bot, String yaml) throws Exception {
        producer.send(new ProducerRecord<>(topics.bots(), bot.getBytes(StandardCharsets.UTF_8), yaml.getBytes(StandardCharsets.UTF_8))).get();
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, Topics topics, long chat, String text) throws Exception {
        producer.send(new ProducerRecord<>(topics.inbound("telegram"), Long.toString(chat).getBytes(StandardCharsets.UTF_8),
                KafkaClients.telegramUpdate(System.nanoTime() % 1_000_000_000L, chat, text).getBytes(StandardCharsets.UTF_8))).get();
    }

    private record Reply(String text, String version) {}

    /** Reads the telegram replies as they come, by chat. */
    private static final class Replies {
        private final org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]> consumer;
        private final java.util.Map<String, java.util.ArrayDeque<Reply>> byChat = new java.util.HashMap<>();

        Replies(EmbeddedKafka kafka, Topics topics) {
            consumer = KafkaClients.consumer(kafka, "swap-reader", false);
            consumer.subscribe(java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(topics.outbound("telegram"))));
        }

        Reply next(String chat) throws Exception {
            long deadline = System.currentTimeMillis() + 60_000;
            while (System.currentTimeMillis() < deadline) {
                java.util.ArrayDeque<Reply> queue = byChat.get(chat);
                if (queue != null && !queue.isEmpty()) {
                    return queue.poll();
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    JsonNode body = Json.MAPPER.readTree(r.value());
                    byChat.computeIfAbsent(KafkaClients.key(r), k -> new java.util.ArrayDeque<>())
                            .add(new Reply(body.get("text").asText(), KafkaClients.header(r, "bot-version")));
                }
            }
            throw new AssertionError("no reply for chat " + chat + " within 60 s");
        }
    }
}
