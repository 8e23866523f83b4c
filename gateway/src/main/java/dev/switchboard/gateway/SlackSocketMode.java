package dev.switchboard.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.model.Headers;
import dev.switchboard.model.Json;
import dev.switchboard.model.Topics;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
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
public final class SlackSocketMode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SlackSocketMode.class);

    private final String apiBase;
    private final String appToken;
    private final String botId;
    private final Topics topics;
    private final Producer<byte[], byte[]> producer;
    private final LongSupplier clock;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private volatile boolean running = true;
    private volatile Thread thread;
    private volatile int connections;

    /** @param apiBase {@code https://slack.com/api} (a local fake in tests) */
    public SlackSocketMode(String apiBase, String appToken, String botId, Topics topics, Producer<byte[], byte[]> producer,
            LongSupplier clock) {
        this.apiBase = apiBase.endsWith("/") ? apiBase.substring(0, apiBase.length() - 1) : apiBase;
        this.appToken = appToken;
        this.botId = botId;
        this.topics = topics;
        this.producer = producer;
        this.clock = clock;
    }

    public SlackSocketMode start() {
        Thread t = new Thread(this::loop, "slack-socket-mode-" + botId);
        t.setDaemon(true);
        thread = t;
        t.start();
        return this;
    }

    /** Connections opened so far. */
    public int connections() {
        return connections;
    }

    private void loop() {
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
                LOG.warn("Slack Socket Mode for bot {}: {}; trying again in about {} s", botId, e.getMessage(), backoff / 1000);
            }
            try {
                Thread.sleep(backoff / 2 + ThreadLocalRandom.current().nextLong(backoff / 2 + 1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            backoff = Math.min(backoff * 2, 60_000);
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

    private final class Connection implements WebSocket.Listener {
        volatile WebSocket ws;
        final CompletableFuture<Void> closed = new CompletableFuture<>();
        private final StringBuilder frame = new StringBuilder();

        @Override
        public void onOpen(WebSocket webSocket) {
            ws = webSocket;
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            frame.append(data);
            if (last) {
                String text = frame.toString();
                frame.setLength(0);
                try {
                    handle(webSocket, text);
                } catch (Exception e) {
                    LOG.warn("Slack Socket Mode for bot {}: an envelope could not be handled ({}); reconnecting", botId, e.toString());
                    closed.complete(null);
                    return null;
                }
            }
            webSocket.request(1);
            return null;
        }

        private void handle(WebSocket webSocket, String text) throws Exception {
            JsonNode msg = Json.MAPPER.readTree(text);
            String type = msg.path("type").asText();
            switch (type) {
                case "hello" -> LOG.info("Slack Socket Mode for bot {}: connected", botId);
                case "disconnect" -> {
                    LOG.info("Slack Socket Mode for bot {}: disconnect ({}), opening a new connection", botId, msg.path("reason").asText());
                    closed.complete(null);
                }
                default -> {
                    String envelopeId = msg.path("envelope_id").asText(null);
                    if (envelopeId == null) {
                        return;
                    }
                    if (type.equals("events_api")) {
                        String channel = msg.path("payload").path("event").path("channel").asText(null);
                        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topics.inbound("slack"),
                                channel == null ? null : channel.getBytes(StandardCharsets.UTF_8), text.getBytes(StandardCharsets.UTF_8));
                        record.headers().add(Headers.BOT_ID, botId.getBytes(StandardCharsets.UTF_8));
                        record.headers().add(Headers.RECEIVED_AT, Long.toString(clock.getAsLong()).getBytes(StandardCharsets.UTF_8));
                        if (msg.path("retry_attempt").asInt(0) > 0) {
                            record.headers().add("slack-retry-num", msg.path("retry_attempt").asText().getBytes(StandardCharsets.UTF_8));
                            record.headers().add("slack-retry-reason", msg.path("retry_reason").asText().getBytes(StandardCharsets.UTF_8));
                        }
                        producer.send(record).get(60, TimeUnit.SECONDS);
                    } else {
                        LOG.debug("Slack Socket Mode for bot {}: a {} envelope acknowledged, not written", botId, type);
                    }
                    webSocket.sendText("{\"envelope_id\":\"" + envelopeId.replace("\"", "") + "\"}", true).join();
                }
            }
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(null);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            LOG.warn("Slack Socket Mode for bot {}: {}", botId, error.toString());
            closed.complete(null);
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        Thread t = thread;
        if (t != null) {
            t.interrupt();
            t.join(5_000);
        }
    }
}
