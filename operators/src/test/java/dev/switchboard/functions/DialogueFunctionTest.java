package dev.switchboard.functions;

import dev.switchboard.bot.BotDefinition;
import dev.switchboard.bot.BotDefinitionReader;
import dev.switchboard.bot.Bots;
import dev.switchboard.dialogue.StateCipher;
import dev.switchboard.dialogue.DialogueSettings;
import dev.switchboard.dialogue.DialogueState;
import dev.switchboard.dialogue.Turn;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The dialogue step in a keyed harness on the RocksDB state backend, as the job runs it. */
class DialogueFunctionTest {
    private static final DialogueSettings SETTINGS =
            new DialogueSettings(6, 4, Duration.ofMinutes(10), 500);
    /** The shipped support bot: quiet for 30 minutes after a handoff. */
    private static final Bots BOTS = Bots.of(Bots.shippedSupport());

    private KeyedOneInputStreamOperatorTestHarness<String, UnderstoodMessage, BotReply> harness;

    private KeyedOneInputStreamOperatorTestHarness<String, UnderstoodMessage, BotReply> open(OperatorSubtaskState restore)
            throws Exception {
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new DialogueFunction(SETTINGS, BOTS)),
                m -> m.inbound().sessionKey(), Types.STRING);
        harness.setStateBackend(new EmbeddedRocksDBStateBackend());
        if (restore != null) {
            harness.initializeState(restore);
        }
        harness.open();
        return harness;
    }

    @AfterEach
    void close() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    private List<String> replies() {
        List<String> texts = new ArrayList<>();
        for (Object o : harness.getOutput()) {
            if (o instanceof StreamRecord<?> r && r.getValue() instanceof BotReply reply) {
                texts.add(reply.text());
            }
        }
        harness.getOutput().clear();
        return texts;
    }

    /** Sessions with dialogue state in RocksDB. */
    private long liveSessions() {
        org.apache.flink.runtime.state.KeyedStateBackend<String> backend = harness.getOperator().getKeyedStateBackend();
        try (var keys = backend.getKeys(DialogueFunction.STATE_NAME, org.apache.flink.runtime.state.VoidNamespace.INSTANCE)) {
            return keys.count();
        }
    }

    /** The session's small fields with its turns from the history list state, as the savepoint tools read them. */
    private DialogueState state(String sessionKey) throws Exception {
        org.apache.flink.runtime.state.KeyedStateBackend<String> backend = harness.getOperator().getKeyedStateBackend();
        backend.setCurrentKey(sessionKey);
        DialogueState s = backend.getPartitionedState(org.apache.flink.runtime.state.VoidNamespace.INSTANCE,
                        org.apache.flink.runtime.state.VoidNamespaceSerializer.INSTANCE,
                        DialogueFunction.stateDescriptor())
                .value();
        if (s != null) {
            Iterable<Turn> turns = backend.getPartitionedState(org.apache.flink.runtime.state.VoidNamespace.INSTANCE,
                    org.apache.flink.runtime.state.VoidNamespaceSerializer.INSTANCE, DialogueFunction.historyDescriptor()).get();
            s.history = new ArrayList<>();
            if (turns != null) {
                turns.forEach(s.history::add);
            }
        }
        return s;
    }

    @Test
    void redeliveredMessagesAreAnsweredOnce() throws Exception {
        open(null);
        harness.processElement(Messages.understood("42", "1", "hello", "upd-1"), 0);
        harness.processElement(Messages.understood("42", "1", "hello", "upd-1"), 0);
        assertThat(replies()).hasSize(1);
        harness.processElement(Messages.understood("42", "2", "hello", "upd-2"), 0);
        assertThat(replies()).hasSize(1);
    }

    @Test
    void dedupSurvivesASnapshotAndRestore() throws Exception {
        open(null);
        harness.processElement(Messages.understood("42", "1", "where is my order", "upd-1"), 0);
        OperatorSubtaskState snapshot = harness.snapshot(1, 1);
        harness.close();

        open(snapshot);
        harness.processElement(Messages.understood("42", "1", "where is my order", "upd-1"), 0);
        assertThat(replies()).isEmpty();
        // ... and the flow position survived too.
        harness.processElement(Messages.understood("42", "2", "48213", "upd-2"), 0);
        assertThat(replies()).singleElement().asString().contains("48213");
    }

    @Test
    void historyIsBoundedAndKeepsTheLatestTurns() throws Exception {
        open(null);
        for (int i = 0; i < 10; i++) {
            harness.processElement(Messages.understood("42", Integer.toString(i), "thanks " + i), 0);
        }
        DialogueState s = state("support:telegram:42");
        // The list is appended to and cut back to the 6 latest once it holds 6 + 8: never more than that.
        assertThat(s.history).hasSizeBetween(6, 13).hasSize(s.historyTurns);
        Turn lastUser = s.history.get(s.history.size() - 2);
        assertThat(lastUser.role).isEqualTo(Turn.USER);
        assertThat(lastUser.text).isEqualTo("thanks 9");
        // The dedup window is 4: the last four keys are remembered, the ones before are not.
        assertThat(s.redeliveryHashes).hasSize(4);
        assertThat(List.of("u-42-6", "u-42-7", "u-42-8", "u-42-9")).allMatch(s::seenRedelivery);
        assertThat(List.of("u-42-0", "u-42-5")).noneMatch(s::seenRedelivery);

        // What the bot shows of the history (a handoff record) is the latest 6 turns.
        harness.processElement(Messages.understood("42", "10", "let me talk to a human"), 0);
        List<HandoffRequest> handoffs = new ArrayList<>();
        harness.getSideOutput(DialogueFunction.HANDOFFS).forEach(r -> handoffs.add(r.getValue()));
        assertThat(handoffs).singleElement().satisfies(h -> {
            assertThat(h.history()).hasSize(6);
            assertThat(h.history().get(0).text).isEqualTo("thanks 8");
            assertThat(h.history().get(4).text).isEqualTo("let me talk to a human");
        });
    }

    @Test
    void historyListStaysBoundedOverManyMessages() throws Exception {
        open(null);
        for (int i = 0; i < 200; i++) {
            harness.processElement(Messages.understood("42", Integer.toString(i), "thanks " + i), 0);
            DialogueState s = state("support:telegram:42");
            assertThat(s.history).as("after message %d", i).hasSize(s.historyTurns).hasSizeLessThan(6 + 8);
        }
    }

    /** Writes sessions as releases before the split layout did: the whole state as one POJO value. */
    static final class WholeValueWriter extends org.apache.flink.streaming.api.functions.KeyedProcessFunction<String,
            UnderstoodMessage, BotReply> {
        private transient org.apache.flink.api.common.state.ValueState<DialogueState> state;

        @Override
        public void open(org.apache.flink.api.common.functions.OpenContext ctx) {
            state = getRuntimeContext().getState(DialogueFunction.legacyStateDescriptor());
        }

        @Override
        public void processElement(UnderstoodMessage in, Context ctx, org.apache.flink.util.Collector<BotReply> out)
                throws Exception {
            DialogueState s = new DialogueState();
            for (int i = 0; i < 9; i++) {
                s.history.add(new Turn(i % 2 == 0 ? Turn.USER : Turn.BOT, "turn " + i, 1_000L + i,
                        i % 2 == 0 ? "order_status" : null, "42", "telegram"));
            }
            s.flow = "order_status";
            s.flowIntent = "order_status";
            s.lastIntent = "order_status";
            s.language = "en";
            s.lastActivity = 1_008L;
            s.recentRedeliveryKeys.addAll(List.of("old-1", "old-2", "old-3"));
            s.expiryTimer = 600_000L;
            state.update(s);
            ctx.timerService().registerProcessingTimeTimer(s.expiryTimer);
        }
    }

    @Test
    void aSessionStoredWholeByAnEarlierReleaseMovesToTheSplitLayoutOnItsNextMessage() throws Exception {
        var writer = new KeyedOneInputStreamOperatorTestHarness<String, UnderstoodMessage, BotReply>(
                new KeyedProcessOperator<>(new WholeValueWriter()), m -> m.inbound().sessionKey(), Types.STRING);
        writer.setStateBackend(new EmbeddedRocksDBStateBackend());
        writer.open();
        writer.processElement(Messages.understood("42", "0", "ignored"), 0);
        writer.processElement(Messages.understood("43", "0", "ignored"), 0);
        OperatorSubtaskState earlier = writer.snapshot(1, 1);
        writer.close();

        open(earlier);
        // A redelivery of a message the earlier release answered is still dropped.
        harness.processElement(Messages.understood("42", "1", "where is my order", "old-2"), 0);
        assertThat(replies()).isEmpty();
        // The flow it left waiting for an order number goes on.
        harness.processElement(Messages.understood("42", "2", "48213", "new-1"), 0);
        assertThat(replies()).singleElement().asString().contains("48213");
        DialogueState moved = state("support:telegram:42");
        assertThat(moved.startedAt).as("start from the oldest turn").isEqualTo(1_000L);
        assertThat(moved.recentRedeliveryKeys).isEmpty();
        assertThat(List.of("old-1", "old-2", "old-3", "new-1")).allMatch(moved::seenRedelivery);
        // The latest 6 of its 9 turns, then this message's turns.
        assertThat(moved.history).extracting(t -> t.text).startsWith("turn 3", "turn 4").contains("48213");
        assertThat(moved.history).hasSize(moved.historyTurns);

        // The other session is untouched until it is used; its earlier expiry timer still ends it, whole value and all.
        org.apache.flink.runtime.state.KeyedStateBackend<String> backend = harness.getOperator().getKeyedStateBackend();
        try (var keys = backend.getKeys(DialogueFunction.LEGACY_STATE_NAME, org.apache.flink.runtime.state.VoidNamespace.INSTANCE)) {
            assertThat(keys).containsExactly("support:telegram:43");
        }
        harness.setProcessingTime(600_000L);
        try (var keys = backend.getKeys(DialogueFunction.LEGACY_STATE_NAME, org.apache.flink.runtime.state.VoidNamespace.INSTANCE)) {
            assertThat(keys).isEmpty();
        }
    }

    @Test
    void slotFillingAcrossTurnsKeepsSessionsApart() throws Exception {
        open(null);
        harness.processElement(Messages.understood("42", "1", "where is my order?"), 0);
        harness.processElement(Messages.understood("43", "1", "我要退款"), 0);
        assertThat(replies()).containsExactly("Sure. What's your order number?", "我可以帮您办理退款，请提供订单号。");

        harness.processElement(Messages.understood("43", "2", "订单号 77777"), 0);
        harness.processElement(Messages.understood("42", "2", "it is #48213"), 0);
        List<String> answers = replies();
        assertThat(answers.get(0)).contains("77777").contains("退款");
        assertThat(answers.get(1)).contains("48213").doesNotContain("77777");
        assertThat(state("support:telegram:42").slots).containsEntry("order_number", "48213");
    }

    @Test
    void idleSessionsExpireAndLeaveNoStateOrTimer() throws Exception {
        open(null);
        harness.setProcessingTime(1_000);
        harness.processElement(Messages.understood("42", "1", "where is my order"), 0);
        harness.processElement(Messages.understood("43", "1", "hi"), 0);
        assertThat(harness.numProcessingTimeTimers()).isEqualTo(2);
        assertThat(liveSessions()).isEqualTo(2);

        // Activity in one session moves its timer instead of adding one.
        harness.setProcessingTime(1_000 + Duration.ofMinutes(6).toMillis());
        harness.processElement(Messages.understood("43", "2", "thanks"), 0);
        assertThat(harness.numProcessingTimeTimers()).isEqualTo(2);

        // The session timeout is 10 minutes.
        harness.setProcessingTime(1_000 + Duration.ofMinutes(11).toMillis());
        assertThat(liveSessions()).isEqualTo(1);
        assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);

        harness.setProcessingTime(1_000 + Duration.ofMinutes(17).toMillis());
        assertThat(liveSessions()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();

        // A returning user starts over: no flow position left.
        replies();
        harness.processElement(Messages.understood("42", "9", "48213"), 0);
        assertThat(replies()).singleElement().asString().contains("didn't catch that");
    }

    @Test
    void handoffEmitsARecordAndSilencesTheSessionUntilItEnds() throws Exception {
        open(null);
        harness.setProcessingTime(0);
        harness.processElement(Messages.understood("42", "1", "where is my order"), 0);
        harness.processElement(Messages.understood("42", "2", "紧急！转人工"), 0);
        // The bot's handoff reply, then its urgent reply appended.
        assertThat(replies()).containsExactly("Sure. What's your order number?", "正在为您转接人工客服，工作人员会在这里回复您。",
                "已为您标记为紧急。");
        List<HandoffRequest> handoffs = new ArrayList<>();
        harness.getSideOutput(DialogueFunction.HANDOFFS).forEach(r -> handoffs.add(r.getValue()));
        assertThat(handoffs).singleElement().satisfies(h -> {
            assertThat(h.sessionKey()).isEqualTo("support:telegram:42");
            assertThat(h.urgent()).isTrue();
            assertThat(h.language()).isEqualTo("zh");
            assertThat(h.history()).extracting(t -> t.text).contains("where is my order", "紧急！转人工");
        });

        harness.processElement(Messages.understood("42", "3", "hello?"), 0);
        assertThat(replies()).isEmpty();

        // The session outlives the idle timeout (10 min) while a person has it (the bot's 30 min) ...
        harness.setProcessingTime(Duration.ofMinutes(20).toMillis());
        assertThat(liveSessions()).isEqualTo(1);
        harness.processElement(Messages.understood("42", "4", "still there?"), 0);
        assertThat(replies()).isEmpty();
        // ... and the bot answers again once the quiet time is over.
        harness.setProcessingTime(Duration.ofMinutes(31).toMillis());
        harness.processElement(Messages.understood("42", "5", "hello again"), 0);
        assertThat(replies()).hasSize(1);
    }


    @Test
    void sensitiveSlotsAreSealedInStateAndMaskedInHistory() throws Exception {
        BotDefinition trattoria = BotDefinitionReader.read(
                java.nio.file.Files.readAllBytes(java.nio.file.Path.of("..", "bots", "trattoria.yaml")), "trattoria.yaml").orThrow();
        StateCipher cipher = StateCipher.of(java.util.Map.of("k1", new byte[32]));
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new DialogueFunction(SETTINGS, Bots.of(trattoria), cipher)),
                m -> m.inbound().sessionKey(), Types.STRING);
        harness.setStateBackend(new EmbeddedRocksDBStateBackend());
        harness.open();
        harness.setProcessingTime(1_764_666_000_000L);
        harness.processElement(trattoriaSays("1", "帮我订明天晚上4位", "reserve"), 0);
        harness.processElement(trattoriaSays("2", "电话 13800138000", "other"), 0);
        List<String> texts = replies();
        // The user is told the number; the state never holds it in the clear.
        assertThat(texts.get(1)).endsWith("确认短信会发到 13800138000。");
        DialogueState s = state("trattoria:telegram:7");
        assertThat(s.slots.get("phone")).startsWith("enc:k1:");
        assertThat(cipher.decrypt(s.slots.get("phone"))).isEqualTo("13800138000");
        assertThat(s.slots).containsEntry("party_size", "4");
        assertThat(s.history).extracting(t -> t.text).noneMatch(t -> t.contains("13800138000"))
                .contains("电话 •••• 8000");

        // The next message reads it back: a new booking is prefilled and only asks what is missing.
        harness.processElement(trattoriaSays("3", "再订一个周五午餐", "reserve"), 0);
        assertThat(replies()).singleElement().asString().contains("确认短信会发到 13800138000");
    }

    private static UnderstoodMessage trattoriaSays(String id, String text, String intent) {
        dev.switchboard.model.UnifiedMessage m = new dev.switchboard.model.UnifiedMessage("telegram", "trattoria", id, "7",
                "direct", null, null, new dev.switchboard.model.Sender("7", "Li", false), "text", text, List.of(), List.of(),
                1_764_666_000_000L, "t-" + id);
        return new UnderstoodMessage(new dev.switchboard.model.InboundMessage(m, dev.switchboard.model.SessionKeys.of(m), null, 0L),
                new dev.switchboard.understand.Understanding(intent, 0.9, false, "zh", "model"));
    }
}
