package dev.switchboard.job;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.model.Json;
import dev.switchboard.model.Platforms;
import dev.switchboard.model.Topics;
import dev.switchboard.testkit.EmbeddedKafka;
import dev.switchboard.testkit.KafkaClients;
import dev.switchboard.testkit.MiniClusters;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole job on a Flink mini-cluster against a real KRaft broker: documented payloads of all three
 * platforms in, platform request bodies out of the right topics with the right keys and headers; a
 * malformed payload in the dead-letter topic with a reason; a redelivered webhook answered once; the
 * order-status flow completed over Kafka (opened by a message only the intent model understands); an
 * urgent handoff. Once per delivery guarantee.
 */
class SwitchboardPipelineITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = MiniClusters.twoSlots();

    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stopKafka() throws Exception {
        kafka.close();
    }

    private static byte[] payload(String path) throws IOException {
        try (InputStream in = SwitchboardPipelineITCase.class.getResourceAsStream("/it/" + path)) {
            if (in == null) {
                throw new IllegalArgumentException(path);
            }
            return in.readAllBytes();
        }
    }

    private static String telegramText(long updateId, long messageId, long chatId, String text) {
        return "{\"update_id\":" + updateId + ",\"message\":{\"message_id\":" + messageId + ",\"from\":{\"id\":" + chatId
                + ",\"is_bot\":false,\"first_name\":\"Ana\"},\"chat\":{\"id\":" + chatId + ",\"first_name\":\"Ana\","
                + "\"type\":\"private\"},\"date\":1732181122,\"text\":\"" + text + "\"}}";
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"at-least-once", "exactly-once"})
    void answersEveryPlatformOverKafka(String guarantee, @TempDir Path checkpoints) throws Exception {
        Topics topics = new Topics(guarantee.replace("-", "") + ".chat.");
        kafka.createTopics(topics.all(Platforms.SUPPORTED), 2);

        byte[] redelivered = payload("whatsapp_dashboard_sample.json");
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(kafka)) {
            send(producer, topics.inbound("telegram"), "1111111", payload("telegram_text.json"), "support");
            send(producer, topics.inbound("slack"), "C123ABC456", payload("slack_app_mention.json"), "support");
            send(producer, topics.inbound("slack"), null, payload("slack_url_verification.json"), "support");
            send(producer, topics.inbound("whatsapp"), null, payload("whatsapp_two_messages.json"), "support");
            send(producer, topics.inbound("whatsapp"), "16315551181", redelivered, "support");
            send(producer, topics.inbound("whatsapp"), "16315551181", redelivered, "support");
            send(producer, topics.inbound("telegram"), "777", "{\"update_id\": 3, \"message\": {\"text\": \"hi\"".getBytes(StandardCharsets.UTF_8), "support");
            // The order-status flow over two messages of one conversation (one key, one partition, in order).
            // No keyword rule knows the first message: only the intent model understands it.
            send(producer, topics.inbound("telegram"), "555", utf8(telegramText(91, 1, 555, "has my stuff been sent out yet")), "support");
            send(producer, topics.inbound("telegram"), "555", utf8(telegramText(92, 2, 555, "it is #48213")), "support");
            send(producer, topics.inbound("slack"), "D024BE91L", payload("slack_urgent_dm.json"), null);
            // The second bot, in its default language; and a bot this job does not answer.
            send(producer, topics.inbound("telegram"), "888", utf8(telegramText(93, 1, 888, "帮我订明天晚上4位")), "trattoria");
            send(producer, topics.inbound("telegram"), "999", utf8(telegramText(94, 1, 999, "hello")), "garage");
            producer.flush();
        }

        JobConfig config = JobConfig.parse(List.of(
                "--bootstrap-servers", kafka.bootstrapServers(),
                "--topic-prefix", topics.prefix(),
                "--group-id", "it-" + guarantee,
                "--transactional-id-prefix", "it-" + guarantee,
                "--delivery-guarantee", guarantee,
                "--checkpoint-interval", "500ms",
                "--checkpoint-dir", checkpoints.toUri().toString(),
                "--parallelism", "2",
                "--partition-discovery-interval", "1s",
                "--bot", Path.of("..", "bots", "support.yaml").toString(),
                "--bot", Path.of("..", "bots", "trattoria.yaml").toString(),
                "--state-key-file", Files.writeString(checkpoints.resolve("state.keys"),
                        "k1 " + java.util.Base64.getEncoder().encodeToString(new byte[32]) + "\n").toString()));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(SwitchboardJob.jobConfiguration(config));
        JobClient job = SwitchboardJob.build(env, config).executeAsync("switchboard-it-" + guarantee);
        List<ConsumerRecord<byte[], byte[]>> out;
        try {
            // Replies: telegram 1 + flow 2 + the second bot 1, slack mention 1 + urgent 2 (handoff reply, urgent note),
            // whatsapp 2 + redelivered once 1; plus 2 dead letters (malformed, unknown bot) and handoffs.
            out = consume(topics, records -> count(records, topics.deadLetters()) >= 2 && count(records, topics.handoff()) >= 1
                    && records.size() - count(records, topics.handoff()) >= 12, Duration.ofSeconds(90));
            // Anything late (a second answer to the redelivery, say) would arrive within a few checkpoints.
            Thread.sleep(2_000);
            out = consume(topics, records -> false, Duration.ofSeconds(3));
        } finally {
            job.cancel().get();
        }

        Map<String, List<ConsumerRecord<byte[], byte[]>>> byTopic = out.stream()
                .collect(Collectors.groupingBy(ConsumerRecord::topic));

        // Telegram: a sendMessage body keyed by the chat.
        List<ConsumerRecord<byte[], byte[]>> telegram = byTopic.get(topics.outbound("telegram"));
        ConsumerRecord<byte[], byte[]> start = only(telegram, r -> key(r).equals("1111111"));
        assertThat(KafkaClients.header(start, "endpoint")).isEqualTo("sendMessage");
        assertThat(KafkaClients.header(start, "source-message-id")).isEqualTo("1365");
        assertThat(KafkaClients.header(start, "bot-id")).isEqualTo("support");
        assertThat(KafkaClients.header(start, "bot-version")).isEqualTo("2026-11-29.1");
        assertThat(KafkaClients.header(start, "idempotency-key")).hasSize(32);
        assertThat(KafkaClients.header(start, "source-received-at")).matches("\\d{13}");
        assertThat(json(start).get("chat_id").asLong()).isEqualTo(1111111L);
        assertThat(json(start).at("/reply_parameters/message_id").asLong()).isEqualTo(1365);

        // The flow: asked for the number, then answered with it, in order.
        List<ConsumerRecord<byte[], byte[]>> flow = telegram.stream().filter(r -> key(r).equals("555")).toList();
        assertThat(flow).extracting(r -> json(r).get("text").asText())
                .containsExactly("Sure. What's your order number?",
                        "Got it: order <b>48213</b>. I've requested its latest status and will post the update in this chat.");

        // Slack: the mention is answered in its thread; the urgent DM with priority and a handoff record.
        List<ConsumerRecord<byte[], byte[]>> slack = byTopic.get(topics.outbound("slack"));
        ConsumerRecord<byte[], byte[]> mention = only(slack, r -> key(r).equals("C123ABC456"));
        assertThat(KafkaClients.header(mention, "endpoint")).isEqualTo("chat.postMessage");
        assertThat(json(mention).get("thread_ts").asText()).isEqualTo("1515449522.000016");
        List<ConsumerRecord<byte[], byte[]>> urgent = slack.stream().filter(r -> key(r).equals("D024BE91L")).toList();
        assertThat(urgent).hasSize(2).allSatisfy(r -> assertThat(KafkaClients.header(r, "priority")).isEqualTo("urgent"));
        // No bot-id header: the default bot, the first one given.
        assertThat(urgent).allSatisfy(r -> assertThat(KafkaClients.header(r, "bot-id")).isEqualTo("support"));
        ConsumerRecord<byte[], byte[]> handoff = only(byTopic.get(topics.handoff()), r -> key(r).equals("support:slack:D024BE91L"));
        assertThat(json(handoff).get("urgent").asBoolean()).isTrue();
        assertThat(json(handoff).get("reason").asText()).isEqualTo("intent human_handoff");

        // The second bot answered its user with its own definition and version.
        ConsumerRecord<byte[], byte[]> booking = only(telegram, r -> key(r).equals("888"));
        assertThat(json(booking).get("text").asText()).isEqualTo("请留一个联系电话。");
        assertThat(KafkaClients.header(booking, "bot-id")).isEqualTo("trattoria");
        assertThat(KafkaClients.header(booking, "bot-version")).isEqualTo("3");

        // WhatsApp: both batched messages answered, the redelivered one exactly once.
        List<ConsumerRecord<byte[], byte[]>> whatsapp = byTopic.get(topics.outbound("whatsapp"));
        assertThat(whatsapp).extracting(SwitchboardPipelineITCase::key)
                .containsExactlyInAnyOrder("16505551234", "8613800138000", "16315551181");
        ConsumerRecord<byte[], byte[]> chinese = only(whatsapp, r -> key(r).equals("8613800138000"));
        assertThat(json(chinese).at("/text/body").asText()).contains("退款");
        assertThat(KafkaClients.header(chinese, "endpoint")).isEqualTo("106540352242922/messages");
        ConsumerRecord<byte[], byte[]> dashboard = only(whatsapp, r -> key(r).equals("16315551181"));
        assertThat(KafkaClients.header(dashboard, "endpoint")).isEqualTo("123456123/messages");
        assertThat(json(dashboard).at("/context/message_id").asText()).isEqualTo("ABGGFlA5Fpa");

        // The malformed update: original bytes and a reason; the unknown bot's record, with its own reason.
        assertThat(byTopic.get(topics.deadLetters())).hasSize(2);
        ConsumerRecord<byte[], byte[]> unknownBot = only(byTopic.get(topics.deadLetters()),
                r -> "unknown-bot".equals(KafkaClients.header(r, "error-class")));
        assertThat(KafkaClients.header(unknownBot, "error")).isEqualTo("no bot definition for bot id 'garage' (this job answers support, trattoria)");
        ConsumerRecord<byte[], byte[]> dead = only(byTopic.get(topics.deadLetters()),
                r -> "malformed-payload".equals(KafkaClients.header(r, "error-class")));
        assertThat(new String(dead.value(), StandardCharsets.UTF_8)).isEqualTo("{\"update_id\": 3, \"message\": {\"text\": \"hi\"");
        assertThat(KafkaClients.header(dead, "source-topic")).isEqualTo(topics.inbound("telegram"));
        assertThat(KafkaClients.header(dead, "error")).startsWith("telegram: not valid JSON");
        assertThat(KafkaClients.header(dead, "error-class")).isEqualTo("malformed-payload");

        // Nothing else: url_verification is not answered, nothing twice.
        assertThat(telegram).hasSize(4);
        assertThat(slack).hasSize(3);
        assertThat(out.size() - byTopic.get(topics.handoff()).size()).isEqualTo(12);
        assertThat(out.stream().map(r -> KafkaClients.header(r, "idempotency-key")).filter(k -> k != null).toList()).doesNotHaveDuplicates();
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String topic, String key, byte[] value, String botId) {
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, key == null ? null : utf8(key), value);
        if (botId != null) {
            r.headers().add("bot-id", utf8(botId));
        }
        r.headers().add("received-at", utf8(Long.toString(System.currentTimeMillis())));
        producer.send(r);
    }

    private static List<ConsumerRecord<byte[], byte[]>> consume(Topics topics,
            Predicate<List<ConsumerRecord<byte[], byte[]>>> done, Duration timeout) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(kafka, "it-reader", true)) {
            consumer.subscribe(Pattern.compile(Pattern.quote(topics.prefix()) + "(out\\..+|dlq|handoff)"));
            long deadline = System.currentTimeMillis() + timeout.toMillis();
            while (System.currentTimeMillis() < deadline && !done.test(records)) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    private static long count(List<ConsumerRecord<byte[], byte[]>> records, String topic) {
        return records.stream().filter(r -> r.topic().equals(topic)).count();
    }

    private static ConsumerRecord<byte[], byte[]> only(List<ConsumerRecord<byte[], byte[]>> records,
            Predicate<ConsumerRecord<byte[], byte[]>> which) {
        List<ConsumerRecord<byte[], byte[]>> matching = records.stream().filter(which).toList();
        assertThat(matching).hasSize(1);
        return matching.get(0);
    }

    private static String key(ConsumerRecord<byte[], byte[]> r) {
        return r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
    }


    private static JsonNode json(ConsumerRecord<byte[], byte[]> r) {
        try {
            return Json.MAPPER.readTree(r.value());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
