package dev.switchboard.job;

import dev.switchboard.bot.BotDefinition;
import dev.switchboard.bot.BotDefinitionReader;
import dev.switchboard.bot.Bots;
import dev.switchboard.dialogue.DialogueSettings;
import dev.switchboard.functions.BotReply;
import dev.switchboard.functions.DialogueFunction;
import dev.switchboard.functions.UnderstoodMessage;
import dev.switchboard.model.ChatType;
import dev.switchboard.model.InboundMessage;
import dev.switchboard.model.MessageKind;
import dev.switchboard.model.Sender;
import dev.switchboard.model.SessionKeys;
import dev.switchboard.model.UnifiedMessage;
import dev.switchboard.testkit.LlmFake;
import dev.switchboard.understand.Understanding;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Generated replies in the dialogue step (RocksDB keyed state, Flink's harness) against a local chat-completions fake:
 * a session's next message waits for its generated reply, fallbacks, the budget, untrusted text, sensitive values,
 * and a restore with a request in flight.
 */
class GenerationTest {
    private static final DialogueSettings SETTINGS = new DialogueSettings(8, 4, Duration.ofMinutes(10), 500);

    private LlmFake llm;
    private KeyedOneInputStreamOperatorTestHarness<String, UnderstoodMessage, BotReply> harness;
    private long now = 1_764_000_000_000L;

    @BeforeEach
    void start() throws Exception {
        llm = new LlmFake(0);
    }

    @AfterEach
    void stop() throws Exception {
        if (harness != null) {
            harness.close();
        }
        llm.close();
    }

    /** The clinic example with its endpoint on the fake, without a key unless {@code keyEnv} names one. */
    private BotDefinition clinic(String timeout, long budget, String keyEnv) throws Exception {
        String yaml;
        try (InputStream in = GenerationTest.class.getResourceAsStream("/bots/examples/clinic.yaml")) {
            yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        yaml = yaml.replace("http://localhost:8090/v1/chat/completions", llm.endpoint())
                .replace("  api_key_env: CLINIC_LLM_KEY\n", keyEnv == null ? "" : "  api_key_env: " + keyEnv + "\n")
                .replace("  timeout: 8s", "  timeout: " + timeout)
                .replace("  daily_token_budget: 500000", "  daily_token_budget: " + budget);
        return BotDefinitionReader.read(yaml.getBytes(StandardCharsets.UTF_8), "clinic.yaml").orThrow();
    }

    private void open(BotDefinition bot, OperatorSubtaskState restore) throws Exception {
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new DialogueFunction(SETTINGS, Bots.of(bot))),
                m -> m.inbound().sessionKey(), Types.STRING);
        harness.setStateBackend(new EmbeddedRocksDBStateBackend());
        if (restore != null) {
            harness.initializeState(restore);
        }
        harness.open();
        harness.setProcessingTime(now);
    }

    private static UnderstoodMessage message(String chat, String id, String text, String intent) {
        UnifiedMessage m = new UnifiedMessage("telegram", "clinic", id, chat, ChatType.DIRECT, null, null,
                new Sender(chat, "Ana", false), MessageKind.TEXT, text, List.of(), List.of(), 1_764_000_000_000L, "r-" + id);
        Understanding u = new Understanding(intent, 0.9, false, "en", "test").withRelatedKnowledge(List.of("opening-hours"));
        return new UnderstoodMessage(new InboundMessage(m, SessionKeys.of(m), null, 1_764_000_000_000L), u);
    }

    private List<BotReply> replies() {
        List<BotReply> out = new ArrayList<>();
        for (Object o : harness.getOutput()) {
            if (o instanceof StreamRecord<?> r && r.getValue() instanceof BotReply reply) {
                out.add(reply);
            }
        }
        return out;
    }

    /** Moves processing time on (firing the polls) until {@code done} holds or 10 s of real time pass. */
    private void advanceUntil(Predicate<List<BotReply>> done) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!done.test(replies()) && System.nanoTime() < deadline) {
            now += 10;
            harness.setProcessingTime(now);
            Thread.sleep(5);
        }
        assertThat(done.test(replies())).as("replies in time: %s", replies()).isTrue();
    }

    @Test
    void theNextMessageWaitsSoItsPromptHoldsTheFirstAnswer() throws Exception {
        llm.delayRequest(1, 1_500);
        open(clinic("8s", 0, null), null);
        harness.processElement(new StreamRecord<>(message("ana", "1", "how many dentists work there", "other")));
        harness.processElement(new StreamRecord<>(message("ana", "2", "and do they speak spanish", "other")));
        // Another session is not held up by Ana's slow answer.
        harness.processElement(new StreamRecord<>(message("ben", "3", "thanks", "thanks")));
        assertThat(replies()).extracting(BotReply::text).containsExactly("You're welcome!");

        advanceUntil(r -> r.size() == 3);
        List<BotReply> anas = replies().stream().filter(r -> r.chatId().equals("ana")).toList();
        assertThat(anas).extracting(BotReply::sourceMessageId).containsExactly("1", "2");
        assertThat(anas.get(0).text()).startsWith("Generated answer 1 (local fake model) to: how many dentists");
        assertThat(anas.get(0).generatedBy()).isEqualTo("qwen2.5-7b-instruct");
        assertThat(llm.requests()).hasSize(2);
        String second = llm.promptText(1);
        assertThat(second).contains("assistant: Generated answer 1 (local fake model) to: how many dentists work there");
        assertThat(second).contains("user: how many dentists work there").endsWith("user: and do they speak spanish\n");
        // The system prompt in the reply's language, with the related knowledge entry.
        assertThat(llm.promptText(0)).startsWith("system: You are the front desk assistant of Riverside Dental.")
                .contains("Q: when are you open").contains("A: We're open Monday to Friday");
        assertThat(llm.requests().get(0).path("max_tokens").asInt()).isEqualTo(200);
        assertThat(llm.requests().get(0).path("model").asText()).isEqualTo("qwen2.5-7b-instruct");
    }

    @Test
    void failuresFallBackToTheIntentsReply() throws Exception {
        String fallback = "Sorry, I can't help with that here. I can book or cancel appointments and answer questions about the clinic.";
        open(clinic("300ms", 0, null), null);
        int n = 0;
        for (LlmFake.Mode mode : List.of(LlmFake.Mode.RATE_LIMITED, LlmFake.Mode.SERVER_ERROR, LlmFake.Mode.MALFORMED,
                LlmFake.Mode.HANG)) {
            llm.mode(mode);
            n++;
            harness.processElement(new StreamRecord<>(message("c" + n, "m" + n, "what is the meaning of life", "other")));
            int expected = n;
            advanceUntil(r -> r.size() == expected);
            BotReply reply = replies().get(n - 1);
            assertThat(reply.text()).as(mode.name()).isEqualTo(fallback);
            assertThat(reply.generatedBy()).isNull();
        }
        // No key in the TaskManager's environment: the intent's reply, and nothing sent.
        harness.close();
        harness = null;
        llm.mode(LlmFake.Mode.ANSWER);
        int before = llm.requests().size();
        open(clinic("300ms", 0, "SWITCHBOARD_TEST_KEY_THAT_IS_NOT_SET"), null);
        harness.processElement(new StreamRecord<>(message("d", "d1", "what is the meaning of life", "other")));
        assertThat(replies()).extracting(BotReply::text).containsExactly(fallback);
        assertThat(llm.requests()).hasSize(before);
    }

    @Test
    void theBudgetStopsGeneration() throws Exception {
        open(clinic("8s", 1, null), null);
        harness.processElement(new StreamRecord<>(message("a", "1", "first open question", "other")));
        advanceUntil(r -> r.size() == 1);
        harness.processElement(new StreamRecord<>(message("a", "2", "second open question", "other")));
        advanceUntil(r -> r.size() == 2);
        assertThat(replies().get(0).generatedBy()).isNotNull();
        assertThat(replies().get(1).generatedBy()).as("budget spent: the intent's reply").isNull();
        assertThat(llm.requests()).hasSize(1);
    }

    @Test
    void generatedTextIsEscapedAndCappedAndOtherIntentsAreNotGenerated() throws Exception {
        open(clinic("8s", 0, null), null);
        harness.processElement(new StreamRecord<>(message("a", "1", "*bold* and [a link](http://x) " + "long ".repeat(500), "other")));
        advanceUntil(r -> r.size() == 1);
        String text = replies().get(0).text();
        assertThat(text).contains("\\*bold\\*").contains("\\[a link\\]");
        assertThat(text.length()).isLessThanOrEqualTo(DialogueFunction.MAX_GENERATED_CHARS + 200);
        harness.processElement(new StreamRecord<>(message("a", "2", "hello", "greeting")));
        assertThat(replies()).hasSize(2);
        assertThat(llm.requests()).hasSize(1);
    }

    /**
     * A message answered before the checkpoint is not sent to the model again after a restore; one whose request was
     * in flight at the checkpoint is sent again once, and answered once.
     */
    @Test
    void aRestoreSendsOnlyTheRequestThatWasInFlight() throws Exception {
        BotDefinition bot = clinic("8s", 0, null);
        open(bot, null);
        harness.processElement(new StreamRecord<>(message("a", "1", "first open question", "other")));
        advanceUntil(r -> r.size() == 1);
        llm.delayRequest(2, 3_000);
        harness.processElement(new StreamRecord<>(message("a", "2", "second open question", "other")));
        harness.processElement(new StreamRecord<>(message("a", "3", "third open question", "other")));
        OperatorSubtaskState snapshot = harness.snapshot(1, now);
        harness.close();
        harness = null;

        open(bot, snapshot);
        advanceUntil(r -> r.size() == 2);
        List<BotReply> after = replies();
        assertThat(after).extracting(BotReply::sourceMessageId).containsExactly("2", "3");
        // Request 2 was lost with the old operator; 3 is its resend, 4 the third message's (with the second's answer).
        assertThat(llm.requests()).hasSize(4);
        assertThat(llm.promptText(2)).endsWith("user: second open question\n");
        assertThat(llm.promptText(3)).contains("Generated answer 3").endsWith("user: third open question\n");
        assertThat(llm.requests().stream().filter(r -> r.toString().contains("first open question\"}]")).count())
                .as("the first message is not asked again").isEqualTo(1);
    }

    /** Sensitive slot values never reach a prompt: masked in the history and in the message itself. */
    @Test
    void sensitiveSlotValuesAreMaskedInPrompts() throws Exception {
        String yaml;
        try (InputStream in = GenerationTest.class.getResourceAsStream("/bots/trattoria.yaml")) {
            yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        yaml += "\ngenerate:\n  endpoint: " + llm.endpoint() + "\n  model: m\n  for: [other]\n";
        BotDefinition trattoria = BotDefinitionReader.read(yaml.getBytes(StandardCharsets.UTF_8), "trattoria.yaml").orThrow();
        open(trattoria, null);
        String phone = "139 1234 5678";
        UnderstoodMessage booking = trattoriaMessage("1", "a table for 4 people tomorrow for dinner, my phone is " + phone, "reserve");
        harness.processElement(new StreamRecord<>(booking));
        assertThat(replies()).hasSize(1);
        assertThat(replies().get(0).text()).contains("Booked");
        harness.processElement(new StreamRecord<>(trattoriaMessage("2", "can you text " + phone + " a joke", "other")));
        advanceUntil(r -> r.size() == 2);
        String prompt = llm.promptText(0);
        assertThat(prompt).doesNotContain("1234 5678").doesNotContain(phone);
        assertThat(prompt).contains("my phone is").contains("can you text");
        assertThat(replies().get(1).generatedBy()).isEqualTo("m");
    }

    private static UnderstoodMessage trattoriaMessage(String id, String text, String intent) {
        UnifiedMessage m = new UnifiedMessage("telegram", "trattoria", id, "t1", ChatType.DIRECT, null, null,
                new Sender("t1", "Ana", false), MessageKind.TEXT, text, List.of(), List.of(), 1_764_000_000_000L, "r-t" + id);
        return new UnderstoodMessage(new InboundMessage(m, SessionKeys.of(m), null, 1_764_000_000_000L),
                new Understanding(intent, 0.9, false, "en", "test"));
    }
}
