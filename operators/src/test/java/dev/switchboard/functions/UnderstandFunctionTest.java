package dev.switchboard.functions;

import dev.switchboard.dialogue.IntentClassifier;
import dev.switchboard.dialogue.Understanding;
import dev.switchboard.model.InboundMessage;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.functions.async.AsyncFunction;
import org.apache.flink.streaming.api.operators.async.AsyncWaitOperatorFactory;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** The understand step in an ordered async operator: ordering, failure fallback and timeout fallback. */
class UnderstandFunctionTest {

    /** Answers "order_status" for everything, completing in reverse order of arrival; fails on "boom". */
    static final class ReversingClassifier implements IntentClassifier {
        static final List<CompletableFuture<Understanding>> PENDING = new ArrayList<>();

        @Override
        public CompletableFuture<Understanding> classify(String text) {
            CompletableFuture<Understanding> f = new CompletableFuture<>();
            if (text.contains("boom")) {
                f.completeExceptionally(new IllegalStateException("model failed"));
            } else if (!text.contains("never")) {
                synchronized (PENDING) {
                    PENDING.add(f);
                }
            }
            return f;
        }
    }

    private static List<UnderstoodMessage> run(AsyncFunction<InboundMessage, UnderstoodMessage> fn, long timeoutMs,
            List<InboundMessage> in, Runnable beforeDrain) throws Exception {
        try (OneInputStreamOperatorTestHarness<InboundMessage, UnderstoodMessage> harness = new OneInputStreamOperatorTestHarness<>(
                new AsyncWaitOperatorFactory<>(fn, timeoutMs, 10, AsyncDataStream.OutputMode.ORDERED),
                TypeInformation.of(InboundMessage.class).createSerializer(new org.apache.flink.api.common.serialization.SerializerConfigImpl()))) {
            harness.open();
            synchronized (harness.getCheckpointLock()) {
                for (InboundMessage m : in) {
                    harness.processElement(new StreamRecord<>(m, 0));
                }
            }
            beforeDrain.run();
            synchronized (harness.getCheckpointLock()) {
                // The harness's clock is manual: move it past the async timeout so pending ones fire.
                harness.setProcessingTime(timeoutMs + 1);
                harness.endInput();
            }
            List<UnderstoodMessage> out = new ArrayList<>();
            for (Object o : harness.getOutput()) {
                if (o instanceof StreamRecord<?> r && r.getValue() instanceof UnderstoodMessage u) {
                    out.add(u);
                }
            }
            return out;
        }
    }

    @Test
    void keepsArrivalOrderAndFallsBackToRulesOnFailure() throws Exception {
        ReversingClassifier.PENDING.clear();
        List<InboundMessage> in = List.of(
                Messages.inbound("1", "1", "first", "a"),
                Messages.inbound("1", "2", "boom, thanks", "b"),
                Messages.inbound("1", "3", "third urgent", "c"));
        List<UnderstoodMessage> out = run(new UnderstandFunction(ReversingClassifier::new), 10_000, in, () -> {
            synchronized (ReversingClassifier.PENDING) {
                for (int i = ReversingClassifier.PENDING.size() - 1; i >= 0; i--) {
                    ReversingClassifier.PENDING.get(i).complete(new Understanding("order_status", 0.9, false, "en", "model"));
                }
            }
        });
        assertThat(out).extracting(u -> u.inbound().message().messageId()).containsExactly("1", "2", "3");
        assertThat(out.get(0).understanding().source()).isEqualTo("model");
        // The failed classification is decided by the rules.
        assertThat(out.get(1).understanding().source()).isEqualTo(UnderstandFunction.FALLBACK_ERROR);
        assertThat(out.get(1).understanding().intent()).isEqualTo("thanks");
        // The rules stay the urgency detector beside the model.
        assertThat(out.get(2).understanding().urgent()).isTrue();
    }

    @Test
    void timeoutFallsBackToRules() throws Exception {
        List<UnderstoodMessage> out = run(new UnderstandFunction(ReversingClassifier::new), 50,
                List.of(Messages.inbound("1", "1", "never answered, I want a refund", "a")), () -> { });
        assertThat(out).singleElement().satisfies(u -> {
            assertThat(u.understanding().source()).isEqualTo(UnderstandFunction.FALLBACK_TIMEOUT);
            assertThat(u.understanding().intent()).isEqualTo("refund");
        });
    }
}
