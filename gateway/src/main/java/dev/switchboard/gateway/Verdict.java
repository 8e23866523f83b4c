package dev.switchboard.gateway;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * What the gateway does with a request once its platform's scheme has looked at it: write it to Kafka and then
 * answer ({@link #accept}), answer at once without writing (a handshake: {@link #respond}), or refuse it
 * ({@link #reject}, with the reason as the body and as the metric's label).
 *
 * @param headers Kafka headers to add to the record beside {@code bot-id} and {@code received-at}
 */
public record Verdict(Kind kind, int status, String contentType, byte[] body, String reason, Map<String, String> headers) {

    public enum Kind { ACCEPT, RESPOND, REJECT }

    /** Write to Kafka; after its acknowledgement answer 200 with this body. */
    public static Verdict accept(String contentType, String body, Map<String, String> headers) {
        return new Verdict(Kind.ACCEPT, 200, contentType, body.getBytes(StandardCharsets.UTF_8), null, headers);
    }

    public static Verdict accept(String contentType, String body) {
        return accept(contentType, body, Map.of());
    }

    /** Answer now, write nothing. */
    public static Verdict respond(String contentType, String body) {
        return new Verdict(Kind.RESPOND, 200, contentType, body.getBytes(StandardCharsets.UTF_8), null, Map.of());
    }

    /** Refuse: {@code reason} is a short stable label ({@code bad-signature}), {@code detail} the body's sentence. */
    public static Verdict reject(int status, String reason, String detail) {
        return new Verdict(Kind.REJECT, status, "text/plain; charset=utf-8", (detail + "\n").getBytes(StandardCharsets.UTF_8),
                reason, Map.of());
    }
}
