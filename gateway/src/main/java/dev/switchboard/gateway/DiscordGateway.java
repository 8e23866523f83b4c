package dev.switchboard.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.Json;
import dev.switchboard.model.Topics;
import org.apache.kafka.clients.producer.Producer;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A bot's connection to the Discord Gateway (WebSocket, JSON, API v10): without it a Discord bot receives no
 * messages. It identifies with the intents for guild and direct messages and their content, heartbeats at the
 * interval Hello gives (the first after a random share of it; a missing acknowledgement means a dead connection),
 * writes each {@code MESSAGE_CREATE}, {@code MESSAGE_UPDATE} and {@code MESSAGE_DELETE} dispatch, raw, to
 * {@code chat.in.discord}, and resumes after a drop with its session id and the sequence number of the last dispatch
 * Kafka acknowledged (Discord replays what came after it), with a backoff from 1 s to 60 s between attempts.
 *
 * <p>Dispatches are handled one at a time: the next frame is read only after the previous one's record is
 * acknowledged, so the resume sequence never runs ahead of Kafka. A close Discord gives for a fatal reason
 * (authentication failed, invalid or disallowed intents) stops the connection with that reason in the log; an
 * invalid session that cannot be resumed starts a new one.
 */
public final class DiscordGateway extends Connector {

    /** GUILDS, GUILD_MESSAGES, DIRECT_MESSAGES, MESSAGE_CONTENT. */
    public static final int INTENTS = 1 | 1 << 9 | 1 << 12 | 1 << 15;
    static final Set<String> WRITTEN = Set.of("MESSAGE_CREATE", "MESSAGE_UPDATE", "MESSAGE_DELETE");
    /** Close codes after which reconnecting cannot help. */
    static final Set<Integer> FATAL = Set.of(4004, 4010, 4011, 4012, 4013, 4014);

    private final String gatewayUrl;
    private final String token;
    private final HttpClient http = HttpClient.newHttpClient();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "discord-heartbeat");
        t.setDaemon(true);
        return t;
    });
    private volatile String sessionId;
    private volatile String resumeUrl;
    /** The sequence number of the last dispatch received (heartbeats carry it). */
    private volatile Long lastSeq;
    /** The sequence number of the last dispatch that is in Kafka (or needed nothing written): resumes start after it. */
    private volatile Long ackedSeq;
    private volatile int identifies;
    private volatile int resumes;

    /** @param gatewayUrl {@code wss://gateway.discord.gg} (a local fake in tests) */
    public DiscordGateway(String gatewayUrl, String token, String botId, Topics topics, Producer<byte[], byte[]> producer,
            LongSupplier clock) {
        super(botId, topics, producer, clock);
        this.gatewayUrl = gatewayUrl;
        this.token = token;
    }

    public DiscordGateway start() {
        return start("discord-gateway");
    }

    /** Identify calls made so far (a new session each). */
    public int identifies() {
        return identifies;
    }

    /** Resume calls made so far. */
    public int resumes() {
        return resumes;
    }

    @Override
    protected void loop() {
        long backoff = 1_000;
        while (running) {
            Connection c = new Connection();
            Integer closeCode;
            try {
                String base = sessionId != null && resumeUrl != null ? resumeUrl : gatewayUrl;
                WebSocket ws = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                        .buildAsync(URI.create(base + (base.contains("?") ? "&" : "?") + "v=10&encoding=json"), c)
                        .get(20, TimeUnit.SECONDS);
                c.ws = ws;
                closeCode = c.closed.get();
                backoff = 1_000;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                if (!running) {
                    return;
                }
                log.warn("Discord Gateway for bot {}: {}", botId, e.toString());
                closeCode = null;
            } finally {
                c.stopHeartbeat();
            }
            if (closeCode != null && FATAL.contains(closeCode)) {
                log.error("Discord Gateway for bot {} closed with {}: authentication or intents refused; not reconnecting", botId, closeCode);
                return;
            }
            if (!running) {
                return;
            }
            if (!pauseJittered(backoff)) {
                return;
            }
            backoff = doubled(backoff, 60_000);
        }
    }

    /** One WebSocket connection: its frames, its heartbeat. */
    private final class Connection extends Frames {
        private volatile ScheduledFuture<?> heartbeat;
        private volatile boolean awaitingAck;

        Connection() {
            super("Discord Gateway");
        }

        @Override
        protected void handle(WebSocket webSocket, String text) throws Exception {
            JsonNode msg = Json.MAPPER.readTree(text);
            int op = msg.path("op").asInt(-1);
            switch (op) {
                case 10 -> { // Hello
                    long interval = msg.path("d").path("heartbeat_interval").asLong(41_250);
                    heartbeat = timer.scheduleAtFixedRate(this::beat, (long) (interval * ThreadLocalRandom.current().nextDouble()),
                            interval, TimeUnit.MILLISECONDS);
                    if (sessionId != null) {
                        resumes++;
                        send(webSocket, op(6, Json.MAPPER.createObjectNode().put("token", token).put("session_id", sessionId)
                                .put("seq", ackedSeq == null ? 0 : ackedSeq)));
                    } else {
                        identifies++;
                        ObjectNode d = Json.MAPPER.createObjectNode().put("token", token).put("intents", INTENTS);
                        d.putObject("properties").put("os", "linux").put("browser", "switchboard").put("device", "switchboard");
                        send(webSocket, op(2, d));
                    }
                }
                case 11 -> awaitingAck = false; // Heartbeat ACK
                case 1 -> send(webSocket, heartbeatFrame()); // the server asks for a heartbeat now
                case 7 -> { // Reconnect: close and resume
                    webSocket.sendClose(4000, "reconnect requested");
                    closed.complete(4000);
                }
                case 9 -> { // Invalid Session; d: whether it can be resumed
                    if (!msg.path("d").asBoolean(false)) {
                        sessionId = null;
                        ackedSeq = null;
                        lastSeq = null;
                    }
                    webSocket.sendClose(4000, "invalid session");
                    closed.complete(4000);
                }
                case 0 -> dispatch(msg, text);
                default -> log.debug("Discord Gateway for bot {}: op {} ignored", botId, op);
            }
        }

        private void dispatch(JsonNode msg, String text) throws Exception {
            long seq = msg.path("s").asLong();
            lastSeq = seq;
            String type = msg.path("t").asText();
            if (type.equals("READY")) {
                sessionId = msg.path("d").path("session_id").asText(null);
                resumeUrl = msg.path("d").path("resume_gateway_url").asText(null);
            } else if (WRITTEN.contains(type)) {
                write("discord", msg.path("d").path("channel_id").asText(null), text.getBytes(StandardCharsets.UTF_8), Map.of());
            }
            ackedSeq = seq;
        }

        private void beat() {
            WebSocket w = ws;
            if (w == null) {
                return;
            }
            if (awaitingAck) {
                // No acknowledgement of the last heartbeat: the connection is dead; resume on a new one.
                log.warn("Discord Gateway for bot {}: heartbeat not acknowledged; reconnecting", botId);
                w.abort();
                closed.complete(null);
                return;
            }
            awaitingAck = true;
            send(w, heartbeatFrame());
        }

        private String heartbeatFrame() {
            Long s = lastSeq;
            return "{\"op\":1,\"d\":" + (s == null ? "null" : s) + "}";
        }

        void stopHeartbeat() {
            ScheduledFuture<?> h = heartbeat;
            if (h != null) {
                h.cancel(false);
            }
        }
    }

    private static String op(int op, JsonNode d) throws Exception {
        ObjectNode node = Json.MAPPER.createObjectNode().put("op", op);
        node.set("d", d);
        return Json.MAPPER.writeValueAsString(node);
    }

    private static synchronized void send(WebSocket ws, String text) {
        ws.sendText(text, true).join();
    }

    @Override
    public void close() throws InterruptedException {
        super.close();
        timer.shutdownNow();
    }
}
