package dev.switchboard.functions;

import dev.switchboard.dialogue.Decision;
import dev.switchboard.bot.BotDefinition;
import dev.switchboard.bot.Bots;
import dev.switchboard.dialogue.BotPolicy;
import dev.switchboard.dialogue.StateCipher;
import dev.switchboard.dialogue.DialogueSettings;
import dev.switchboard.dialogue.DialogueState;
import dev.switchboard.dialogue.LinkingReplies;
import dev.switchboard.dialogue.Turn;
import dev.switchboard.model.Control;
import dev.switchboard.model.ChatType;
import dev.switchboard.model.InboundMessage;
import dev.switchboard.model.UnifiedMessage;
import org.apache.flink.api.common.functions.OpenContext;
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
 * (RocksDB in the job), answers redelivered platform messages once, bounds history, runs the message's
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

    public static final String STATE_NAME = "dialogue-state";

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

    public DialogueFunction(DialogueSettings settings, Bots bots) {
        this(settings, bots, null);
    }

    /** @param cipher seals the values of sensitive slots in state (AES-GCM), or null to keep them as they are */
    public DialogueFunction(DialogueSettings settings, Bots bots, StateCipher cipher) {
        this.settings = settings;
        this.cipher = cipher;
        this.bots = bots;
    }

    /** The descriptor of the dialogue state; the savepoint tools use this very method. */
    public static ValueStateDescriptor<DialogueState> stateDescriptor() {
        return new ValueStateDescriptor<>(STATE_NAME, TypeInformation.of(DialogueState.class));
    }

    @Override
    public void open(OpenContext openContext) {
        state = getRuntimeContext().getState(stateDescriptor());
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
        sessionsStarted = group.counter("sessionsStarted");
        sessionsExpired = group.counter("sessionsExpired");
        // Per-second rates over the last minute, for dashboards that do not compute rate() themselves.
        group.meter("sessionsStartedPerSecond", new MeterView(sessionsStarted));
        group.meter("sessionsExpiredPerSecond", new MeterView(sessionsExpired));
    }

    @Override
    public void processElement(UnderstoodMessage in, Context ctx, Collector<BotReply> out) throws Exception {
        InboundMessage inbound = in.inbound();
        UnifiedMessage message = inbound.message();
        long now = ctx.timerService().currentProcessingTime();
        BotPolicy policy = policyFor(message.botId());
        if (policy == null) {
            // Normalize dead-letters records of unknown bots; a message can only get here from an older state.
            unknownBot.inc(message.platform());
            return;
        }

        DialogueState s = state.value();
        if (s == null) {
            s = new DialogueState();
            sessionsStarted.inc();
        }
        String redeliveryKey = message.redeliveryKey();
        if (redeliveryKey != null) {
            if (s.recentRedeliveryKeys.contains(redeliveryKey)) {
                duplicates.inc(message.platform());
                return;
            }
            s.recentRedeliveryKeys.add(redeliveryKey);
            trim(s.recentRedeliveryKeys, settings.dedupWindow());
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
        if (!notification) {
            s.history.add(new Turn(Turn.USER, clip(masked(message.text(), sensitive), settings.maxTurnTextLength()),
                    message.timestamp(), decision.intent(), message.sender() == null ? null : message.sender().id(),
                    message.platform()));
        }
        for (int i = 0; i < decision.replies().size(); i++) {
            String text = decision.replies().get(i);
            s.history.add(new Turn(Turn.BOT, clip(masked(text, sensitive), settings.maxTurnTextLength()), now,
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
        trim(s.history, settings.historySize());
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
                    s.handoffUntil, List.copyOf(s.history)));
        }

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
        if (policy.hasSensitiveSlots()) {
            sealSensitive(s, policy.bot(), sealed);
        }
        state.update(s);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<BotReply> out) throws Exception {
        DialogueState s = state.value();
        if (s != null && timestamp >= s.expiryTimer) {
            state.clear();
            sessionsExpired.inc();
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

    private static <T> void trim(List<T> list, int max) {
        if (list.size() > max) {
            List<T> keep = new ArrayList<>(list.subList(list.size() - max, list.size()));
            list.clear();
            list.addAll(keep);
        }
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
