package dev.switchboard.delivery;

import dev.switchboard.model.InboundRecord;

import java.nio.charset.StandardCharsets;

/**
 * One record of {@code chat.out.<platform>} as the delivery job sends it: the platform (from the topic), the
 * bot, the conversation (the record key), the API method ({@code endpoint} header), the idempotency key and the
 * request body, untouched.
 *
 * @param chatKey what orders and rate-limits a conversation: platform, bot and the record key
 * @param sourceReceivedAt when the user's message reached the system ({@code source-received-at}), or the record's
 *     Kafka timestamp when absent: the start of the end-to-end latency
 */
public record OutboundRequest(
        String platform,
        String botId,
        String chatId,
        String chatKey,
        String endpoint,
        String idempotencyKey,
        byte[] body,
        String part,
        long sourceReceivedAt,
        InboundRecord record) {

    /** Header names of the outbound contract. */
    public static final String ENDPOINT = "endpoint";
    public static final String IDEMPOTENCY_KEY = "idempotency-key";
    public static final String BOT_ID = "bot-id";
    public static final String PART = "part";
    public static final String SOURCE_RECEIVED_AT = "source-received-at";

    /** Thrown for a record the delivery job cannot send whatever it retries (it is dead-lettered). */
    public static final class Malformed extends Exception {
        private final String errorClass;

        public Malformed(String errorClass, String message) {
            super(message);
            this.errorClass = errorClass;
        }

        public String errorClass() {
            return errorClass;
        }
    }

    /**
     * Reads a record of {@code <prefix>out.<platform>}.
     *
     * @param defaultBotId the bot of a record without {@code bot-id}
     */
    public static OutboundRequest of(InboundRecord r, String topicPrefix, String defaultBotId) throws Malformed {
        String outPrefix = topicPrefix + "out.";
        if (r.topic() == null || !r.topic().startsWith(outPrefix) || r.topic().length() == outPrefix.length()) {
            throw new Malformed("unsupported-platform", "topic " + r.topic() + " is not " + outPrefix + "<platform>");
        }
        String platform = r.topic().substring(outPrefix.length());
        if (!PlatformApis.supports(platform)) {
            throw new Malformed("unsupported-platform", "no delivery for platform '" + platform + "'");
        }
        String endpoint = r.header(ENDPOINT);
        if (endpoint == null || endpoint.isBlank()) {
            throw new Malformed("malformed-record", "header 'endpoint' is missing");
        }
        if (endpoint.startsWith("/") || endpoint.contains("://") || endpoint.contains("..")) {
            throw new Malformed("malformed-record", "header 'endpoint' must be an API path without host: " + endpoint);
        }
        if (r.value() == null || r.value().length == 0) {
            throw new Malformed("malformed-record", "the record has no body");
        }
        String bot = r.header(BOT_ID);
        if (bot == null || bot.isBlank()) {
            bot = defaultBotId;
        }
        String chat = r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8);
        String key = r.header(IDEMPOTENCY_KEY);
        if (key == null || key.isBlank()) {
            // A record written by someone else's producer: the bytes themselves identify it.
            key = "sha256:" + sha256(r.topic(), chat, endpoint, r.value());
        }
        long received = r.timestamp();
        String at = r.header(SOURCE_RECEIVED_AT);
        if (at != null) {
            try {
                received = Long.parseLong(at.trim());
            } catch (NumberFormatException ignored) {
                // keep the Kafka timestamp
            }
        }
        return new OutboundRequest(platform, bot, chat, chatKey(platform, bot, chat), endpoint, key, r.value(),
                r.header(PART), received, r);
    }

    /** The key the delivery job orders by, also the key of its {@code chat.delivered} records. */
    public static String chatKey(String platform, String botId, String chatId) {
        return platform + ":" + botId + ":" + chatId;
    }

    /** The body as text. */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    private static String sha256(String topic, String chat, String endpoint, byte[] body) {
        try {
            java.security.MessageDigest d = java.security.MessageDigest.getInstance("SHA-256");
            d.update((topic + "\n" + chat + "\n" + endpoint + "\n").getBytes(StandardCharsets.UTF_8));
            d.update(body);
            return java.util.HexFormat.of().formatHex(d.digest(), 0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
