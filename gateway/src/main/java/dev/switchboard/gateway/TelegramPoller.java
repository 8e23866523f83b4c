package dev.switchboard.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.model.Json;
import dev.switchboard.model.Topics;
import org.apache.kafka.clients.producer.Producer;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Telegram long polling, for a bot without a public HTTPS URL: {@code getUpdates} with a long timeout, each update
 * written to {@code chat.in.telegram} (as the webhook would deliver it: the update object, {@code bot-id},
 * {@code received-at}, the chat as key), and the offset moved past a batch only once Kafka acknowledged all of it.
 * Telegram forgets updates below the offset a call names, so a crash before the acknowledgement reads the same
 * updates again (the job answers a redelivered update once) and never skips one.
 *
 * <p>Errors: a refused call (a wrong token: 401; a webhook still set: 409) is logged with Telegram's description
 * and tried again after a minute; 429 waits {@code retry_after}; anything else backs off from 1 s to 30 s.
 */
public final class TelegramPoller extends Connector {

    private final String apiBase;
    private final String token;
    private final int pollSeconds;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private volatile long offset;

    /**
     * @param apiBase {@code https://api.telegram.org} (a local fake in tests)
     * @param pollSeconds getUpdates' long-poll timeout
     */
    public TelegramPoller(String apiBase, String token, String botId, Topics topics, Producer<byte[], byte[]> producer,
            LongSupplier clock, int pollSeconds) {
        super(botId, topics, producer, clock);
        this.apiBase = apiBase.endsWith("/") ? apiBase.substring(0, apiBase.length() - 1) : apiBase;
        this.token = token;
        this.pollSeconds = pollSeconds;
    }

    /** Starts polling on a daemon thread of its own. */
    public TelegramPoller start() {
        return start("telegram-poller");
    }

    /** The next update id the poller will ask for (every update below it is in Kafka). */
    public long offset() {
        return offset;
    }

    @Override
    protected void loop() {
        long backoff = 1_000;
        while (running) {
            try {
                HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(apiBase + "/bot" + token
                                + "/getUpdates?timeout=" + pollSeconds + "&offset=" + offset))
                        .timeout(Duration.ofSeconds(pollSeconds + 15)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
                JsonNode body = parse(response.body());
                if (response.statusCode() == 200 && body.path("ok").asBoolean()) {
                    write(body.path("result"));
                    backoff = 1_000;
                    continue;
                }
                String description = body.path("description").asText("HTTP " + response.statusCode());
                long wait = response.statusCode() == 429 ? body.path("parameters").path("retry_after").asLong(5) * 1000
                        : response.statusCode() == 401 || response.statusCode() == 409 ? 60_000 : backoff;
                log.warn("Telegram getUpdates for bot {} refused: {} ({}); trying again in {} s", botId, response.statusCode(),
                        description.replace(token, "<token>"), wait / 1000);
                if (!pause(wait)) {
                    return;
                }
                backoff = doubled(backoff, 30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                if (!running) {
                    return;
                }
                // The token is part of the Bot API's URL: keep it out of the log.
                log.warn("Telegram getUpdates for bot {} failed ({}); trying again in {} s", botId,
                        String.valueOf(e).replace(token, "<token>"), backoff / 1000);
                if (!pause(backoff)) {
                    return;
                }
                backoff = doubled(backoff, 30_000);
            }
        }
    }

    /** Telegram's JSON answer, or an empty object when the answer is not JSON (a proxy's error page). */
    private static JsonNode parse(byte[] body) {
        try {
            JsonNode node = Json.MAPPER.readTree(body);
            return node == null ? Json.MAPPER.createObjectNode() : node;
        } catch (java.io.IOException e) {
            return Json.MAPPER.createObjectNode();
        }
    }

    /** Writes a batch, each update acknowledged by Kafka before the next; then moves the offset past them. */
    private void write(JsonNode updates) throws Exception {
        if (!updates.isArray() || updates.isEmpty()) {
            return;
        }
        long last = offset - 1;
        for (JsonNode update : updates) {
            write("telegram", ConversationKeys.of("telegram", update), Json.MAPPER.writeValueAsBytes(update), Map.of());
            last = Math.max(last, update.path("update_id").asLong(last));
        }
        offset = last + 1;
    }

}
