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
 * @param control what the identity step made of it when it is a link command or a notification, else null
 */
public record InboundMessage(
        UnifiedMessage message, String sessionKey, String accountId, String replyToken, long receivedAt,
        Control control) {

    public InboundMessage(UnifiedMessage message, String sessionKey, String accountId, String replyToken, long receivedAt) {
        this(message, sessionKey, accountId, replyToken, receivedAt, null);
    }

    public InboundMessage(UnifiedMessage message, String sessionKey, String accountId, long receivedAt) {
        this(message, sessionKey, accountId, null, receivedAt, null);
    }

    /** This message in another session (a linked person's), with what the identity step made of it. */
    public InboundMessage inSession(String key, Control newControl) {
        return new InboundMessage(message, key, accountId, replyToken, receivedAt, newControl);
    }

    /** A notification delivered along a route: the route's platform, chat and session. */
    public InboundMessage routed(UnifiedMessage routedMessage, String key, String routeAccountId, Control newControl) {
        return new InboundMessage(routedMessage, key, routeAccountId, null, receivedAt, newControl);
    }

    /** Whether this is a company's notification rather than a user's message. */
    public boolean isNotification() {
        return MessageKind.NOTIFICATION.equals(message.kind());
    }
}
