package dev.switchboard.format;

/**
 * A reply to send, platform-neutral: what {@code switchboard format} reads and what the dialogue step
 * hands to the formatter.
 *
 * @param chatId the conversation to post into
 * @param text the reply text (plain text; formatters escape what the platform's markup needs)
 * @param replyToMessageId the message answered, quoted or threaded on where the platform supports it
 * @param threadId the thread/topic to post into, or null
 * @param accountId the platform account that sends it where the request must name it (WhatsApp
 *     business {@code phone_number_id}), else null
 * @param replyToken the platform's short-lived reply token (LINE), else null: with it the reply API is
 *     used, without it the push API
 * @param recipientId in a direct chat, the user to address where the platform's one-on-one send API names
 *     the user rather than the conversation (DingTalk {@code userIds}), else null
 */
public record Reply(String chatId, String text, String replyToMessageId, String threadId, String accountId,
                    String replyToken, String recipientId) {

    public Reply(String chatId, String text, String replyToMessageId, String threadId) {
        this(chatId, text, replyToMessageId, threadId, null, null, null);
    }

    public Reply(String chatId, String text, String replyToMessageId, String threadId, String accountId) {
        this(chatId, text, replyToMessageId, threadId, accountId, null, null);
    }

    public Reply(String chatId, String text, String replyToMessageId, String threadId, String accountId,
            String replyToken) {
        this(chatId, text, replyToMessageId, threadId, accountId, replyToken, null);
    }
}
