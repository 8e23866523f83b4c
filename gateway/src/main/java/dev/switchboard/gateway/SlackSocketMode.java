package dev.switchboard.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.model.Json;
import dev.switchboard.model.Topics;
import org.apache.kafka.clients.producer.Producer;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A Slack app's Socket Mode connection, for an app without a public Events API URL: {@code apps.connections.open}
 * with the app-level token ({@code xapp-…}) gives a WebSocket URL; each {@code events_api} envelope is written, raw,
 * to {@code chat.in.slack} (the job reads Socket Mode envelopes) and acknowledged with its {@code envelope_id} only
 * after Kafka acknowledged the record, so an envelope lost in a crash is delivered again by Slack. Other envelope
 * types (slash commands, interactivity) are acknowledged without writing, counted in the log. A {@code disconnect}
 * message (Slack refreshes connections every few hours) or a dropped connection opens a new one, with a backoff from
 * 1 s to 60 s when opening fails.
 */
public final class SlackSocketMode extends Connector {

    private final String apiBase;
    private final String appToken;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private volatile int connections;

    /** @param apiBase {@code https://slack.com/api} (a local fake in tests) */
    public SlackSocketMode(String apiBase, String appToken, String botId, Topics topics, Producer<byte[], byte[]> producer,
            LongSupplier clock) {
        super(botId, topics, producer, clock);
        this.apiBase = apiBase.endsWith("/") ? apiBase.substring(0, apiBase.length() - 1) : apiBase;
        this.appToken = appToken;
    }

    public SlackSocketMode start() {
        return start("slack-socket-mode");
    }

    /** Connections opened so far. */
    public int connections() {
        return connections;
    }

    @Override
    protected void loop() {
        long backoff = 1_000;
        while (running) {
            Connection c = new Connection();
            try {
                String url = open();
                WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create(url), c).get(20, TimeUnit.SECONDS);
                c.ws = ws;
                connections++;
                c.closed.get();
                ws.abort();
                backoff = 1_000;
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                if (!running) {
                    return;
                }
                log.warn("Slack Socket Mode for bot {}: {}; trying again in about {} s", botId, e.getMessage(), backoff / 1000);
            }
            if (!pauseJittered(backoff)) {
                return;
            }
            backoff = doubled(backoff, 60_000);
        }
    }

    /** apps.connections.open: the WebSocket URL of a new connection. */
    private String open() throws Exception {
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(apiBase + "/apps.connections.open"))
                .header("Authorization", "Bearer " + appToken).header("Content-Type", "application/x-www-form-urlencoded")
                .timeout(Duration.ofSeconds(15)).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofByteArray());
        JsonNode body;
        try {
            body = Json.MAPPER.readTree(response.body());
        } catch (java.io.IOException e) {
            throw new IllegalStateException("apps.connections.open answered HTTP " + response.statusCode() + " without JSON");
        }
        if (!body.path("ok").asBoolean() || !body.hasNonNull("url")) {
            throw new IllegalStateException("apps.connections.open refused: " + body.path("error").asText("HTTP " + response.statusCode()));
        }
        return body.get("url").asText();
    }

    private final class Connection extends Frames {
        Connection() {
            super("Slack Socket Mode");
        }

        @Override
        protected void handle(WebSocket webSocket, String text) throws Exception {
            JsonNode msg = Json.MAPPER.readTree(text);
            String type = msg.path("type").asText();
            switch (type) {
                case "hello" -> log.info("Slack Socket Mode for bot {}: connected", botId);
                case "disconnect" -> {
                    log.info("Slack Socket Mode for bot {}: disconnect ({}), opening a new connection", botId, msg.path("reason").asText());
                    closed.complete(null);
                }
                default -> {
                    String envelopeId = msg.path("envelope_id").asText(null);
                    if (envelopeId == null) {
                        return;
                    }
                    if (type.equals("events_api")) {
                        Map<String, String> retry = msg.path("retry_attempt").asInt(0) > 0
                                ? Map.of("slack-retry-num", msg.path("retry_attempt").asText(), "slack-retry-reason", msg.path("retry_reason").asText())
                                : Map.of();
                        write("slack", msg.path("payload").path("event").path("channel").asText(null),
                                text.getBytes(StandardCharsets.UTF_8), retry);
                    } else {
                        log.debug("Slack Socket Mode for bot {}: a {} envelope acknowledged, not written", botId, type);
                    }
                    webSocket.sendText("{\"envelope_id\":\"" + envelopeId.replace("\"", "") + "\"}", true).join();
                }
            }
        }
    }
}
