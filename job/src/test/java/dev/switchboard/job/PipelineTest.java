package dev.switchboard.job;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.model.Headers;
import dev.switchboard.model.InboundRecord;
import dev.switchboard.model.Json;
import dev.switchboard.model.OutboundRecord;
import dev.switchboard.normalize.Payloads;
import dev.switchboard.testkit.MiniClusters;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole topology ({@link Pipeline#define}) on a mini-cluster, without a broker: a bounded in-memory source
 * of raw records, as the Kafka source would hand them over, and collecting sinks for the three outputs. The
 * built-in intent model, RocksDB state and the job's own Flink settings are real; only Kafka is left out
 * (the {@code *ITCase}s keep it). Seconds, not minutes: most pipeline behaviour belongs here.
 */
class PipelineTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = MiniClusters.twoSlots();

    private static final long KAFKA_TIME = 1_700_000_000_000L;
    private static final String RECEIVED_AT = "1700000000555";

    private static List<OutboundRecord> replies;
    private static List<OutboundRecord> deadLetters;
    private static List<OutboundRecord> handoffs;

    @BeforeAll
    static void runTheBatch() throws Exception {
        List<InboundRecord> in = new ArrayList<>();
        add(in, "telegram", "1111111", Payloads.read("telegram/text_start.json"));
        add(in, "slack", "C123ABC456", Payloads.read("slack/app_mention.json"));
        add(in, "whatsapp", null, Payloads.read("whatsapp/two_messages.json"));
        add(in, "line", null, Payloads.read("line/text_user_quoted.json"));
        add(in, "wechat", null, Payloads.read("wechat/text.xml"));
        add(in, "feishu", null, Payloads.read("feishu/receive_p2p_interactive.json"));
        add(in, "dingtalk", null, Payloads.read("dingtalk/single_picture.json"));
        // A group @ of the robot whose payload lacks createAt: answered, at the time it was received.
        add(in, "dingtalk", null, utf8(new String(Payloads.read("dingtalk/group_text_at.json"), StandardCharsets.UTF_8)
                .replace("\"createAt\": 1613630252678,", "")));
        // The same WhatsApp delivery twice (a webhook retry): one answer.
        add(in, "whatsapp", null, Payloads.read("whatsapp/text_dashboard_sample.json"));
        add(in, "whatsapp", null, Payloads.read("whatsapp/text_dashboard_sample.json"));
        // Someone asks for a person: a reply and a handoff record.
        add(in, "telegram", "4242", utf8("{\"update_id\":77,\"message\":{\"message_id\":5,\"from\":{\"id\":4242,"
                + "\"is_bot\":false,\"first_name\":\"Bo\"},\"chat\":{\"id\":4242,\"type\":\"private\"},\"date\":1732181122,"
                + "\"text\":\"let me talk to a human\"}}"));
        // Not JSON, and a topic no platform owns: dead letters with reasons.
        add(in, "telegram", "777", utf8("{\"update_id\": 3, \"message\": {\"text\": \"hi\""));
        add(in, "myspace", null, utf8("{}"));
        // Not messages: counted, not answered.
        add(in, "slack", null, Payloads.read("slack/url_verification.json"));
        add(in, "line", null, Payloads.read("line/verification_empty.json"));

        JobConfig config = JobConfig.parse(List.of("--bootstrap-servers", "unused:9092", "--parallelism", "2"));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
                SwitchboardJob.jobConfiguration(config));
        env.setParallelism(2);
        DataStream<InboundRecord> records = env.fromData(TypeInformation.of(InboundRecord.class), in.toArray(InboundRecord[]::new));
        AtomicReference<CloseableIterator<OutboundRecord>> replyOutput = new AtomicReference<>();
        AtomicReference<CloseableIterator<OutboundRecord>> deadLetterOutput = new AtomicReference<>();
        AtomicReference<CloseableIterator<OutboundRecord>> handoffOutput = new AtomicReference<>();
        Pipeline.define(records, config, new Pipeline.Sinks(
                stream -> replyOutput.set(stream.collectAsync()),
                stream -> deadLetterOutput.set(stream.collectAsync()),
                stream -> handoffOutput.set(stream.collectAsync())));
        env.execute("pipeline-test");
        replies = drain(replyOutput.get());
        deadLetters = drain(deadLetterOutput.get());
        handoffs = drain(handoffOutput.get());
    }

    @Test
    void everyPlatformInTheBatchIsAnsweredInItsOwnRequestFormat() {
        Map<String, List<String>> sources = replies.stream().collect(Collectors.groupingBy(OutboundRecord::topic,
                Collectors.mapping(r -> r.headers().get(Headers.SOURCE_MESSAGE_ID), Collectors.toList())));
        assertThat(sources.keySet()).containsExactlyInAnyOrder("chat.out.telegram", "chat.out.slack", "chat.out.whatsapp",
                "chat.out.line", "chat.out.wechat", "chat.out.feishu", "chat.out.dingtalk");
        assertThat(sources.get("chat.out.telegram")).contains("1365", "5");
        assertThat(sources.get("chat.out.whatsapp")).contains("ABGGFlA5Fpa");
        assertThat(sources.get("chat.out.feishu")).containsOnly("om_a7c2e9b1d4f6083a5b2c1d0e9f8a7b6c");
        assertThat(replies).allSatisfy(r -> {
            assertThat(r.headers()).containsKeys(Headers.ENDPOINT, Headers.IDEMPOTENCY_KEY, Headers.SOURCE_RECEIVED_AT);
            assertThat(json(r.value()).isObject() || r.topic().endsWith("wechat")).isTrue();
        });
        // The Slack mention is answered in its thread.
        OutboundRecord slack = only(replies, "chat.out.slack");
        assertThat(slack.headers().get(Headers.ENDPOINT)).isEqualTo("chat.postMessage");
        assertThat(json(slack.value()).get("thread_ts").asText()).isEqualTo("1515449522.000016");
    }

    @Test
    void aRedeliveredWebhookIsAnsweredOnce() {
        assertThat(replies.stream().filter(r -> "ABGGFlA5Fpa".equals(r.headers().get(Headers.SOURCE_MESSAGE_ID)))
                .map(r -> r.headers().get(Headers.IDEMPOTENCY_KEY)).distinct()).hasSize(1);
        assertThat(replies.stream().map(r -> r.headers().get(Headers.IDEMPOTENCY_KEY))).doesNotHaveDuplicates();
    }

    @Test
    void aDingTalkDirectChatIsKeyedByItsConversationAndTheReplyNamesTheUser() {
        List<OutboundRecord> direct = replies.stream().filter(r -> r.topic().equals("chat.out.dingtalk")
                && new String(r.key(), StandardCharsets.UTF_8).equals("cidQjKqB2U6kh1aPbOdL3EihQ==")).toList();
        assertThat(direct).isNotEmpty().allSatisfy(r -> {
            assertThat(r.headers().get(Headers.ENDPOINT)).isEqualTo("v1.0/robot/oToMessages/batchSend");
            JsonNode body = json(r.value());
            assertThat(body.get("userIds").get(0).asText()).isEqualTo("01022158193724098");
            assertThat(body.get("robotCode").asText()).isEqualTo("dingxfrd9d1q3tyrz7fw");
        });
    }

    @Test
    void aMessageWithoutATimeIsAnsweredNotDeadLettered() {
        OutboundRecord group = replies.stream().filter(r -> "msgUEyCmmIfoHRFHyL+WfT3pg==".equals(
                r.headers().get(Headers.SOURCE_MESSAGE_ID))).findFirst().orElseThrow();
        assertThat(group.headers().get(Headers.ENDPOINT)).isEqualTo("v1.0/robot/groupMessages/send");
        assertThat(group.headers().get(Headers.SOURCE_RECEIVED_AT)).isEqualTo(RECEIVED_AT);
    }

    @Test
    void badInputGoesToTheDeadLetterTopicWithItsReasonAndNothingElseDoes() {
        assertThat(deadLetters).extracting(r -> r.headers().get(Headers.SOURCE_TOPIC) + " " + r.headers().get(Headers.ERROR_CLASS))
                .containsExactlyInAnyOrder("chat.in.telegram malformed-payload", "chat.in.myspace unsupported-platform");
        assertThat(deadLetters).allSatisfy(r -> {
            assertThat(r.topic()).isEqualTo("chat.dlq");
            assertThat(r.headers().get(Headers.ERROR)).isNotBlank();
        });
        OutboundRecord telegram = deadLetters.stream().filter(r -> r.headers().get(Headers.SOURCE_TOPIC)
                .equals("chat.in.telegram")).findFirst().orElseThrow();
        assertThat(new String(telegram.value(), StandardCharsets.UTF_8)).isEqualTo("{\"update_id\": 3, \"message\": {\"text\": \"hi\"");
    }

    @Test
    void aRequestForAPersonIsHandedOff() {
        OutboundRecord human = handoffs.stream().filter(h -> new String(h.key(), StandardCharsets.UTF_8)
                .equals("support:telegram:4242")).findFirst().orElseThrow();
        assertThat(human.topic()).isEqualTo("chat.handoff");
        assertThat(json(human.value()).get("reason").asText()).isEqualTo("intent human_handoff");
    }

    private static void add(List<InboundRecord> in, String platform, String key, byte[] value) {
        Map<String, String> headers = new HashMap<>(Map.of(Headers.RECEIVED_AT, RECEIVED_AT));
        in.add(new InboundRecord("chat.in." + platform, 0, in.size(), KAFKA_TIME,
                key == null ? null : utf8(key), value, headers));
    }

    private static List<OutboundRecord> drain(CloseableIterator<OutboundRecord> it) throws Exception {
        List<OutboundRecord> out = new ArrayList<>();
        try (it) {
            it.forEachRemaining(out::add);
        }
        return out;
    }

    private static OutboundRecord only(List<OutboundRecord> records, String topic) {
        List<OutboundRecord> on = records.stream().filter(r -> r.topic().equals(topic)).toList();
        assertThat(on).hasSize(1);
        return on.get(0);
    }

    private static JsonNode json(byte[] value) {
        try {
            return Json.MAPPER.readTree(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
