package dev.switchboard.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.model.Json;

import java.io.IOException;
import java.util.Map;

/**
 * One request a platform sent to {@code /webhooks/<platform>/<botId>}, as the verifiers see it. Its body is parsed
 * as JSON at most once ({@link #json()}), whoever asks first: the verifier or the conversation key.
 *
 * @param headers lower-cased names
 * @param query the query parameters (first value of each)
 * @param body the raw body, untouched
 * @param now epoch ms at which the gateway received it
 */
public record WebhookRequest(String method, String platform, String botId, Map<String, String> headers,
                             Map<String, String> query, byte[] body, long now, JsonBody parsed) {

    public WebhookRequest(String method, String platform, String botId, Map<String, String> headers,
            Map<String, String> query, byte[] body, long now) {
        this(method, platform, botId, headers, query, body, now, new JsonBody(body));
    }

    public String header(String name) {
        return headers.get(name);
    }

    /** The body as a JSON object, or null when it is not one. */
    public JsonNode json() {
        return parsed.get();
    }

    /** A body's JSON object, parsed on first use (a request is handled by one thread at a time). */
    static final class JsonBody {
        private final byte[] body;
        private boolean done;
        private JsonNode node;

        JsonBody(byte[] body) {
            this.body = body;
        }

        JsonNode get() {
            if (!done) {
                done = true;
                try {
                    JsonNode n = Json.MAPPER.readTree(body);
                    node = n != null && n.isObject() ? n : null;
                } catch (IOException | RuntimeException e) {
                    node = null;
                }
            }
            return node;
        }
    }
}
