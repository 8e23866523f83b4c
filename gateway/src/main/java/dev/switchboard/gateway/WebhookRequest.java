package dev.switchboard.gateway;

import java.util.Map;

/**
 * One request a platform sent to {@code /webhooks/<platform>/<botId>}, as the verifiers see it.
 *
 * @param headers lower-cased names
 * @param query the query parameters (first value of each)
 * @param body the raw body, untouched
 * @param now epoch ms at which the gateway received it
 */
public record WebhookRequest(String method, String platform, String botId, Map<String, String> headers,
                             Map<String, String> query, byte[] body, long now) {

    public String header(String name) {
        return headers.get(name);
    }
}
