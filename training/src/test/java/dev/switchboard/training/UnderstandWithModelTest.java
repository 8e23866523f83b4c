package dev.switchboard.training;

import dev.switchboard.bot.Bots;
import dev.switchboard.functions.UnderstandFunction;
import dev.switchboard.functions.UnderstoodMessage;
import dev.switchboard.model.InboundMessage;
import dev.switchboard.model.Sender;
import dev.switchboard.model.SessionKeys;
import dev.switchboard.model.UnifiedMessage;
import dev.switchboard.understand.InferenceService;
import dev.switchboard.understand.InferenceSettings;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.operators.async.AsyncWaitOperatorFactory;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The understand step with the shipped support bot's model (trained from its definition) in an ordered async operator. */
class UnderstandWithModelTest {

    private static InboundMessage message(int i, String text) {
        UnifiedMessage m = new UnifiedMessage("telegram", "support", Integer.toString(i), "42", "direct", null, null,
                new Sender("42", null, false), "text", text, List.of(), List.of(), 0L, "r" + i);
        return new InboundMessage(m, SessionKeys.of(m), null, 0L);
    }

    @Test
    void orderIsKeptAcrossBatchesAndTheModelDecides() throws Exception {
        String[] texts = {"hello", "has my stuff been sent out yet", "我要退款", "thanks a lot", "转人工", "bye",
                "this is unacceptable", "where's my parcel", "谢谢", "I want my money back"};
        String[] intents = {"greeting", "order_status", "refund", "thanks", "human_handoff", "goodbye",
                "complaint", "order_status", "thanks", "refund"};
        // Batches of at most 3: the 40 messages span many batches.
        UnderstandFunction fn = new UnderstandFunction(new InferenceSettings(null, null, false, 3, Duration.ofMillis(20), 1000, 1),
                Bots.of(Bots.shippedSupport()));
        List<UnderstoodMessage> out = new ArrayList<>();
        try (OneInputStreamOperatorTestHarness<InboundMessage, UnderstoodMessage> harness = new OneInputStreamOperatorTestHarness<>(
                new AsyncWaitOperatorFactory<>(fn, 30_000, 100, AsyncDataStream.OutputMode.ORDERED),
                TypeInformation.of(InboundMessage.class).createSerializer(new SerializerConfigImpl()))) {
            harness.open();
            synchronized (harness.getCheckpointLock()) {
                for (int i = 0; i < 40; i++) {
                    harness.processElement(new StreamRecord<>(message(i, texts[i % texts.length]), 0));
                }
                harness.endInput();
            }
            for (Object o : harness.getOutput()) {
                if (o instanceof StreamRecord<?> r && r.getValue() instanceof UnderstoodMessage u) {
                    out.add(u);
                }
            }
        }
        assertThat(out).hasSize(40);
        for (int i = 0; i < 40; i++) {
            UnderstoodMessage u = out.get(i);
            assertThat(u.inbound().message().messageId()).isEqualTo(Integer.toString(i));
            assertThat(u.understanding().intent()).as(texts[i % texts.length]).isEqualTo(intents[i % intents.length]);
            assertThat(u.understanding().source()).startsWith("bot:support@");
        }
        // close() gave the shared service back.
        assertThat(InferenceService.liveServices()).isZero();
    }
}
