package dev.switchboard.job;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.model.Json;
import dev.switchboard.model.Platforms;
import dev.switchboard.model.Topics;
import dev.switchboard.redis.RedisClients;
import dev.switchboard.testkit.EmbeddedKafka;
import dev.switchboard.testkit.KafkaClients;
import dev.switchboard.testkit.MiniClusters;
import dev.switchboard.testkit.RedisProcess;
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
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One person across platforms, with real Kafka and a real redis-server: a flow started on Telegram, a link code asked
 * for there and redeemed in a Slack direct message, the flow finished on Slack; a notification addressed to the
 * Telegram account lands on Slack, where the person was last seen, and is part of the conversation; after
 * {@code unlink} the Slack chat is a conversation of its own; notifications without a route and malformed ones are
 * dead-lettered with their reasons. The order-status flow answers from the order system's hash in Redis, found or not.
 */
class LinkedIdentitiesITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = MiniClusters.twoSlots();

    @Test
    void linkContinueOnAnotherPlatformNotifyAndUnlink(@TempDir Path tmp) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
             RedisProcess redis = RedisProcess.start(tmp.resolve("redis"));
             KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(kafka)) {
            Topics topics = new Topics("link.");
            kafka.createTopics(topics.all(Platforms.SUPPORTED), 2);
            JobConfig config = JobConfig.parse(List.of("--bootstrap-servers", kafka.bootstrapServers(), "--topic-prefix", topics.prefix(),
                    "--intent-model", "rules", "--checkpoint-interval", "1s", "--checkpoint-dir", tmp.resolve("cp").toUri().toString(),
                    "--parallelism", "2", "--partition-discovery-interval", "1s", "--redis", redis.address()));
            JobClient job = SwitchboardJob.build(StreamExecutionEnvironment.getExecutionEnvironment(SwitchboardJob.jobConfiguration(config)),
                    config).executeAsync("linked-identities");
            RedissonClient client = RedisClients.create(redis.address());
            client.getMap("order:48213", StringCodec.INSTANCE).putAll(Map.of("status", "in transit", "eta", "3 December", "carrier", "DHL"));
            client.shutdown();
            try (Outputs out = new Outputs(kafka, topics)) {
                telegram(producer, topics, 1, "where is my order");
                assertThat(out.next("telegram").text).isEqualTo("Sure. What's your order number?");

                telegram(producer, topics, 2, "/link");
                String codeReply = out.next("telegram").text;
                Matcher code = Pattern.compile("<b>(\\d{6})</b>").matcher(codeReply);
                assertThat(code.find()).as(codeReply).isTrue();

                slack(producer, topics, "1.000001", "link 000000".equals("link " + code.group(1)) ? "link 000001" : "link 000000");
                assertThat(out.next("slack").text).contains("wrong or has expired").contains("4 tries left");
                slack(producer, topics, "1.000002", "link " + code.group(1));
                assertThat(out.next("slack").text).startsWith("Linked.");

                // The flow asked on Telegram continues on Slack, answered on Slack, from the order system's data in Redis.
                slack(producer, topics, "1.000003", "48213");
                Output done = out.next("slack");
                assertThat(done.text).isEqualTo("Order *48213* is in transit. Expected: 3 December (DHL).");
                assertThat(done.chat).isEqualTo("D024BE91L");

                // A notification to the Telegram account goes where the person was last seen: Slack.
                notify(producer, topics, "{\"id\":\"n-1\",\"botId\":\"support\",\"to\":{\"platform\":\"telegram\",\"userId\":\"555\"},"
                        + "\"text\":\"Your order **48213** shipped.\",\"priority\":\"urgent\"}");
                Output note = out.next("slack");
                assertThat(note.text).isEqualTo("Your order *48213* shipped.");
                assertThat(note.chat).isEqualTo("D024BE91L");
                assertThat(note.record.headers().lastHeader("idempotency-key")).isNotNull();
                assertThat(KafkaClients.header(note.record, "priority")).isEqualTo("urgent");
                assertThat(KafkaClients.header(note.record, "source-message-id")).isEqualTo("n-1");

                // Back on Telegram, the same conversation: the notification did not end the session, "hello" is answered.
                telegram(producer, topics, 3, "hello");
                assertThat(out.next("telegram").text).startsWith("Hi Ana!");

                slack(producer, topics, "1.000004", "unlink");
                assertThat(out.next("slack").text).startsWith("Unlinked.");
                // The Slack chat is a fresh conversation now; Telegram keeps the person's (no flow open on either).
                slack(producer, topics, "1.000005", "where is my order");
                assertThat(out.next("slack").text).isEqualTo("Sure. What's your order number?");
                telegram(producer, topics, 4, "48213");
                assertThat(out.next("telegram").text).doesNotStartWith("Order");
                // An order the order system does not know: the flow's not_found words.
                slack(producer, topics, "1.000006", "77777");
                assertThat(out.next("slack").text).startsWith("I can't find order *77777*.");

                // Undeliverable and unreadable notifications are dead-lettered with their reasons.
                notify(producer, topics, "{\"id\":\"n-2\",\"to\":{\"platform\":\"line\",\"userId\":\"Unobody\"},\"text\":\"hi\"}");
                notify(producer, topics, "{\"id\":\"n-3\",\"to\":{\"platform\":\"telegram\"},\"text\":\"hi\"}");
                List<Output> dead = List.of(out.next("dlq"), out.next("dlq"));
                assertThat(dead).extracting(d -> KafkaClients.header(d.record, "error-class"))
                        .containsExactlyInAnyOrder("no-route", "malformed-notify");
                Output noRoute = dead.stream().filter(d -> "no-route".equals(KafkaClients.header(d.record, "error-class"))).findFirst().orElseThrow();
                assertThat(KafkaClients.header(noRoute.record, "error")).contains("line user Unobody");
                assertThat(Json.MAPPER.readTree(noRoute.record.value()).get("id").asText()).isEqualTo("n-2");
            } finally {
                job.cancel().get();
            }
        }
    }

    private static void telegram(KafkaProducer<byte[], byte[]> producer, Topics topics, long updateId, String text) throws Exception {
        producer.send(new ProducerRecord<>(topics.inbound("telegram"), "555".getBytes(StandardCharsets.UTF_8),
                KafkaClients.telegramUpdate(updateId, 555, text).getBytes(StandardCharsets.UTF_8))).get();
    }

    /** A Slack Events API message in a direct message channel (as in Slack's documentation). */
    private static void slack(KafkaProducer<byte[], byte[]> producer, Topics topics, String ts, String text) throws Exception {
        String body = "{\"token\":\"t\",\"team_id\":\"T061EG9R6\",\"api_app_id\":\"A0PNCHHK2\",\"event\":{\"type\":\"message\","
                + "\"channel\":\"D024BE91L\",\"user\":\"U2147483697\",\"text\":\"" + text + "\",\"ts\":\"" + ts + "\","
                + "\"event_ts\":\"" + ts + "\",\"channel_type\":\"im\"},\"type\":\"event_callback\",\"event_id\":\"Ev" + ts.replace(".", "")
                + "\",\"event_time\":1355517523}";
        producer.send(new ProducerRecord<>(topics.inbound("slack"), "D024BE91L".getBytes(StandardCharsets.UTF_8),
                body.getBytes(StandardCharsets.UTF_8))).get();
    }

    private static void notify(KafkaProducer<byte[], byte[]> producer, Topics topics, String json) throws Exception {
        producer.send(new ProducerRecord<>(topics.notifications(), null, json.getBytes(StandardCharsets.UTF_8))).get();
    }

    private record Output(String text, String chat, ConsumerRecord<byte[], byte[]> record) {}

    /** The replies on every outbound topic and the dead letters, by platform ("dlq" for dead letters), in order. */
    private static final class Outputs implements AutoCloseable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final Topics topics;
        private final java.util.Map<String, ArrayDeque<Output>> byPlatform = new java.util.HashMap<>();

        Outputs(EmbeddedKafka kafka, Topics topics) {
            this.topics = topics;
            consumer = KafkaClients.consumer(kafka, "outputs", false);
            consumer.subscribe(Pattern.compile(Pattern.quote(topics.prefix() + "out.") + ".*|" + Pattern.quote(topics.deadLetters())));
        }

        Output next(String platform) throws Exception {
            long deadline = System.currentTimeMillis() + 60_000;
            while (System.currentTimeMillis() < deadline) {
                ArrayDeque<Output> queue = byPlatform.get(platform);
                if (queue != null && !queue.isEmpty()) {
                    return queue.poll();
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    String p = r.topic().equals(topics.deadLetters()) ? "dlq" : r.topic().substring((topics.prefix() + "out.").length());
                    JsonNode body = p.equals("dlq") ? null : Json.MAPPER.readTree(r.value());
                    String text = body == null ? null : body.path("text").asText(null);
                    String chat = body == null ? null : body.has("channel") ? body.get("channel").asText() : body.path("chat_id").asText(null);
                    byPlatform.computeIfAbsent(p, k -> new ArrayDeque<>()).add(new Output(text, chat, r));
                }
            }
            throw new AssertionError("nothing on " + platform + " within 60 s (have: " + byPlatform + ")");
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
