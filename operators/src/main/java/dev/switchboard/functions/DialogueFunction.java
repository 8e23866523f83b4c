package dev.switchboard.functions;

import dev.switchboard.dialogue.Decision;
import dev.switchboard.bot.BotDefinition;
import dev.switchboard.bot.Bots;
import dev.switchboard.dialogue.BotPolicy;
import dev.switchboard.dialogue.SessionSerializer;
import dev.switchboard.dialogue.StateCipher;
import dev.switchboard.dialogue.DialogueSettings;
import dev.switchboard.dialogue.DialogueState;
import dev.switchboard.dialogue.LinkingReplies;
import dev.switchboard.dialogue.Turn;
import dev.switchboard.dialogue.ChatCompletions;
import dev.switchboard.dialogue.GenerationPrompt;
import dev.switchboard.dialogue.PendingGeneration;
import dev.switchboard.model.MarkupText;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import java.util.concurrent.CompletableFuture;
import dev.switchboard.model.Control;
import dev.switchboard.model.ChatType;
import dev.switchboard.model.InboundMessage;
import dev.switchboard.model.UnifiedMessage;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MeterView;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The dialogue step, keyed by session. Keeps each session's {@link DialogueState} in keyed state
 * (RocksDB in the job) split in two: the small fields in one value ({@value #STATE_NAME}, read and written per
 * message) and the turns in a list ({@value #HISTORY_STATE_NAME}, appended to, cut back now and then), so a message
 * costs one read, one write and a merge per turn however long the history. Sessions stored whole by earlier releases
 * ({@value #LEGACY_STATE_NAME}) are moved into that layout on their first message or timer. It answers redelivered
 * platform messages once, bounds history, runs the message's
 * bot ({@link BotPolicy} over its definition), and emits replies plus a handoff record when a session goes
 * to a person.
 *
 * <p>State lifetime: every message (re)arms one processing-time timer at
 * {@code max(last activity + session timeout, end of handoff)}; when it fires the whole state is
 * cleared, so an idle session leaves neither state nor timer behind. Processing time, not event time:
 * idleness is about the bot's clock, and platform timestamps arrive out of order across platforms.
 */
public class DialogueFunction extends KeyedProcessFunction<String, UnderstoodMessage, BotReply> {
    private static final long serialVersionUID = 1L;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DialogueFunction.class);

    /** The session's small fields ({@link SessionSerializer}). */
    public static final String STATE_NAME = "dialogue-session";
    /** The session's turns, oldest first; cut back to the history size once it holds {@link #historyBound()}. */
    public static final String HISTORY_STATE_NAME = "dialogue-history";
    /** The whole session as one POJO value, as releases before the split layout stored it; moved on first touch. */
    public static final String LEGACY_STATE_NAME = "dialogue-state";

    /** The intent of a reply to a link command, in reply records and history. */
    public static final String LINK_INTENT = "link";
    /** The intent of a notification's turn and reply. */
    public static final String NOTIFICATION_INTENT = "notification";

    public static final OutputTag<HandoffRequest> HANDOFFS =
            new OutputTag<>("handoffs", TypeInformation.of(HandoffRequest.class));

    private final DialogueSettings settings;
    /** The bots the job was started with; a published version replaces one (see {@link BotRegistry}). */
    private final Bots bots;
    /** Per bot id: the policy of the version in force here. */
    private transient HashMap<String, BotPolicy> policies;
    private transient String jobId;
    /** Seals sensitive slot values in state; null keeps them as they are (tests without a key). */
    private final StateCipher cipher;

    private transient ValueState<DialogueState> state;
    private transient ListState<Turn> history;
    private transient ValueState<DialogueState> legacy;
    private transient Counter sessionsMoved;
    private transient PlatformCounters replied;
    private transient PlatformCounters duplicates;
    private transient PlatformCounters quiet;
    private transient PlatformCounters handoffs;
    private transient PlatformCounters unknownBot;
    private transient PlatformCounters botMessages;
    private transient PlatformCounters botReplies;
    private transient PlatformCounters botHandoffs;
    private transient Counter sensitiveUnreadable;
    private transient PlatformCounters notifications;
    private transient PlatformCounters linkCommands;
    private transient Counter sessionsStarted;
    private transient Counter sessionsExpired;

    /** Messages of a session waiting for its generated reply, in arrival order. */
    private transient ListState<UnderstoodMessage> waiting;
    /** Per session key: the chat-completions request in flight on this subtask (lost on failure: sent again). */
    private transient Map<String, CompletableFuture<ChatCompletions.Outcome>> inflight;
    /** Per bot: {UTC day, tokens used} against this subtask's share of the daily budget. */
    private transient Map<String, long[]> tokensToday;
    private transient PlatformCounters generations;
    private transient PlatformCounters generationFallbacks;
    private transient PlatformCounters generationTokens;
    private transient Counter generationsResent;
    private transient Counter generationWaits;
    private transient DescriptiveStatisticsHistogram generationLatency;

    /** Polls for a generated answer this often at first, backing off to {@value #POLL_MAX_MS} ms. */
    static final long POLL_MIN_MS = 5;
    static final long POLL_MAX_MS = 50;
    /** A generated reply longer than this is cut (the formatter then splits it at the platform's limits). */
    public static final int MAX_GENERATED_CHARS = 2000;
    public static final String WAITING_STATE_NAME = "dialogue-waiting";

    public DialogueFunction(DialogueSettings settings, Bots bots) {
        this(settings, bots, null);
    }

    /** @param cipher seals the values of sensitive slots in state (AES-GCM), or null to keep them as they are */
    public DialogueFunction(DialogueSettings settings, Bots bots, StateCipher cipher) {
        this.settings = settings;
        this.cipher = cipher;
        this.bots = bots;
    }

    /** The descriptor of the session's small fields; the savepoint tools use this very method (and the two below). */
    public static ValueStateDescriptor<DialogueState> stateDescriptor() {
        return new ValueStateDescriptor<>(STATE_NAME, SessionSerializer.INSTANCE);
    }

    public static ListStateDescriptor<Turn> historyDescriptor() {
        return new ListStateDescriptor<>(HISTORY_STATE_NAME, TypeInformation.of(Turn.class));
    }

    public static ValueStateDescriptor<DialogueState> legacyStateDescriptor() {
        return new ValueStateDescriptor<>(LEGACY_STATE_NAME, TypeInformation.of(DialogueState.class));
    }

    @Override
    public void open(OpenContext openContext) {
        state = getRuntimeContext().getState(stateDescriptor());
        history = getRuntimeContext().getListState(historyDescriptor());
        legacy = getRuntimeContext().getState(legacyStateDescriptor());
        MetricGroup group = getRuntimeContext().getMetricGroup().addGroup("switchboard");
        replied = new PlatformCounters(group, "replied");
        duplicates = new PlatformCounters(group, "duplicates");
        quiet = new PlatformCounters(group, "quietWhileHandedOff");
        handoffs = new PlatformCounters(group, "handoffs");
        unknownBot = new PlatformCounters(group, "unknownBot");
        botMessages = new PlatformCounters(group, "botMessages", "bot");
        botReplies = new PlatformCounters(group, "botReplies", "bot");
        botHandoffs = new PlatformCounters(group, "botHandoffs", "bot");
        sensitiveUnreadable = group.counter("sensitiveSlotsUnreadable");
        notifications = new PlatformCounters(group, "notificationsSent");
        linkCommands = new PlatformCounters(group, "linkCommands", "outcome");
        jobId = getRuntimeContext().getJobInfo().getJobId().toString();
        policies = new HashMap<>();
        waiting = getRuntimeContext().getListState(new ListStateDescriptor<>(WAITING_STATE_NAME,
                TypeInformation.of(UnderstoodMessage.class)));
        inflight = new HashMap<>();
        tokensToday = new HashMap<>();
        generations = new PlatformCounters(group, "generationsRequested", "bot");
        generationFallbacks = new PlatformCounters(group, "generationFallbacks", "reason");
        generationTokens = new PlatformCounters(group, "generationTokens", "bot");
        generationsResent = group.counter("generationsResent");
        generationWaits = group.counter("generationWaits");
        generationLatency = group.histogram("generationLatencyMs", new DescriptiveStatisticsHistogram(1000));
        sessionsStarted = group.counter("sessionsStarted");
        sessionsExpired = group.counter("sessionsExpired");
        sessionsMoved = group.counter("sessionsMovedToSplitState");
        // Per-second rates over the last minute, for dashboards that do not compute rate() themselves.
        group.meter("sessionsStartedPerSecond", new MeterView(sessionsStarted));
        group.meter("sessionsExpiredPerSecond", new MeterView(sessionsExpired));
    }

    @Override
    public void processElement(UnderstoodMessage in, Context ctx, Collector<BotReply> out) throws Exception {
        DialogueState current = load();
        if (current != null && current.generating != null) {
            // The session's generated reply is not in its history yet: this message waits for it.
            waiting.add(in);
            generationWaits.inc();
            return;
        }
        process(in, current, ctx, out);
    }

    /**
     * The session's state: the split layout's small fields, or a session stored by a release before it, moved into the
     * split layout now (its turns to the list state, its redelivery keys into the ring; the old value cleared).
     */
    private DialogueState load() throws Exception {
        DialogueState s = state.value();
        if (s != null) {
            return s;
        }
        DialogueState old = legacy.value();
        if (old == null) {
            return null;
        }
        old.moveToSplitLayout(settings.dedupWindow());
        List<Turn> turns = last(old.history, settings.historySize());
        history.update(turns);
        old.historyTurns = turns.size();
        old.history = new ArrayList<>();
        legacy.clear();
        state.update(old);
        sessionsMoved.inc();
        return old;
    }

    /** The session's recent turns, oldest first, at most the history size. */
    private List<Turn> recentTurns() throws Exception {
        List<Turn> turns = new ArrayList<>();
        Iterable<Turn> stored = history.get();
        if (stored != null) {
            stored.forEach(turns::add);
        }
        return last(turns, settings.historySize());
    }

    /** Appends a turn to the session's history list (one RocksDB merge, nothing read). */
    private void remember(DialogueState s, Turn turn) throws Exception {
        if (settings.historySize() > 0) {
            history.add(turn);
            s.historyTurns++;
        }
    }

    /** Cuts the history list back to the history size once it holds {@link #historyBound()} turns. */
    private void trimHistory(DialogueState s) throws Exception {
        if (s.historyTurns >= historyBound()) {
            List<Turn> kept = recentTurns();
            history.update(kept);
            s.historyTurns = kept.size();
        }
    }

    /** Twice the history size (at least 8 more): the list is rewritten once per that many appended turns. */
    private int historyBound() {
        return settings.historySize() + Math.max(settings.historySize(), 8);
    }

    private void process(UnderstoodMessage in, DialogueState current, Context ctx, Collector<BotReply> out) throws Exception {
        InboundMessage inbound = in.inbound();
        UnifiedMessage message = inbound.message();
        long now = ctx.timerService().currentProcessingTime();
        BotPolicy policy = policyFor(message.botId());
        if (policy == null) {
            // Normalize dead-letters records of unknown bots; a message can only get here from an older state.
            unknownBot.inc(message.platform());
            return;
        }

        DialogueState s = current;
        if (s == null) {
            s = new DialogueState();
            sessionsStarted.inc();
        }
        String redeliveryKey = message.redeliveryKey();
        if (redeliveryKey != null) {
            if (s.seenRedelivery(redeliveryKey)) {
                duplicates.inc(message.platform());
                return;
            }
            s.rememberRedelivery(redeliveryKey, settings.dedupWindow());
        }

        Map<String, Opened> sealed = openSensitive(s);
        Control control = inbound.control();
        Decision decision;
        if (control != null && control.is(Control.NOTIFY)) {
            // A company's notification: the bot says it; no user turn, the session's flow and slots stay.
            notifications.inc(message.platform());
            String language = policy.language(null, s.language);
            decision = new Decision(List.of(message.text()), language, NOTIFICATION_INTENT, control.urgent(), null);
        } else if (control != null && control.isLinking()) {
            linkCommands.inc(control.kind());
            String language = policy.language(in.understanding().language(), s.language);
            s.language = language;
            decision = new Decision(List.of(LinkingReplies.reply(control, language)), language, LINK_INTENT, false, null);
        } else {
            botMessages.inc(message.botId());
            decision = policy.decide(s, message, in.understanding(), now);
        }
        s.touch(now);
        List<String> sensitive = policy.hasSensitiveSlots() ? sensitiveValues(s, policy.bot()) : List.of();
        boolean notification = inbound.isNotification();
        PendingGeneration pending = control == null ? generation(policy, decision, in, s, sensitive, now) : null;
        if (!notification) {
            remember(s, new Turn(Turn.USER, clip(masked(message.text(), sensitive), settings.maxTurnTextLength()),
                    message.timestamp(), decision.intent(), message.sender() == null ? null : message.sender().id(),
                    message.platform()));
        }
        for (int i = 0; pending == null && i < decision.replies().size(); i++) {
            String text = decision.replies().get(i);
            remember(s, new Turn(Turn.BOT, clip(masked(text, sensitive), settings.maxTurnTextLength()), now,
                    notification ? NOTIFICATION_INTENT : null));
            out.collect(new BotReply(message.platform(), message.botId(), inbound.sessionKey(), message.chatId(),
                    message.threadId(), notification ? null : message.messageId(), inbound.accountId(), message.messageId(),
                    inbound.receivedAt(), i, text, decision.intent(), decision.language(), decision.urgent(),
                    inbound.replyToken(), ChatType.DIRECT.equals(message.chatType()) && message.sender() != null
                            ? message.sender().id() : null, policy.bot().version(),
                    i == decision.lookupIndex() ? decision.lookup() : null, decision.knowledgeId(), null));
            replied.inc(message.platform());
            botReplies.inc(message.botId());
        }
        if (pending != null) {
            s.generating = pending;
            send(pending, policy.bot().generate(), inbound.sessionKey(), false);
            ctx.timerService().registerProcessingTimeTimer(now + POLL_MIN_MS);
        }
        trimHistory(s);
        if (decision.replies().isEmpty()) {
            quiet.inc(message.platform());
        }
        if (decision.handoff()) {
            handoffs.inc(message.platform());
            botHandoffs.inc(message.botId());
            ctx.output(HANDOFFS, new HandoffRequest(inbound.sessionKey(), message.botId(), message.platform(),
                    message.chatId(), message.threadId(), message.sender() == null ? null : message.sender().id(),
                    message.sender() == null ? null : message.sender().name(), decision.handoffReason(),
                    decision.intent(), decision.urgent(), decision.language(), message.messageId(), now,
                    s.handoffUntil, List.copyOf(recentTurns())));
        }

        armExpiry(s, now, ctx);
        if (policy.hasSensitiveSlots()) {
            sealSensitive(s, policy.bot(), sealed);
        }
        state.update(s);
    }

    private void armExpiry(DialogueState s, long now, Context ctx) {
        // Whole seconds, so a burst of messages in one session does not churn the timer queue.
        long expiry = Math.max(now + settings.sessionTimeout().toMillis(), s.handoffUntil);
        expiry = (expiry / 1000 + 1) * 1000;
        if (expiry != s.expiryTimer) {
            if (s.expiryTimer != 0) {
                ctx.timerService().deleteProcessingTimeTimer(s.expiryTimer);
            }
            ctx.timerService().registerProcessingTimeTimer(expiry);
            s.expiryTimer = expiry;
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<BotReply> out) throws Exception {
        DialogueState s = load();
        if (s != null && s.generating != null) {
            long now = ctx.timerService().currentProcessingTime();
            if (finishGeneration(s, now, ctx, out)) {
                armExpiry(s, now, ctx);
                state.update(s);
                drainWaiting(ctx, out);
            }
            return;
        }
        if (s != null && timestamp >= s.expiryTimer) {
            state.clear();
            history.clear();
            waiting.clear();
            sessionsExpired.inc();
        }
    }

    // --- generated replies --------------------------------------------------------------------------

    /**
     * The generated reply this decision asks for, or null: the bot has {@code generate}, the decided intent is one of
     * its {@code for}, the message is not a knowledge answer, a handoff or quiet, and the bot's budget on this subtask
     * is not spent (else counted as a fallback, and the intent's replies go out as they are).
     */
    private PendingGeneration generation(BotPolicy policy, Decision decision, UnderstoodMessage in, DialogueState s,
            List<String> sensitive, long now) throws Exception {
        BotDefinition.Generate g = policy.bot().generate();
        if (g == null || decision.knowledgeId() != null || decision.handoff() || decision.replies().isEmpty()
                || !g.forIntents().contains(decision.intent())) {
            return null;
        }
        UnifiedMessage message = in.inbound().message();
        if (g.apiKeyEnv() != null && System.getenv(g.apiKeyEnv()) == null) {
            generationFallbacks.inc(ChatCompletions.NO_KEY);
            return null;
        }
        if (g.dailyTokenBudget() > 0) {
            long[] used = tokensToday.computeIfAbsent(message.botId(), b -> new long[2]);
            long day = Math.floorDiv(now, 86_400_000L);
            if (used[0] != day) {
                used[0] = day;
                used[1] = 0;
            }
            long share = Math.max(1, g.dailyTokenBudget() / getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks());
            if (used[1] >= share) {
                generationFallbacks.inc(ChatCompletions.BUDGET);
                return null;
            }
        }
        PendingGeneration p = new PendingGeneration();
        p.requestBody = ChatCompletions.body(g, GenerationPrompt.messages(policy.bot(), decision.language(), recentTurns(),
                masked(message.text(), sensitive), in.understanding().relatedKnowledge()));
        p.startedAt = now;
        p.fallback = new ArrayList<>(decision.replies());
        p.intent = decision.intent();
        p.language = decision.language();
        p.urgent = decision.urgent();
        InboundMessage inbound = in.inbound();
        p.platform = message.platform();
        p.botId = message.botId();
        p.sessionKey = inbound.sessionKey();
        p.chatId = message.chatId();
        p.threadId = message.threadId();
        p.replyToMessageId = message.messageId();
        p.accountId = inbound.accountId();
        p.sourceMessageId = message.messageId();
        p.sourceReceivedAt = inbound.receivedAt();
        p.replyToken = inbound.replyToken();
        p.recipientId = ChatType.DIRECT.equals(message.chatType()) && message.sender() != null ? message.sender().id() : null;
        p.botVersion = policy.bot().version();
        generations.inc(message.botId());
        return p;
    }

    private void send(PendingGeneration p, BotDefinition.Generate g, String sessionKey, boolean again) {
        String key = g.apiKeyEnv() == null ? null : System.getenv(g.apiKeyEnv());
        inflight.put(sessionKey, ChatCompletions.send(g, p.requestBody, key));
        if (again) {
            generationsResent.inc();
        }
    }

    /**
     * Sends the session's generated reply (or its fallback) when its answer is in, puts it in the history and clears
     * the pending request; else polls again shortly and returns false. A request whose answer was lost with a failure
     * (restored state, nothing in flight here) is sent again.
     */
    private boolean finishGeneration(DialogueState s, long now, OnTimerContext ctx, Collector<BotReply> out)
            throws Exception {
        PendingGeneration p = s.generating;
        String sessionKey = ctx.getCurrentKey();
        BotPolicy policy = policyFor(p.botId);
        BotDefinition.Generate g = policy == null ? null : policy.bot().generate();
        CompletableFuture<ChatCompletions.Outcome> future = inflight.get(sessionKey);
        if (future == null && g != null) {
            send(p, g, sessionKey, true);
            future = inflight.get(sessionKey);
        }
        ChatCompletions.Outcome outcome;
        if (future == null) {
            outcome = new ChatCompletions.Outcome(null, 0, "removed", "the bot's new version has no generate");
        } else if (!future.isDone()) {
            long waited = now - p.startedAt;
            if (waited <= g.timeout().toMillis() + 5_000) {
                ctx.timerService().registerProcessingTimeTimer(now + Math.min(POLL_MAX_MS, Math.max(POLL_MIN_MS, waited / 10)));
                return false;
            }
            future.cancel(true);
            outcome = new ChatCompletions.Outcome(null, 0, ChatCompletions.TIMEOUT, "no answer in " + waited + " ms");
        } else {
            outcome = future.join();
        }
        inflight.remove(sessionKey);
        generationLatency.update(Math.max(0, now - p.startedAt));
        List<String> texts;
        String generatedBy = null;
        if (outcome.text() != null) {
            generationTokens.add(p.botId, outcome.tokens());
            long[] used = tokensToday.get(p.botId);
            if (used != null) {
                used[1] += outcome.tokens();
            }
            texts = List.of(MarkupText.escape(clip(outcome.text(), MAX_GENERATED_CHARS)));
            generatedBy = g == null ? null : g.model();
        } else {
            generationFallbacks.inc(outcome.failure());
            LOG.debug("generated reply for session {} fell back: {} ({})", sessionKey, outcome.failure(), outcome.detail());
            texts = p.fallback;
        }
        for (int i = 0; i < texts.size(); i++) {
            remember(s, new Turn(Turn.BOT, clip(texts.get(i), settings.maxTurnTextLength()), now, null));
            out.collect(new BotReply(p.platform, p.botId, p.sessionKey, p.chatId, p.threadId, p.replyToMessageId,
                    p.accountId, p.sourceMessageId, p.sourceReceivedAt, i, texts.get(i), p.intent, p.language, p.urgent,
                    p.replyToken, p.recipientId, p.botVersion, null, null, generatedBy));
            replied.inc(p.platform);
            botReplies.inc(p.botId);
        }
        trimHistory(s);
        s.generating = null;
        return true;
    }

    /** The messages that waited for the generated reply, in order, until one asks for a generated reply again. */
    private void drainWaiting(OnTimerContext ctx, Collector<BotReply> out) throws Exception {
        List<UnderstoodMessage> queued = new ArrayList<>();
        Iterable<UnderstoodMessage> stored = waiting.get();
        if (stored != null) {
            stored.forEach(queued::add);
        }
        if (queued.isEmpty()) {
            return;
        }
        waiting.clear();
        for (int i = 0; i < queued.size(); i++) {
            DialogueState s = state.value();
            if (s != null && s.generating != null) {
                waiting.update(new ArrayList<>(queued.subList(i, queued.size())));
                return;
            }
            process(queued.get(i), s, ctx, out);
        }
    }

    /** The policy of the bot's version in force: a published one, else the one the job started with. */
    private BotPolicy policyFor(String botId) {
        BotDefinition current = BotRegistry.current(jobId, botId, bots.get(botId));
        if (current == null) {
            return null;
        }
        BotPolicy policy = policies.get(botId);
        if (policy == null || policy.bot() != current) {
            policy = new BotPolicy(current);
            policies.put(botId, policy);
        }
        return policy;
    }

    /**
     * Opens sealed slot values for the policy; one that cannot be opened (a key gone) is dropped, counted.
     * Returns each opened slot by name, so an unchanged value is written back as it was.
     */
    private Map<String, Opened> openSensitive(DialogueState s) {
        Map<String, Opened> sealed = Map.of();
        for (var it = s.slots.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (StateCipher.isEncrypted(e.getValue())) {
                try {
                    if (cipher == null) {
                        throw new IllegalArgumentException("no state key");
                    }
                    Opened opened = new Opened(cipher.decrypt(e.getValue()), e.getValue());
                    e.setValue(opened.plain());
                    if (sealed.isEmpty()) {
                        sealed = new HashMap<>();
                    }
                    sealed.put(e.getKey(), opened);
                } catch (IllegalArgumentException unreadable) {
                    it.remove();
                    sensitiveUnreadable.inc();
                }
            }
        }
        return sealed;
    }

    /**
     * Seals the values of the bot's sensitive slots before the state is written: a value the message did not
     * change keeps its sealed form (no new encryption per message), a new one is sealed with the current key.
     */
    private void sealSensitive(DialogueState s, BotDefinition bot, Map<String, Opened> opened) {
        if (cipher == null) {
            return;
        }
        for (var e : s.slots.entrySet()) {
            BotDefinition.Slot slot = bot.slots().get(e.getKey());
            if (slot == null || !slot.sensitive() || StateCipher.isEncrypted(e.getValue())) {
                continue;
            }
            Opened before = opened.get(e.getKey());
            e.setValue(before != null && before.plain().equals(e.getValue()) ? before.sealed() : cipher.encrypt(e.getValue()));
        }
    }

    /** A sealed slot value as read, and its plaintext. */
    private record Opened(String plain, String sealed) {}

    /** The plaintext values of the bot's sensitive slots in this session. */
    private static List<String> sensitiveValues(DialogueState s, BotDefinition bot) {
        List<String> values = new ArrayList<>();
        s.slots.forEach((name, value) -> {
            BotDefinition.Slot slot = bot.slots().get(name);
            if (slot != null && slot.sensitive() && value != null && !value.isEmpty() && !StateCipher.isEncrypted(value)) {
                values.add(value);
            }
        });
        return values;
    }

    /** The text with every sensitive value masked: history is shown in handoff records and savepoint tools. */
    static String masked(String text, List<String> sensitive) {
        if (text == null || sensitive.isEmpty()) {
            return text;
        }
        String out = text;
        for (String value : sensitive) {
            out = out.replace(value, StateCipher.mask(value));
        }
        return out;
    }

    private static <T> List<T> last(List<T> list, int max) {
        return list.size() > max ? new ArrayList<>(list.subList(list.size() - max, list.size())) : list;
    }

    private static String clip(String text, int max) {
        if (text == null || text.length() <= max) {
            return text;
        }
        int end = max;
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end) + "…";
    }
}
