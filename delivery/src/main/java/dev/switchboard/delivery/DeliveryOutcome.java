package dev.switchboard.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * What became of one outbound record: one JSON record on {@code chat.delivered}, keyed by the conversation.
 *
 * @param status {@code delivered} or {@code failed} (dead-lettered: {@link #errorClass} says why)
 * @param messageId the platform's id for the sent message, when its answer names one
 * @param attempts requests sent for it (rate-limit waits included)
 * @param endToEndMs from the user's message reaching the system ({@code source-received-at}) to the outcome
 * @param sendMs from the delivery job taking the record to the outcome
 */
public record DeliveryOutcome(
        String idempotencyKey,
        String platform,
        String botId,
        String chatId,
        String chatKey,
        String endpoint,
        String part,
        String sourceMessageId,
        String status,
        String messageId,
        Integer httpStatus,
        String errorClass,
        String error,
        int attempts,
        long endToEndMs,
        long sendMs,
        long at) {

    public static final String DELIVERED = "delivered";
    public static final String FAILED = "failed";

    public byte[] toJson() {
        ObjectNode n = PlatformApis.JSON.createObjectNode();
        n.put("idempotencyKey", idempotencyKey);
        n.put("platform", platform);
        n.put("bot", botId);
        n.put("chat", chatId);
        n.put("endpoint", endpoint);
        if (part != null) {
            n.put("part", part);
        }
        if (sourceMessageId != null) {
            n.put("sourceMessageId", sourceMessageId);
        }
        n.put("status", status);
        n.put("messageId", messageId);
        if (httpStatus != null) {
            n.put("httpStatus", httpStatus);
        }
        if (errorClass != null) {
            n.put("errorClass", errorClass);
            n.put("error", error);
        }
        n.put("attempts", attempts);
        n.put("endToEndMs", endToEndMs);
        n.put("sendMs", sendMs);
        n.put("at", at);
        return n.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The idempotency key of a {@code chat.delivered} value, or null when it is not one. */
    public static String keyOf(byte[] json) {
        try {
            JsonNode n = PlatformApis.JSON.readTree(json);
            JsonNode k = n == null ? null : n.get("idempotencyKey");
            return k == null || !k.isTextual() ? null : k.asText();
        } catch (IOException e) {
            return null;
        }
    }
}
