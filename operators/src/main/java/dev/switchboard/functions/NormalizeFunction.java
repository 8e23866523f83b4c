package dev.switchboard.functions;

import dev.switchboard.identity.Notifications;
import dev.switchboard.model.ChatType;
import dev.switchboard.model.Headers;
import dev.switchboard.model.InboundMessage;
import dev.switchboard.model.InboundRecord;
import dev.switchboard.model.MalformedPayloadException;
import dev.switchboard.model.OutboundRecord;
import dev.switchboard.model.SessionKeys;
import dev.switchboard.model.Topics;
import dev.switchboard.model.UnifiedMessage;
import dev.switchboard.normalize.BotSettings;
import dev.switchboard.normalize.GroupPolicy;
import dev.switchboard.normalize.Normalized;
import dev.switchboard.normalize.Normalizer;
import dev.switchboard.normalize.Normalizers;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.Map;

/**
 * Raw platform payloads to unified messages. Anything that cannot be read goes to the dead-letter side
 * output with its original bytes and headers and a reason; nothing here can fail the job.
 *
 * <p>Not forwarded (counted): non-message events (url_verification, delivery statuses, ...), bots'
 * messages (the bot must never answer itself or another bot), edits of earlier messages, channel
 * broadcast posts, and group messages not addressed to the bot ({@link GroupPolicy}).
 */
public class NormalizeFunction extends ProcessFunction<InboundRecord, InboundMessage> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(NormalizeFunction.class);
    /** The platform label of notification records in the counters. */
    static final String NOTIFY = "notify";

    public static final OutputTag<OutboundRecord> DEAD_LETTERS =
            new OutputTag<>("dead-letters", TypeInformation.of(OutboundRecord.class));

    private final Topics topics;
    private final String defaultBotId;
    private final HashSet<String> knownBots;
    private transient String jobId;
    private final BotSettings secrets;
    private final GroupPolicy groupPolicy;
    private final boolean answerEdits;

    private transient Normalizers normalizers;
    private transient PlatformCounters in;
    private transient PlatformCounters messages;
    private transient PlatformCounters deadLettered;
    private transient PlatformCounters deadLetteredByReason;
    private transient PlatformCounters ignored;
    private transient PlatformCounters edits;
    private transient PlatformCounters fromBots;
    private transient PlatformCounters notAddressed;

    /** Every bot id answered, no platform settings, every group message answered, edits only counted. */
    public NormalizeFunction(Topics topics, String defaultBotId) {
        this(topics, defaultBotId, null, BotSettings.NONE, new GroupPolicy(GroupPolicy.ANSWER_ALL, BotSettings.NONE), false);
    }

    /**
     * @param knownBots the bot ids this job was started with: a record for another, unless it was published since,
     *     is dead-lettered ({@code unknown-bot}); null answers every id
     * @param answerEdits answer an edited message as a new one (counted as an edit either way)
     */
    public NormalizeFunction(Topics topics, String defaultBotId, Set<String> knownBots, BotSettings secrets,
            GroupPolicy groupPolicy, boolean answerEdits) {
        this.topics = topics;
        this.defaultBotId = defaultBotId;
        this.knownBots = knownBots == null ? null : new HashSet<>(knownBots);
        this.secrets = secrets;
        this.groupPolicy = groupPolicy;
        this.answerEdits = answerEdits;
    }

    @Override
    public void open(OpenContext openContext) {
        normalizers = Normalizers.with(secrets);
        jobId = getRuntimeContext().getJobInfo().getJobId().toString();
        MetricGroup group = getRuntimeContext().getMetricGroup().addGroup("switchboard");
        in = new PlatformCounters(group, "recordsIn");
        messages = new PlatformCounters(group, "messagesIn");
        deadLettered = new PlatformCounters(group, "deadLettered");
        deadLetteredByReason = new PlatformCounters(group, "deadLetteredByReason");
        ignored = new PlatformCounters(group, "ignored");
        edits = new PlatformCounters(group, "edits");
        fromBots = new PlatformCounters(group, "fromBots");
        notAddressed = new PlatformCounters(group, "notAddressed");
    }

    @Override
    public void processElement(InboundRecord record, Context ctx, Collector<InboundMessage> out) {
        if (topics.notifications().equals(record.topic())) {
            notification(record, ctx, out);
            return;
        }
        String platform = topics.platformOf(record.topic()).orElse(null);
        in.inc(platform);
        Normalizer normalizer = platform == null ? null : normalizers.get(platform).orElse(null);
        if (normalizer == null) {
            deadLetter(ctx, record, platform, MalformedPayloadException.UNSUPPORTED_PLATFORM,
                    "no normalizer for topic " + record.topic() + " (platforms: " + Normalizers.platforms() + ")");
            return;
        }
        String botId = nonBlank(record.header(Headers.BOT_ID), defaultBotId);
        if (unknownBot(ctx, record, platform, botId)) {
            return;
        }
        Normalized normalized;
        try {
            normalized = normalizer.normalize(record.value(), botId, record.headers());
        } catch (MalformedPayloadException e) {
            deadLetter(ctx, record, platform, e.errorClass(), e.getMessage());
            return;
        } catch (RuntimeException e) {
            // A bug in a normalizer must cost one message, not the job.
            LOG.warn("normalizer for {} failed on {}-{}@{}", platform, record.topic(), record.partition(), record.offset(), e);
            deadLetter(ctx, record, platform, "normalizer-error", platform + ": normalizer failed: " + e);
            return;
        }
        for (int i = 0; i < normalized.ignored().size(); i++) {
            ignored.inc(platform);
        }
        long receivedAt = receivedAt(record);
        normalized = normalized.withTimestampsIfMissing(receivedAt);
        for (Normalized.Item item : normalized.messages()) {
            UnifiedMessage m = item.message();
            if (m.sender() != null && m.sender().isBot()) {
                fromBots.inc(platform);
            } else if (item.edit() && !answerEdits) {
                edits.inc(platform);
            } else if (ChatType.CHANNEL.equals(m.chatType())) {
                ignored.inc(platform);
            } else if (!groupPolicy.answers(item)) {
                notAddressed.inc(platform);
            } else {
                if (item.edit()) {
                    edits.inc(platform);
                }
                messages.inc(platform);
                out.collect(new InboundMessage(m, SessionKeys.of(m), item.accountId(), item.replyToken(), receivedAt));
            }
        }
    }

    /** A company's notification: read here, routed by the identity step, sent by the dialogue step. */
    private void notification(InboundRecord record, Context ctx, Collector<InboundMessage> out) {
        in.inc(NOTIFY);
        InboundMessage notification;
        try {
            notification = Notifications.parse(record.value(), record.header(Headers.BOT_ID), defaultBotId, receivedAt(record));
        } catch (MalformedPayloadException e) {
            deadLetter(ctx, record, NOTIFY, e.errorClass(), e.getMessage());
            return;
        }
        String botId = notification.message().botId();
        if (unknownBot(ctx, record, NOTIFY, botId)) {
            return;
        }
        messages.inc(NOTIFY);
        out.collect(notification);
    }

    /** Dead-letters the record when its bot is none this job answers (nor one published since); true then. */
    private boolean unknownBot(Context ctx, InboundRecord record, String platform, String botId) {
        if (knownBots == null || knownBots.contains(botId) || BotRegistry.published(jobId, botId)) {
            return false;
        }
        deadLetter(ctx, record, platform, MalformedPayloadException.UNKNOWN_BOT, "no bot definition for bot id '"
                + botId + "' (this job answers " + String.join(", ", new TreeSet<>(knownBots)) + ")");
        return true;
    }

    private void deadLetter(Context ctx, InboundRecord record, String platform, String errorClass, String reason) {
        deadLettered.inc(platform);
        deadLetteredByReason.inc(platform, errorClass);
        Map<String, String> headers = new HashMap<>(record.headers());
        headers.put(Headers.SOURCE_TOPIC, record.topic());
        headers.put(Headers.SOURCE_PARTITION, Integer.toString(record.partition()));
        headers.put(Headers.SOURCE_OFFSET, Long.toString(record.offset()));
        headers.put(Headers.ERROR, reason);
        headers.put(Headers.ERROR_CLASS, errorClass);
        ctx.output(DEAD_LETTERS, new OutboundRecord(topics.deadLetters(), record.key(),
                record.value() == null ? new byte[0] : record.value(), headers));
    }

    private static long receivedAt(InboundRecord record) {
        String header = record.header(Headers.RECEIVED_AT);
        if (header != null) {
            try {
                return Long.parseLong(header.trim());
            } catch (NumberFormatException e) {
                // fall through to the broker's timestamp
            }
        }
        return record.timestamp();
    }

    private static String nonBlank(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value.trim();
    }
}
