package dev.switchboard.functions;

import dev.switchboard.dialogue.LookupRequest;

/**
 * One reply decided by the dialogue step, before platform formatting.
 *
 * @param index position of this reply among the replies to the same source message (part of the
 *     idempotency key, so a replay after recovery carries the same keys)
 * @param recipientId in a direct chat, the user it answers (the sender), for platforms whose one-on-one send
 *     API names the user rather than the conversation (DingTalk); null in groups
 * @param botVersion the version of the bot definition that decided it
 * @param lookup the live data this reply shows, not looked up yet ({@code text} still has its {@code {lookup.<field>}}
 *     placeholders); null when there is none or once the lookup step filled it in
 * @param knowledgeId the knowledge entry this reply answers with, or null (header {@code knowledge-id})
 * @param generatedBy the model that wrote this reply's text, or null (header {@code generated-by})
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
        String botVersion,
        LookupRequest lookup,
        String knowledgeId,
        String generatedBy) {

    public BotReply(String platform, String botId, String sessionKey, String chatId, String threadId,
            String replyToMessageId, String accountId, String sourceMessageId, long sourceReceivedAt, int index,
            String text, String intent, String language, boolean urgent, String replyToken, String recipientId,
            String botVersion, LookupRequest lookup) {
        this(platform, botId, sessionKey, chatId, threadId, replyToMessageId, accountId, sourceMessageId,
                sourceReceivedAt, index, text, intent, language, urgent, replyToken, recipientId, botVersion, lookup, null, null);
    }

    public BotReply(String platform, String botId, String sessionKey, String chatId, String threadId,
            String replyToMessageId, String accountId, String sourceMessageId, long sourceReceivedAt, int index,
            String text, String intent, String language, boolean urgent, String replyToken, String recipientId,
            String botVersion) {
        this(platform, botId, sessionKey, chatId, threadId, replyToMessageId, accountId, sourceMessageId,
                sourceReceivedAt, index, text, intent, language, urgent, replyToken, recipientId, botVersion, null);
    }

    /** This reply with its final text, its lookup done. */
    public BotReply withText(String finalText) {
        return new BotReply(platform, botId, sessionKey, chatId, threadId, replyToMessageId, accountId, sourceMessageId,
                sourceReceivedAt, index, finalText, intent, language, urgent, replyToken, recipientId, botVersion, null,
                knowledgeId, generatedBy);
    }

    public BotReply(String platform, String botId, String sessionKey, String chatId, String threadId,
            String replyToMessageId, String accountId, String sourceMessageId, long sourceReceivedAt, int index,
            String text, String intent, String language, boolean urgent) {
        this(platform, botId, sessionKey, chatId, threadId, replyToMessageId, accountId, sourceMessageId,
                sourceReceivedAt, index, text, intent, language, urgent, null, null, null, null);
    }
}
