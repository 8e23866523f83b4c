package dev.switchboard.functions;

import dev.switchboard.bot.BotDefinition;
import dev.switchboard.bot.Bots;
import dev.switchboard.understand.InferenceSettings;
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

    /**
     * A published version that needs the encoder loads in the background: the message that finds it new is answered at
     * once by the version before (its n-gram model), and a later one by the new version's knowledge.
     */
    @Test
    void aPublishedVersionWithKnowledgeLoadsWithoutStallingTheSubtask() throws Exception {
        BotDefinition trattoria = dev.switchboard.bot.BotDefinitionReader.read(
                Bots.shippedYaml("trattoria").getBytes(java.nio.charset.StandardCharsets.UTF_8), "trattoria.yaml").orThrow();
        String withKnowledge = Bots.shippedYaml("trattoria").replace("version: \"3\"", "version: \"4\"") + String.join("\n",
                "knowledge:",
                "  min_similarity: 0.7",
                "  entries:",
                "    - id: parking",
                "      questions: {en: [is there parking nearby, where can I park my car], zh: [附近有停车场吗, 哪里可以停车]}",
                "      answer: {en: \"Free parking behind the restaurant.\", zh: \"餐厅后面有免费停车场。\"}",
                "");
        BotDefinition v4 = dev.switchboard.bot.BotDefinitionReader.read(
                withKnowledge.getBytes(java.nio.charset.StandardCharsets.UTF_8), "trattoria.yaml").orThrow();
        UnderstandFunction fn = new UnderstandFunction(InferenceSettings.DEFAULTS, Bots.of(trattoria));
        try (OneInputStreamOperatorTestHarness<InboundMessage, UnderstoodMessage> harness = new OneInputStreamOperatorTestHarness<>(
                new AsyncWaitOperatorFactory<>(fn, 60_000, 10, AsyncDataStream.OutputMode.UNORDERED),
                TypeInformation.of(InboundMessage.class).createSerializer(new org.apache.flink.api.common.serialization.SerializerConfigImpl()))) {
            harness.open();
            String jobId = harness.getEnvironment().getJobID().toString();
            BotRegistry.publish(jobId, v4);
            long start = System.nanoTime();
            synchronized (harness.getCheckpointLock()) {
                harness.processElement(new StreamRecord<>(trattoriaMessage("1", "where can I park my car"), 0));
            }
            long firstMillis = (System.nanoTime() - start) / 1_000_000;
            String knowledge = null;
            for (int i = 2; i < 400 && knowledge == null; i++) {
                Thread.sleep(100);
                synchronized (harness.getCheckpointLock()) {
                    harness.processElement(new StreamRecord<>(trattoriaMessage(Integer.toString(i), "where can I park my car"), 0));
                }
                Thread.sleep(50);
                for (Object o : harness.getOutput()) {
                    if (o instanceof StreamRecord<?> r && r.getValue() instanceof UnderstoodMessage u
                            && u.understanding().knowledgeId() != null) {
                        knowledge = u.understanding().knowledgeId();
                    }
                }
            }
            UnderstoodMessage first = null;
            for (Object o : harness.getOutput()) {
                if (o instanceof StreamRecord<?> r && r.getValue() instanceof UnderstoodMessage u
                        && u.inbound().message().messageId().equals("1")) {
                    first = u;
                }
            }
            assertThat(firstMillis).as("the task thread did not wait for the encoder").isLessThan(1_500);
            assertThat(first).as("the first message was answered by the version before").isNotNull();
            assertThat(first.understanding().knowledgeId()).isNull();
            assertThat(knowledge).as("the new version's knowledge answers once it is loaded").isEqualTo("parking");
            synchronized (harness.getCheckpointLock()) {
                harness.endInput();
            }
            BotRegistry.release(jobId);
        }
    }

    /** Runs the texts through a fresh understand step for the shipped support bot (knowledge by the encoder). */
    private static List<UnderstoodMessage> understandSupport(InferenceSettings settings, UnderstandFunction[] fn, String... texts)
            throws Exception {
        fn[0] = new UnderstandFunction(settings, BOTS);
        try (OneInputStreamOperatorTestHarness<InboundMessage, UnderstoodMessage> harness = new OneInputStreamOperatorTestHarness<>(
                new AsyncWaitOperatorFactory<>(fn[0], 60_000, 10, AsyncDataStream.OutputMode.UNORDERED),
                TypeInformation.of(InboundMessage.class).createSerializer(new org.apache.flink.api.common.serialization.SerializerConfigImpl()))) {
            harness.open();
            List<UnderstoodMessage> out = new ArrayList<>();
            for (int i = 0; i < texts.length; i++) {
                synchronized (harness.getCheckpointLock()) {
                    harness.processElement(new StreamRecord<>(Messages.inbound(Integer.toString(i), Integer.toString(i),
                            texts[i], "k" + i), 0));
                }
            }
            // Results reach the output through the task's mailbox: run its letters until every message is out.
            long deadline = System.currentTimeMillis() + 60_000;
            while (out.size() < texts.length && System.currentTimeMillis() < deadline) {
                java.util.Optional<org.apache.flink.streaming.runtime.tasks.mailbox.Mail> mail = harness.getTaskMailbox()
                        .tryTake(org.apache.flink.streaming.runtime.tasks.mailbox.TaskMailbox.MIN_PRIORITY);
                if (mail.isPresent()) {
                    synchronized (harness.getCheckpointLock()) {
                        mail.get().run();
                    }
                } else {
                    Thread.sleep(5);
                }
                out.clear();
                for (Object o : harness.getOutput()) {
                    if (o instanceof StreamRecord<?> r && r.getValue() instanceof UnderstoodMessage u) {
                        out.add(u);
                    }
                }
            }
            assertThat(out).hasSize(texts.length);
            return out;
        }
    }

    private static List<String> decisions(List<UnderstoodMessage> out) {
        return out.stream().sorted(java.util.Comparator.comparing(u -> u.inbound().message().messageId()))
                .map(u -> u.understanding().intent() + "/" + u.understanding().knowledgeId() + "/"
                        + u.understanding().knowledgeSimilarity() + "/" + u.understanding().relatedKnowledge())
                .toList();
    }

    /**
     * A phrasing seen before (also with another order number, or other letter case) is answered with the analysis of
     * the earlier message instead of an embedding and a scan; the decisions are those of a step that computes every one.
     */
    @Test
    void aPhrasingSeenBeforeReusesItsAnalysisWithTheSameDecisions() throws Exception {
        UnderstandFunction[] fn = new UnderstandFunction[1];
        String[] first = {"do you ship to canada?", "where is order 48213", "what payment methods do you accept"};
        String[] again = {"Do you ship to Canada?", "where is order 51177", "what payment methods do you accept",
                "is my parcel lost"};
        understandSupport(InferenceSettings.DEFAULTS, fn, first);
        List<UnderstoodMessage> reused = understandSupport(InferenceSettings.DEFAULTS, fn, again);
        assertThat(fn[0].understandingReused()).as("three of the four were seen by the step before on this JVM").isEqualTo(3);

        InferenceSettings cacheOff = new InferenceSettings(null, null, false, 64, java.time.Duration.ofMillis(2), 10_000, 2, 0);
        List<UnderstoodMessage> computed = understandSupport(cacheOff, fn, again);
        assertThat(fn[0].understandingReused()).isZero();
        assertThat(decisions(reused)).isEqualTo(decisions(computed));
        assertThat(decisions(reused).get(0)).contains("shipping-abroad");
    }

    /**
     * Two slots of a TaskManager open the same bot at once: its examples and questions are embedded once, by one of
     * them, while the other waits (each embedding them was twice a start's embedding work).
     */
    @Test
    void slotsOpeningTogetherEmbedABotsExamplesOnce() throws Exception {
        // Texts no other test embeds (letters: long numbers would be read as 0000), so none is in the encoders' cache.
        String unique = Long.toString(System.nanoTime(), 26).chars().mapToObj(c -> String.valueOf((char) (Character.isDigit(c)
                ? 'q' + c - '0' : c))).collect(java.util.stream.Collectors.joining());
        StringBuilder yaml = new StringBuilder("bot: slots\nversion: \"1\"\nlanguages: [en]\nintents:\n");
        for (String intent : List.of("greeting", "hours", "other")) {
            yaml.append("  ").append(intent).append(":\n    examples:\n      en: [");
            for (int i = 0; i < 8; i++) {
                yaml.append(i == 0 ? "" : ", ").append(intent).append(" ").append(unique).append(" example ").append((char) ('a' + i));
            }
            yaml.append("]\n    reply:\n      en: \"").append(intent).append("\"\n");
        }
        yaml.append("knowledge:\n  min_similarity: 0.7\n  entries:\n    - id: parking\n      questions: {en: [is there parking ")
                .append(unique).append(", where can I park ").append(unique).append("]}\n      answer: {en: \"Behind the shop.\"}\n");
        BotDefinition bot = dev.switchboard.bot.BotDefinitionReader.read(
                yaml.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8), "slots.yaml").orThrow();
        int texts = 3 * 8 + 2;
        dev.switchboard.understand.EncoderService en = dev.switchboard.understand.EncoderService.acquire(
                dev.switchboard.understand.SentenceEncoder.ENGLISH, InferenceSettings.DEFAULTS, null);
        dev.switchboard.understand.EncoderService zh = dev.switchboard.understand.EncoderService.acquire(
                dev.switchboard.understand.SentenceEncoder.CHINESE, InferenceSettings.DEFAULTS, null);
        try {
            long before = en.encoded() + zh.encoded();
            java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(2);
            java.util.concurrent.ExecutorService slots = java.util.concurrent.Executors.newFixedThreadPool(2);
            List<java.util.concurrent.Future<?>> opened = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                opened.add(slots.submit(() -> {
                    try (OneInputStreamOperatorTestHarness<InboundMessage, UnderstoodMessage> harness = new OneInputStreamOperatorTestHarness<>(
                            new AsyncWaitOperatorFactory<>(new UnderstandFunction(InferenceSettings.DEFAULTS, Bots.of(bot)), 60_000, 10,
                                    AsyncDataStream.OutputMode.UNORDERED),
                            TypeInformation.of(InboundMessage.class).createSerializer(
                                    new org.apache.flink.api.common.serialization.SerializerConfigImpl()))) {
                        together.await();
                        harness.open();
                    }
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> f : opened) {
                f.get(120, java.util.concurrent.TimeUnit.SECONDS);
            }
            slots.shutdown();
            // One build embeds each example and question once; two builds at once (both missing the cache) up to twice.
            long embedded = en.encoded() + zh.encoded() - before;
            assertThat(embedded).as("texts embedded by two slots opening the bot together").isEqualTo(texts);
        } finally {
            en.release();
            zh.release();
        }
    }

    private static InboundMessage trattoriaMessage(String id, String text) {
        dev.switchboard.model.UnifiedMessage m = new dev.switchboard.model.UnifiedMessage("telegram", "trattoria", id, "t9",
                "direct", null, null, new dev.switchboard.model.Sender("t9", "Ana", false), "text", text, List.of(), List.of(),
                1_700_000_000_000L, "r" + id);
        return new InboundMessage(m, dev.switchboard.model.SessionKeys.of(m), null, 1_700_000_000_100L);
    }
}
