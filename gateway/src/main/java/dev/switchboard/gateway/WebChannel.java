package dev.switchboard.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.Headers;
import dev.switchboard.model.Platforms;
import dev.switchboard.model.Topics;
import dev.switchboard.normalize.WebNormalizer;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The web channel on the gateway: a page posts a user's messages ({@code POST /v1/web/<bot>/messages}, JWT), they go
 * to {@code chat.in.web} with the verified user as a header; the replies the job writes to {@code chat.out.web} are
 * read by every gateway replica (each reads all partitions itself, no consumer group) and pushed to the user's open
 * connections on that replica ({@code GET /v1/web/<bot>/events}, Server-Sent Events, the same JWT). Each replica
 * keeps the last {@value #BUFFER_PER_USER} replies of each recent user, so a page that reconnects, to any replica,
 * gets what it missed after its {@code Last-Event-ID}. {@code GET /chat/<bot>} serves the chat page.
 */
final class WebChannel implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WebChannel.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final int BUFFER_PER_USER = 50;
    static final int MAX_USERS = 100_000;
    static final int MAX_MESSAGE_BYTES = 16 * 1024;
    static final int MAX_TEXT = 4_000;
    /** How far back a starting replica reads replies, so that pages reconnecting to it find theirs. */
    static final Duration REPLAY = Duration.ofMinutes(10);
    static final Duration VISITOR_TOKEN_LIFETIME = Duration.ofHours(2);

    /** One reply as an event: its id ({@code <partition>-<offset>}), the idempotency key, and the JSON data. */
    record Event(String id, String key, String data) {}

    private record Connection(Context context, HttpServerResponse response) {}

    private final Vertx vertx;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Topics topics;
    private final WebTokens tokens;
    private final boolean visitorTokens;
    private final Map<String, Set<Connection>> connections = new ConcurrentHashMap<>();
    private final Map<String, Deque<Event>> buffers = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Deque<Event>> eldest) {
            return size() > MAX_USERS;
        }
    };
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread reader;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final long heartbeat;
    private final Map<String, String> assets = new HashMap<>();
    private final io.prometheus.client.Counter requests;

    WebChannel(Vertx vertx, KafkaProducer<byte[], byte[]> producer, String bootstrapServers, Map<String, String> kafkaProperties,
            Topics topics, WebTokens tokens, boolean visitorTokens, io.prometheus.client.Counter requests) {
        this.vertx = vertx;
        this.requests = requests;
        this.producer = producer;
        this.topics = topics;
        this.tokens = tokens;
        this.visitorTokens = visitorTokens;
        Map<String, Object> props = new HashMap<>(kafkaProperties);
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "switchboard-gateway-web");
        consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        for (String asset : List.of("chat.html", "chat.js", "chat.css")) {
            try (InputStream in = WebChannel.class.getResourceAsStream("/web/" + asset)) {
                assets.put(asset, new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException | NullPointerException e) {
                throw new IllegalStateException("the chat page's " + asset + " is missing from the gateway", e);
            }
        }
        reader = new Thread(this::read, "gateway-web-replies");
        reader.setDaemon(true);
        reader.start();
        heartbeat = vertx.setPeriodic(15_000, id -> connections.values().forEach(set -> set.forEach(c ->
                c.context().runOnContext(v -> {
                    if (!c.response().closed()) {
                        c.response().write(": keep-alive\n\n");
                    }
                }))));
    }

    /** Whether this request is the web channel's ({@code /v1/web/...}, {@code /chat/...}). */
    static boolean owns(String path) {
        return path.startsWith("/v1/web/") || path.startsWith("/chat/");
    }

    void handle(HttpServerRequest req) {
        String[] parts = req.path().split("/");
        if (parts.length == 3 && parts[1].equals("chat")) {
            page(req, parts[2]);
            return;
        }
        if (parts.length == 4 && parts[1].equals("chat") && parts[2].equals("assets")) {
            asset(req, parts[3]);
            return;
        }
        if (parts.length != 5 || !parts[1].equals("v1") || !parts[2].equals("web")) {
            answer(req, 404, "not found: the web channel is /v1/web/<botId>/messages|events|token and /chat/<botId>");
            return;
        }
        String bot = parts[3];
        switch (parts[4]) {
            case "messages" -> {
                if (req.method() != HttpMethod.POST) {
                    answer(req, 405, "use POST");
                    return;
                }
                message(req, bot);
            }
            case "events" -> {
                if (req.method() != HttpMethod.GET) {
                    answer(req, 405, "use GET");
                    return;
                }
                events(req, bot);
            }
            case "token" -> {
                if (req.method() != HttpMethod.POST) {
                    answer(req, 405, "use POST");
                    return;
                }
                visitorToken(req, bot);
            }
            default -> answer(req, 404, "not found: /v1/web/<botId>/messages|events|token");
        }
    }

    private WebTokens.Caller caller(HttpServerRequest req, String bot) {
        try {
            return tokens.verify(bot, req.getHeader("Authorization"));
        } catch (WebTokens.Refused e) {
            // As for webhooks: a refused request's bot is only what its URL says, so it is not a label.
            requests.labels(Platforms.WEB, "unknown", "refused").inc();
            answer(req, 401, e.getMessage());
            return null;
        }
    }

    private void message(HttpServerRequest req, String bot) {
        WebTokens.Caller caller = caller(req, bot);
        if (caller == null) {
            return;
        }
        long receivedAt = System.currentTimeMillis();
        req.bodyHandler(body -> {
            if (body.length() > MAX_MESSAGE_BYTES) {
                answer(req, 413, "a message is at most " + MAX_MESSAGE_BYTES + " bytes");
                return;
            }
            JsonNode n;
            try {
                n = JSON.readTree(body.getBytes());
            } catch (IOException e) {
                n = null;
            }
            if (!(n instanceof ObjectNode) || !n.path("id").isTextual() || n.path("id").asText().isBlank()
                    || n.path("id").asText().length() > 100) {
                answer(req, 400, "the body is {\"id\": \"<your message id, at most 100 characters>\", \"text\": \"...\"}");
                return;
            }
            if (!n.path("text").isTextual() || n.path("text").asText().isBlank() || n.path("text").asText().length() > MAX_TEXT) {
                answer(req, 400, "text must be 1 to " + MAX_TEXT + " characters");
                return;
            }
            ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topics.inbound(Platforms.WEB),
                    caller.user().getBytes(StandardCharsets.UTF_8), body.getBytes());
            record.headers().add(Headers.BOT_ID, bot.getBytes(StandardCharsets.UTF_8));
            record.headers().add(Headers.RECEIVED_AT, Long.toString(receivedAt).getBytes(StandardCharsets.UTF_8));
            record.headers().add(WebNormalizer.USER_HEADER, caller.user().getBytes(StandardCharsets.UTF_8));
            if (caller.name() != null) {
                record.headers().add(WebNormalizer.NAME_HEADER, caller.name().getBytes(StandardCharsets.UTF_8));
            }
            Context context = Vertx.currentContext();
            String id = n.path("id").asText();
            try {
                producer.send(record, (m, error) -> context.runOnContext(v -> {
                    if (error != null) {
                        requests.labels(Platforms.WEB, bot, "kafka-error").inc();
                        answer(req, 503, "the message could not be stored; send it again with the same id");
                    } else {
                        requests.labels(Platforms.WEB, bot, "accepted").inc();
                        json(req, 202, JSON.createObjectNode().put("accepted", id).toString());
                    }
                }));
            } catch (RuntimeException e) {
                answer(req, 503, "the message could not be stored; send it again with the same id");
            }
        });
    }

    private void events(HttpServerRequest req, String bot) {
        WebTokens.Caller caller = caller(req, bot);
        if (caller == null) {
            return;
        }
        String key = bot + "|" + caller.user();
        HttpServerResponse response = req.response();
        response.setChunked(true).putHeader("Content-Type", "text/event-stream; charset=utf-8")
                .putHeader("Cache-Control", "no-cache").putHeader("X-Accel-Buffering", "no");
        Connection connection = new Connection(Vertx.currentContext(), response);
        response.write(": connected\n\n");
        String last = req.getHeader("Last-Event-ID");
        if (last != null && !last.isBlank()) {
            for (Event e : missedAfter(key, last.trim())) {
                response.write(frame(e));
            }
        }
        connections.computeIfAbsent(key, k -> new CopyOnWriteArraySet<>()).add(connection);
        response.closeHandler(v -> {
            Set<Connection> set = connections.get(key);
            if (set != null) {
                set.remove(connection);
                if (set.isEmpty()) {
                    connections.remove(key, set);
                }
            }
        });
    }

    /** The buffered replies after {@code lastId}; all of them when it is no longer buffered. */
    List<Event> missedAfter(String key, String lastId) {
        List<Event> out = new ArrayList<>();
        synchronized (buffers) {
            Deque<Event> buffer = buffers.get(key);
            if (buffer == null) {
                return out;
            }
            boolean found = buffer.stream().anyMatch(e -> e.id().equals(lastId));
            boolean after = !found;
            for (Event e : buffer) {
                if (after) {
                    out.add(e);
                } else if (e.id().equals(lastId)) {
                    after = true;
                }
            }
        }
        return out;
    }

    private void visitorToken(HttpServerRequest req, String bot) {
        if (!visitorTokens) {
            answer(req, 404, "visitor tokens are off (gateway --web-visitor-tokens true enables them)");
            return;
        }
        try {
            String token = tokens.mintAnonymous(bot, VISITOR_TOKEN_LIFETIME);
            json(req, 200, JSON.createObjectNode().put("token", token)
                    .put("expiresIn", VISITOR_TOKEN_LIFETIME.toSeconds()).toString());
        } catch (WebTokens.Refused e) {
            answer(req, 404, e.getMessage());
        }
    }

    private void page(HttpServerRequest req, String bot) {
        if (!bot.matches("[A-Za-z0-9_.-]{1,64}")) {
            answer(req, 404, "no such bot");
            return;
        }
        if (!tokens.configured(bot)) {
            answer(req, 404, "bot '" + bot + "' has no web channel (no web.jwt-secret or web.jwks-file in the bots file)");
            return;
        }
        String html = assets.get("chat.html").replace("{{BOT}}", bot).replace("{{VISITOR_TOKENS}}", Boolean.toString(visitorTokens));
        req.response().putHeader("Content-Type", "text/html; charset=utf-8")
                .putHeader("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; "
                        + "connect-src 'self'; img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'")
                .putHeader("X-Content-Type-Options", "nosniff").end(html);
    }

    private void asset(HttpServerRequest req, String name) {
        String body = assets.get(name);
        if (body == null || name.equals("chat.html")) {
            answer(req, 404, "no such asset");
            return;
        }
        req.response().putHeader("Content-Type", name.endsWith(".js") ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8")
                .putHeader("X-Content-Type-Options", "nosniff").putHeader("Cache-Control", "no-cache").end(body);
    }

    // ---- replies from chat.out.web ----------------------------------------------------------------------------

    private void read() {
        String topic = topics.outbound(Platforms.WEB);
        try {
            List<TopicPartition> assigned = List.of();
            long nextLook = 0;
            while (running.get()) {
                if (System.currentTimeMillis() >= nextLook) {
                    List<TopicPartition> now = partitions(topic);
                    if (!now.equals(assigned)) {
                        List<TopicPartition> added = new ArrayList<>(now);
                        added.removeAll(assigned);
                        consumer.assign(now);
                        Map<TopicPartition, Long> from = new HashMap<>();
                        added.forEach(tp -> from.put(tp, System.currentTimeMillis() - REPLAY.toMillis()));
                        Map<TopicPartition, OffsetAndTimestamp> offsets = from.isEmpty() ? Map.of()
                                : consumer.offsetsForTimes(from, Duration.ofSeconds(10));
                        for (TopicPartition tp : added) {
                            OffsetAndTimestamp o = offsets.get(tp);
                            if (o != null) {
                                consumer.seek(tp, o.offset());
                            } else {
                                consumer.seekToEnd(List.of(tp));
                            }
                        }
                        assigned = now;
                    }
                    nextLook = System.currentTimeMillis() + 30_000;
                }
                if (assigned.isEmpty()) {
                    Thread.sleep(1_000);
                    nextLook = 0;
                    continue;
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    reply(r);
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("reading {} stopped: {}", topic, e.toString(), e);
        }
    }

    private List<TopicPartition> partitions(String topic) {
        List<PartitionInfo> infos;
        try {
            infos = consumer.partitionsFor(topic, Duration.ofSeconds(5));
        } catch (RuntimeException e) {
            return List.of();
        }
        List<TopicPartition> out = new ArrayList<>();
        if (infos != null) {
            infos.forEach(i -> out.add(new TopicPartition(topic, i.partition())));
        }
        out.sort((a, b) -> Integer.compare(a.partition(), b.partition()));
        return out;
    }

    private void reply(ConsumerRecord<byte[], byte[]> r) {
        var botHeader = r.headers().lastHeader(Headers.BOT_ID);
        JsonNode body;
        try {
            body = JSON.readTree(r.value());
        } catch (IOException e) {
            LOG.warn("a reply on {} at {}-{} is not JSON; skipped", r.topic(), r.partition(), r.offset());
            return;
        }
        String user = body.path("to").asText(null);
        if (botHeader == null || user == null) {
            LOG.warn("a reply on {} at {}-{} names no bot or user; skipped", r.topic(), r.partition(), r.offset());
            return;
        }
        String bot = new String(botHeader.value(), StandardCharsets.UTF_8);
        var keyHeader = r.headers().lastHeader(Headers.IDEMPOTENCY_KEY);
        String idempotency = keyHeader == null ? r.partition() + "-" + r.offset() : new String(keyHeader.value(), StandardCharsets.UTF_8);
        ObjectNode data = JSON.createObjectNode();
        data.put("text", body.path("text").asText(""));
        if (body.hasNonNull("replyTo")) {
            data.put("replyTo", body.get("replyTo").asText());
        }
        data.put("at", r.timestamp());
        Event event = new Event(r.partition() + "-" + r.offset(), idempotency, data.toString());
        String key = bot + "|" + user;
        synchronized (buffers) {
            Deque<Event> buffer = buffers.computeIfAbsent(key, k -> new ArrayDeque<>());
            if (buffer.stream().anyMatch(e -> e.key().equals(idempotency))) {
                return; // the same reply written twice (a replayed job): shown once
            }
            buffer.addLast(event);
            while (buffer.size() > BUFFER_PER_USER) {
                buffer.removeFirst();
            }
        }
        Set<Connection> open = connections.get(key);
        if (open != null) {
            String frame = frame(event);
            for (Connection c : open) {
                c.context().runOnContext(v -> {
                    if (!c.response().closed()) {
                        c.response().write(frame);
                    }
                });
            }
        }
    }

    static String frame(Event e) {
        return "id: " + e.id() + "\nevent: reply\ndata: " + e.data() + "\n\n";
    }

    private static void answer(HttpServerRequest req, int status, String reason) {
        if (!req.response().ended() && !req.response().closed()) {
            req.response().setStatusCode(status).putHeader("Content-Type", "text/plain; charset=utf-8").end(reason + "\n");
        }
    }

    private static void json(HttpServerRequest req, int status, String body) {
        if (!req.response().ended() && !req.response().closed()) {
            req.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(Buffer.buffer(body));
        }
    }

    @Override
    public void close() {
        running.set(false);
        vertx.cancelTimer(heartbeat);
        consumer.wakeup();
        try {
            reader.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        consumer.close(Duration.ofSeconds(2));
    }
}
