package dev.switchboard.functions;

/**
 * One reply decided by the dialogue step, before platform formatting.
 *
 * @param index position of this reply among the replies to the same source message (part of the
 *     idempotency key, so a replay after recovery carries the same keys)
 * @param recipientId in a direct chat, the user it answers (the sender), for platforms whose one-on-one send
 *     API names the user rather than the conversation (DingTalk); null in groups
 * @param botVersion the version of the bot definition that decided it
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
        String replyToken,
        String recipientId,
        String botVersion) {

    public BotReply(String platform, String botId, String sessionKey, String chatId, String threadId,
            String replyToMessageId, String accountId, String sourceMessageId, long sourceReceivedAt, int index,
            String text, String intent, String language, boolean urgent) {
        this(platform, botId, sessionKey, chatId, threadId, replyToMessageId, accountId, sourceMessageId,
                sourceReceivedAt, index, text, intent, language, urgent, null, null, null);
    }
}
