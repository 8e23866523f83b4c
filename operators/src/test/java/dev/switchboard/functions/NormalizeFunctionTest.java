package dev.switchboard.functions;

import dev.switchboard.model.InboundMessage;
import dev.switchboard.model.InboundRecord;
import dev.switchboard.model.OutboundRecord;
import dev.switchboard.model.Topics;
import dev.switchboard.normalize.GroupPolicy;
import dev.switchboard.normalize.Payloads;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class NormalizeFunctionTest {
    private OneInputStreamOperatorTestHarness<InboundRecord, InboundMessage> harness;

    @BeforeEach
    void open() throws Exception {
        harness = new OneInputStreamOperatorTestHarness<>(
                new ProcessOperator<>(new NormalizeFunction(Topics.withDefaultPrefix(), "default-bot")));
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private void push(String topic, byte[] value, Map<String, String> headers) throws Exception {
        harness.processElement(new InboundRecord(topic, 0, 7, 1_700_000_000_000L, "k".getBytes(StandardCharsets.UTF_8),
                value, headers), 0);
    }

    private List<InboundMessage> messages() {
        List<InboundMessage> out = new ArrayList<>();
        for (Object o : harness.getOutput()) {
            if (o instanceof StreamRecord<?> r && r.getValue() instanceof InboundMessage m) {
                out.add(m);
            }
        }
        return out;
    }

    private List<OutboundRecord> deadLetters() {
        List<OutboundRecord> out = new ArrayList<>();
        var queue = harness.getSideOutput(NormalizeFunction.DEAD_LETTERS);
        if (queue != null) {
            queue.forEach(r -> out.add(r.getValue()));
        }
        return out;
    }

    @Test
    void messagesCarrySessionKeyBotIdAndReceivedAt() throws Exception {
        push("chat.in.whatsapp", Payloads.read("whatsapp/two_messages.json"), Map.of("bot-id", "acme", "received-at", "1700000000555"));
        List<InboundMessage> out = messages();
        assertThat(out).extracting(InboundMessage::sessionKey)
                .containsExactly("acme:whatsapp:16505551234", "acme:whatsapp:8613800138000");
        assertThat(out).allSatisfy(m -> {
            assertThat(m.receivedAt()).isEqualTo(1_700_000_000_555L);
            assertThat(m.accountId()).isEqualTo("106540352242922");
        });
    }

    @Test
    void withoutHeadersTheDefaultBotAndTheRecordTimestampApply() throws Exception {
        push("chat.in.telegram", Payloads.read("telegram/text_start.json"), Map.of());
        InboundMessage m = messages().get(0);
        assertThat(m.message().botId()).isEqualTo("default-bot");
        assertThat(m.receivedAt()).isEqualTo(1_700_000_000_000L);
    }

    @Test
    void aPayloadWithoutAUsableTimeIsAnsweredWithTheTimeItWasReceived() throws Exception {
        String dingtalk = new String(Payloads.read("dingtalk/group_text_at.json"), StandardCharsets.UTF_8)
                .replace("\"createAt\": 1613630252678,", "");
        push("chat.in.dingtalk", dingtalk.getBytes(StandardCharsets.UTF_8), Map.of("received-at", "1700000000555"));
        // Another platform and another way to lack it: a Telegram message whose date is not a number, and no
        // received-at header, so the Kafka timestamp stands in.
        String telegram = new String(Payloads.read("telegram/text_start.json"), StandardCharsets.UTF_8)
                .replaceAll("\"date\"\\s*:\\s*\\d+", "\"date\": \"yesterday\"");
        assertThat(telegram).contains("yesterday");
        push("chat.in.telegram", telegram.getBytes(StandardCharsets.UTF_8), Map.of());

        assertThat(deadLetters()).isEmpty();
        assertThat(messages()).extracting(m -> m.message().platform() + "@" + m.message().timestamp())
                .containsExactly("dingtalk@1700000000555", "telegram@1700000000000");
    }

    @Test
    void malformedPayloadGoesToTheDeadLetterTopicWithReasonAndOriginalBytes() throws Exception {
        byte[] broken = "{\"update_id\": 5, \"message\": {".getBytes(StandardCharsets.UTF_8);
        push("chat.in.telegram", broken, Map.of("bot-id", "acme"));
        assertThat(messages()).isEmpty();
        OutboundRecord dlq = deadLetters().get(0);
        assertThat(dlq.topic()).isEqualTo("chat.dlq");
        assertThat(dlq.value()).isEqualTo(broken);
        assertThat(dlq.key()).isEqualTo("k".getBytes(StandardCharsets.UTF_8));
        assertThat(dlq.headers()).containsEntry("source-topic", "chat.in.telegram")
                .containsEntry("source-offset", "7")
                .containsEntry("error-class", "malformed-payload")
                .containsEntry("bot-id", "acme");
        assertThat(dlq.headers().get("error")).startsWith("telegram: not valid JSON");
    }

    @Test
    void unknownPlatformTopicIsDeadLettered() throws Exception {
        push("chat.in.myspace", "{}".getBytes(StandardCharsets.UTF_8), Map.of());
        assertThat(deadLetters()).singleElement().satisfies(r -> {
            assertThat(r.headers()).containsEntry("error-class", "unsupported-platform");
            assertThat(r.headers().get("error")).contains("chat.in.myspace");
        });
    }

    @Test
    void nonMessagesBotsEditsAndChannelPostsAreNotForwardedNorDeadLettered() throws Exception {
        push("chat.in.slack", Payloads.read("slack/url_verification.json"), Map.of());
        push("chat.in.slack", Payloads.read("slack/bot_message.json"), Map.of());
        push("chat.in.slack", Payloads.read("slack/message_changed.json"), Map.of());
        push("chat.in.whatsapp", Payloads.read("whatsapp/status_sent.json"), Map.of());
        push("chat.in.telegram", Payloads.read("telegram/edited_message.json"), Map.of());
        push("chat.in.telegram", Payloads.read("telegram/channel_post.json"), Map.of());
        assertThat(messages()).isEmpty();
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    void aRecordForABotTheJobDoesNotAnswerIsDeadLettered() throws Exception {
        try (OneInputStreamOperatorTestHarness<InboundRecord, InboundMessage> twoBots = new OneInputStreamOperatorTestHarness<>(
                new ProcessOperator<>(new NormalizeFunction(Topics.withDefaultPrefix(), "support", java.util.Set.of("support", "trattoria"),
                        dev.switchboard.normalize.BotSettings.NONE,
                        new GroupPolicy(GroupPolicy.ANSWER_ALL, dev.switchboard.normalize.BotSettings.NONE), false)))) {
            twoBots.open();
            byte[] update = Payloads.read("telegram/text_start.json");
            twoBots.processElement(new InboundRecord("chat.in.telegram", 0, 1, 0L, null, update, Map.of("bot-id", "trattoria")), 0);
            twoBots.processElement(new InboundRecord("chat.in.telegram", 0, 2, 0L, null, update, Map.of()), 0);
            twoBots.processElement(new InboundRecord("chat.in.telegram", 0, 3, 0L, null, update, Map.of("bot-id", "garage")), 0);
            List<String> bots = new ArrayList<>();
            for (Object o : twoBots.getOutput()) {
                if (o instanceof StreamRecord<?> r && r.getValue() instanceof InboundMessage m) {
                    bots.add(m.message().botId());
                }
            }
            assertThat(bots).containsExactly("trattoria", "support");
            assertThat(twoBots.getSideOutput(NormalizeFunction.DEAD_LETTERS)).singleElement().satisfies(r -> {
                assertThat(r.getValue().headers()).containsEntry("error-class", "unknown-bot")
                        .containsEntry("error", "no bot definition for bot id 'garage' (this job answers support, trattoria)");
                assertThat(r.getValue().value()).isEqualTo(update);
            });
        }
    }

    @Test
    void editsCanBeAnsweredWhenConfigured() throws Exception {
        try (OneInputStreamOperatorTestHarness<InboundRecord, InboundMessage> answering = new OneInputStreamOperatorTestHarness<>(
                new ProcessOperator<>(new NormalizeFunction(Topics.withDefaultPrefix(), "b", null, dev.switchboard.normalize.BotSettings.NONE,
                        new GroupPolicy(GroupPolicy.ANSWER_ALL, dev.switchboard.normalize.BotSettings.NONE), true)))) {
            answering.open();
            answering.processElement(new InboundRecord("chat.in.telegram", 0, 1, 0L, null,
                    Payloads.read("telegram/edited_message.json"), Map.of()), 0);
            assertThat(answering.getOutput()).hasSize(1);
        }
    }

    @Test
    void slackChannelMessageOpensASessionOnItsOwnThread() throws Exception {
        push("chat.in.slack", Payloads.read("slack/app_mention.json"), Map.of("bot-id", "acme"));
        push("chat.in.slack", Payloads.read("slack/thread_reply.json"), Map.of("bot-id", "acme"));
        assertThat(messages()).extracting(InboundMessage::sessionKey).containsExactly(
                "acme:slack:C123ABC456:1515449522.000016", "acme:slack:C024BE91L:1355517523.000005");
    }
}
