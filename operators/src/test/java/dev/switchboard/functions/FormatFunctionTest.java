package dev.switchboard.functions;

import dev.switchboard.model.OutboundRecord;
import dev.switchboard.model.Topics;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class FormatFunctionTest {

    private static BotReply reply(String text, int index, boolean urgent) {
        return new BotReply("whatsapp", "acme", "acme:whatsapp:16505551234", "16505551234", null, "wamid.X",
                "106540352242922", "wamid.X", 1_700_000_000_123L, index, text, "order_status", "en", urgent);
    }

    private static List<OutboundRecord> format(BotReply... replies) throws Exception {
        try (OneInputStreamOperatorTestHarness<BotReply, OutboundRecord> harness =
                     new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(new FormatFunction(Topics.withDefaultPrefix())))) {
            harness.open();
            for (BotReply r : replies) {
                harness.processElement(r, 0);
            }
            List<OutboundRecord> out = new ArrayList<>();
            for (Object o : harness.getOutput()) {
                if (o instanceof StreamRecord<?> r && r.getValue() instanceof OutboundRecord rec) {
                    out.add(rec);
                }
            }
            return out;
        }
    }

    @Test
    void recordFollowsTheTopicContract() throws Exception {
        OutboundRecord r = format(reply("Got it", 0, true)).get(0);
        assertThat(r.topic()).isEqualTo("chat.out.whatsapp");
        assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("16505551234");
        assertThat(new String(r.value(), StandardCharsets.UTF_8)).contains("\"body\":\"Got it\"");
        assertThat(r.headers()).containsEntry("endpoint", "106540352242922/messages")
                .containsEntry("source-message-id", "wamid.X")
                .containsEntry("source-received-at", "1700000000123")
                .containsEntry("bot-id", "acme")
                .containsEntry("priority", "urgent")
                .containsKey("idempotency-key")
                .doesNotContainKey("part");
        assertThat(format(reply("Got it", 0, false)).get(0).headers()).doesNotContainKey("priority");
    }

    @Test
    void idempotencyKeysAreStableAcrossReplaysAndDistinctPerReplyAndPart() throws Exception {
        String first = format(reply("Got it", 0, false)).get(0).headers().get("idempotency-key");
        String again = format(reply("Got it", 0, false)).get(0).headers().get("idempotency-key");
        String second = format(reply("Also this", 1, false)).get(0).headers().get("idempotency-key");
        assertThat(first).isEqualTo(again).hasSize(32).isNotEqualTo(second);

        List<OutboundRecord> parts = format(reply("word ".repeat(2000), 0, false));
        assertThat(parts).hasSize(3);
        assertThat(parts).extracting(p -> p.headers().get("part")).containsExactly("1/3", "2/3", "3/3");
        assertThat(parts).extracting(p -> p.headers().get("idempotency-key")).doesNotHaveDuplicates();
    }
}
