package dev.switchboard.functions;

/**
 * One reply decided by the dialogue step, before platform formatting.
 *
 * @param index position of this reply among the replies to the same source message (part of the
 *     idempotency key, so a replay after recovery carries the same keys)
 */
public record BotReply(
        String platform,
        String botId,
        String sessionKey,
        String chatId,
        String threadId,
        String replyToMessageId,
        String accountId,
        String sourceMessageId,
        long sourceReceivedAt,
        int index,
        String text,
        String intent,
        String language,
        boolean urgent,
        String replyToken) {

    public BotReply(String platform, String botId, String sessionKey, String chatId, String threadId,
            String replyToMessageId, String accountId, String sourceMessageId, long sourceReceivedAt, int index,
            String text, String intent, String language, boolean urgent) {
        this(platform, botId, sessionKey, chatId, threadId, replyToMessageId, accountId, sourceMessageId,
                sourceReceivedAt, index, text, intent, language, urgent, null);
    }
}
