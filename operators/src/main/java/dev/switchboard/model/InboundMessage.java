package dev.switchboard.model;

/**
 * A normalized message on its way through the job: the unified message plus what the pipeline needs
 * beside it.
 *
 * @param message the unified message
 * @param sessionKey {@code botId:platform:chatId[:threadId]}, the key of all dialogue state
 * @param accountId the platform account that received it where a reply must name it (WhatsApp's
 *     business {@code phone_number_id}); null elsewhere
 * @param replyToken a short-lived token the platform's reply API takes (LINE {@code replyToken}), else null
 * @param receivedAt epoch ms at which the ingress received it (header {@code received-at}, else the
 *     Kafka record timestamp)
 */
public record InboundMessage(
        UnifiedMessage message, String sessionKey, String accountId, String replyToken, long receivedAt) {

    public InboundMessage(UnifiedMessage message, String sessionKey, String accountId, long receivedAt) {
        this(message, sessionKey, accountId, null, receivedAt);
    }
}
