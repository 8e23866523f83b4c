package dev.switchboard.functions;

import dev.switchboard.bot.Bots;
import dev.switchboard.model.InboundMessage;
import dev.switchboard.understand.IntentClassifier;
import dev.switchboard.understand.Understanding;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.functions.async.AsyncFunction;
import org.apache.flink.streaming.api.operators.async.AsyncWaitOperatorFactory;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The understand step in the unordered async operator the job uses: order kept within a session and
 * only there, failure, overload and timeout fallbacks.
 */
class UnderstandFunctionTest {
    /** The shipped support bot: its keywords are the fallback. */
    private static final Bots BOTS = Bots.of(Bots.shippedSupport());

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
                new AsyncWaitOperatorFactory<>(fn, timeoutMs, 10, AsyncDataStream.OutputMode.UNORDERED),
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
    void keepsArrivalOrderAndFallsBackToTheBotsKeywordsOnFailure() throws Exception {
        ReversingClassifier.PENDING.clear();
        List<InboundMessage> in = List.of(
                Messages.inbound("1", "1", "first", "a"),
                Messages.inbound("1", "2", "boom, thanks", "b"),
                Messages.inbound("1", "3", "third urgent", "c"));
        List<UnderstoodMessage> out = run(new UnderstandFunction(BOTS, ReversingClassifier::new), 10_000, in, () -> {
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
    }

    /** Completes each text's classification when the test says so; rejects "full" texts as an overloaded queue would. */
    static final class ControlledClassifier implements IntentClassifier {
        static final Map<String, CompletableFuture<Understanding>> PENDING = new ConcurrentHashMap<>();
        static final AtomicInteger REJECTED = new AtomicInteger();
        static volatile int rejectFirst;

        @Override
        public CompletableFuture<Understanding> classify(String text) {
            if (text.startsWith("full") && REJECTED.getAndIncrement() < rejectFirst) {
                return CompletableFuture.failedFuture(new RejectedExecutionException("queue full"));
            }
            if (text.startsWith("full")) {
                return CompletableFuture.completedFuture(new Understanding("order_status", 0.9, false, "en", "model"));
            }
            return PENDING.computeIfAbsent(text, t -> new CompletableFuture<>());
        }

        static void answer(String text) {
            PENDING.computeIfAbsent(text, t -> new CompletableFuture<>())
                    .complete(new Understanding("order_status", 0.9, false, "en", "model"));
        }
    }

    @Test
    void aSlowClassificationHoldsBackOnlyItsOwnSession() throws Exception {
        ControlledClassifier.PENDING.clear();
        List<InboundMessage> in = List.of(
                Messages.inbound("1", "a1", "slow one", "a1"),
                Messages.inbound("1", "a2", "a second", "a2"),
                Messages.inbound("2", "b1", "b first", "b1"),
                Messages.inbound("2", "b2", "b second", "b2"));
        List<UnderstoodMessage> out = run(new UnderstandFunction(BOTS, ControlledClassifier::new), 10_000, in, () -> {
            // Everything but the first message of session 1 is classified first, in reverse order.
            ControlledClassifier.answer("b second");
            ControlledClassifier.answer("b first");
            ControlledClassifier.answer("a second");
            ControlledClassifier.answer("slow one");
        });
        // Session 2 does not wait for session 1's slow classification; each session keeps its order.
        assertThat(out).extracting(u -> u.inbound().message().messageId()).containsExactly("b1", "b2", "a1", "a2");
        assertThat(out).allSatisfy(u -> assertThat(u.understanding().source()).isEqualTo("model"));
    }

    @Test
    void aTimedOutMessageReleasesItsSessionsNextMessage() throws Exception {
        ControlledClassifier.PENDING.clear();
        List<InboundMessage> in = List.of(
                Messages.inbound("1", "a1", "never answered, I want a refund", "a1"),
                Messages.inbound("1", "a2", "a second", "a2"));
        List<UnderstoodMessage> out = run(new UnderstandFunction(BOTS, ControlledClassifier::new), 50, in,
                () -> ControlledClassifier.answer("a second"));
        assertThat(out).extracting(u -> u.inbound().message().messageId()).containsExactly("a1", "a2");
        assertThat(out.get(0).understanding().source()).isEqualTo(UnderstandFunction.FALLBACK_TIMEOUT);
    }

    @Test
    void aFullQueueIsRetriedBeforeTheRulesAnswer() throws Exception {
        ControlledClassifier.REJECTED.set(0);
        ControlledClassifier.rejectFirst = UnderstandFunction.OVERLOAD_RETRIES;
        List<UnderstoodMessage> retried = run(new UnderstandFunction(BOTS, ControlledClassifier::new), 10_000,
                List.of(Messages.inbound("1", "1", "full, where is my order", "a")),
                () -> awaitAttempts(UnderstandFunction.OVERLOAD_RETRIES + 1));
        assertThat(retried).singleElement().satisfies(u -> assertThat(u.understanding().source()).isEqualTo("model"));
        assertThat(ControlledClassifier.REJECTED.get()).isEqualTo(UnderstandFunction.OVERLOAD_RETRIES + 1);

        ControlledClassifier.REJECTED.set(0);
        ControlledClassifier.rejectFirst = UnderstandFunction.OVERLOAD_RETRIES + 1;
        List<UnderstoodMessage> refused = run(new UnderstandFunction(BOTS, ControlledClassifier::new), 10_000,
                List.of(Messages.inbound("1", "1", "full, I want a refund", "a")),
                () -> awaitAttempts(UnderstandFunction.OVERLOAD_RETRIES + 1));
        assertThat(refused).singleElement().satisfies(u -> {
            assertThat(u.understanding().source()).isEqualTo(UnderstandFunction.FALLBACK_OVERLOADED);
            assertThat(u.understanding().intent()).isEqualTo("refund");
        });
    }

    /** Retries run on their own timer (real time): wait for them before the harness's clock jumps past the timeout. */
    private static void awaitAttempts(int attempts) {
        long deadline = System.currentTimeMillis() + 10_000;
        try {
            while (ControlledClassifier.REJECTED.get() < attempts && System.currentTimeMillis() < deadline) {
                Thread.sleep(1);
            }
            Thread.sleep(100); // the last attempt's completion reaching the result future
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void timeoutFallsBackToRules() throws Exception {
        List<UnderstoodMessage> out = run(new UnderstandFunction(BOTS, ReversingClassifier::new), 50,
                List.of(Messages.inbound("1", "1", "never answered, I want a refund", "a")), () -> { });
        assertThat(out).singleElement().satisfies(u -> {
            assertThat(u.understanding().source()).isEqualTo(UnderstandFunction.FALLBACK_TIMEOUT);
            assertThat(u.understanding().intent()).isEqualTo("refund");
        });
    }
}
