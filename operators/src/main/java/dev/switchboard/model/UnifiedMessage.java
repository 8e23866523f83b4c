package dev.switchboard.model;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.List;

/**
 * One chat message in the platform-neutral model every normalizer produces (see the README,
 * "Topics contract", the unified message). Ids are strings everywhere: Telegram chat ids and Discord snowflakes overflow
 * 32 bits, and WhatsApp/Slack ids are not numeric at all.
 *
 * @param platform one of {@link Platforms}
 * @param botId which bot/tenant received it (Kafka header {@code bot-id}, else the configured default)
 * @param messageId platform message id
 * @param chatId conversation id
 * @param chatType one of {@link ChatType}
 * @param threadId thread/topic id, or null
 * @param replyToMessageId id of the quoted/replied-to message, or null
 * @param sender who wrote it
 * @param kind one of {@link MessageKind}
 * @param text the text as written (the caption for media), or null
 * @param mentions mentioned users in order of appearance
 * @param attachments media and files, with the platform's file token in {@code id}
 * @param timestamp epoch milliseconds, UTC: the platform's time of the message, or, where the payload carries
 *     none that can be read, the time the ingress received it (a normalizer says so with {@link #NO_TIMESTAMP},
 *     which the job replaces with the record's {@code received-at} before anything else sees the message)
 * @param redeliveryKey the id the platform reuses when it delivers the same event again
 */
@JsonPropertyOrder({
    "platform", "botId", "messageId", "chatId", "chatType", "threadId", "replyToMessageId",
    "sender", "kind", "text", "mentions", "attachments", "timestamp", "redeliveryKey"
})
public record UnifiedMessage(
        String platform,
        String botId,
        String messageId,
        String chatId,
        String chatType,
        String threadId,
        String replyToMessageId,
        Sender sender,
        String kind,
        String text,
        List<Mention> mentions,
        List<Attachment> attachments,
        long timestamp,
        String redeliveryKey) {

    /** A normalizer's "the payload has no usable time"; never leaves the normalize step. */
    public static final long NO_TIMESTAMP = -1;

    public UnifiedMessage {
        mentions = mentions == null ? List.of() : List.copyOf(mentions);
        attachments = attachments == null ? List.of() : List.copyOf(attachments);
    }

    /** This message with {@code fallback} as its time when it has none of its own. */
    public UnifiedMessage withTimestampIfMissing(long fallback) {
        if (timestamp != NO_TIMESTAMP) {
            return this;
        }
        return new UnifiedMessage(platform, botId, messageId, chatId, chatType, threadId, replyToMessageId, sender,
                kind, text, mentions, attachments, fallback, redeliveryKey);
    }
}
