package dev.switchboard.gateway;

import dev.switchboard.model.Headers;
import dev.switchboard.model.Platforms;
import dev.switchboard.model.Topics;
import dev.switchboard.normalize.BotSettings;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import io.prometheus.client.Gauge;
import io.prometheus.client.Histogram;
import io.prometheus.client.exporter.common.TextFormat;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * The inbound gateway: platforms call {@code /webhooks/<platform>/<botId>}; a request that its platform's scheme
 * verifies ({@link Verifiers}) is written, body untouched, to {@code <prefix>in.<platform>} with {@code bot-id} and
 * {@code received-at}, and answered 200 only once Kafka acknowledged it (idempotent producer, {@code acks=all}).
 * When Kafka does not acknowledge within the platform's deadline the answer is 503, so the platform delivers again
 * (the job answers a redelivery once). Handshakes are answered without writing; refused requests are answered with
 * a status and a short reason, and nothing is written.
 *
 * <p>Vert.x core serves HTTP on event loops (one per core): a request waiting for Kafka holds no thread, so
 * thousands can be in flight on two cores.
 */
public final class Gateway implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

    /** What the gateway is started with. */
    public record Settings(String bootstrapServers, Topics topics, BotSettings secrets, int port, int maxBodyBytes,
                           Duration ackTimeout, Map<String, String> kafkaProperties, LongSupplier clock) {
        public static final int DEFAULT_PORT = 8080;
        public static final int DEFAULT_MAX_BODY = 1 << 20;

        /** Each platform's own deadline for an answer, unless an ack timeout is given for all. */
        public Duration deadline(String platform) {
            if (ackTimeout != null) {
                return ackTimeout;
            }
            return switch (platform) {
                case Platforms.SLACK, Platforms.FEISHU, Platforms.DISCORD -> Duration.ofMillis(2_500);
                case Platforms.WECOM, Platforms.WECHAT -> Duration.ofMillis(4_500);
                default -> Duration.ofSeconds(5);
            };
        }
    }

    private final Settings settings;
    private final Verifiers verifiers;
    private final Vertx vertx;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Admin admin;
    private final CollectorRegistry registry = new CollectorRegistry();
    private final Counter requests;
    private final Counter refused;
    private final Histogram ackSeconds;
    private final Gauge inFlight;
    private int port;

    private Gateway(Settings settings) {
        this.settings = settings;
        this.verifiers = new Verifiers(settings.secrets());
        Map<String, Object> props = new HashMap<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 1,
                // send() must not hold an event loop: metadata is fetched at start, and a full buffer fails fast.
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 200,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                ProducerConfig.CLIENT_ID_CONFIG, "switchboard-gateway",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
        props.putAll(settings.kafkaProperties());
        this.producer = new KafkaProducer<>(props);
        Map<String, Object> adminProps = new HashMap<>(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers(),
                AdminClientConfig.CLIENT_ID_CONFIG, "switchboard-gateway-health"));
        settings.kafkaProperties().forEach(adminProps::putIfAbsent);
        this.admin = Admin.create(adminProps);
        this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(Math.max(1, Runtime.getRuntime().availableProcessors())));
        requests = Counter.build("gateway_requests_total", "Webhook requests by platform, bot and outcome")
                .labelNames("platform", "bot", "outcome").register(registry);
        refused = Counter.build("gateway_verification_failures_total", "Requests refused, by platform and reason")
                .labelNames("platform", "reason").register(registry);
        ackSeconds = Histogram.build("gateway_kafka_ack_seconds", "From a verified request to Kafka's acknowledgement")
                .buckets(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5).register(registry);
        inFlight = Gauge.build("gateway_in_flight_requests", "Verified requests waiting for Kafka").register(registry);
    }

    /** Starts the gateway: Kafka metadata for every platform topic, then the HTTP servers (one per event loop). */
    public static Gateway start(Settings settings) throws Exception {
        Gateway g = new Gateway(settings);
        try {
            g.warmUpMetadata();
            g.listen();
        } catch (Exception e) {
            g.close();
            throw e;
        }
        return g;
    }

    private void warmUpMetadata() {
        for (String platform : Platforms.SUPPORTED) {
            try {
                producer.partitionsFor(settings.topics().inbound(platform));
            } catch (RuntimeException e) {
                LOG.warn("No metadata for {} yet ({}); the first webhook of that platform may wait for it",
                        settings.topics().inbound(platform), e.getMessage());
            }
        }
    }

    /**
     * One HTTP server per event loop (a verticle instance each), sharing the port: Vert.x spreads connections over
     * them. Port 0 means a free port, chosen once for all instances.
     */
    private void listen() throws Exception {
        int instances = Math.max(1, Runtime.getRuntime().availableProcessors());
        int wanted = settings.port();
        if (wanted == 0) {
            try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
                wanted = probe.getLocalPort();
            }
        }
        int bound = wanted;
        vertx.deployVerticle(() -> new VerticleBase() {
            @Override
            public io.vertx.core.Future<?> start() {
                return vertx.createHttpServer(new HttpServerOptions().setPort(bound).setIdleTimeout(60)
                                .setIdleTimeoutUnit(TimeUnit.SECONDS))
                        .requestHandler(Gateway.this::handle)
                        .listen();
            }
        }, new DeploymentOptions().setInstances(instances)).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        port = bound;
    }

    public int port() {
        return port;
    }

    /** The long connections this gateway holds. */
    private final List<Connector> connectors = new ArrayList<>();

    /**
     * Long-polls Telegram ({@code getUpdates}) for every bot with a {@code telegram.bot-token} in the bots file, for
     * bots without a public webhook URL (Telegram refuses getUpdates while a webhook is set). Returns the bots polled.
     */
    public List<String> pollTelegram(String apiBase, int pollSeconds) {
        return connect(Platforms.TELEGRAM, TELEGRAM_BOT_TOKEN, (bot, token) ->
                new TelegramPoller(apiBase, token, bot, settings.topics(), producer, settings.clock(), pollSeconds).start());
    }

    /** Connects every bot with a {@code discord.bot-token} in the bots file to the Discord Gateway. Returns the bots. */
    public List<String> connectDiscord(String gatewayUrl) {
        return connect(Platforms.DISCORD, DISCORD_BOT_TOKEN, (bot, token) ->
                new DiscordGateway(gatewayUrl, token, bot, settings.topics(), producer, settings.clock()).start());
    }

    /** Opens Socket Mode for every bot with a {@code slack.app-token} (xapp-…) in the bots file. Returns the bots. */
    public List<String> openSlackSocketMode(String apiBase) {
        return connect(Platforms.SLACK, SLACK_APP_TOKEN, (bot, token) ->
                new SlackSocketMode(apiBase, token, bot, settings.topics(), producer, settings.clock()).start());
    }

    private List<String> connect(String platform, String key, java.util.function.BiFunction<String, String, Connector> open) {
        List<String> bots = new ArrayList<>();
        for (String bot : settings.secrets().botsWith(platform, key)) {
            connectors.add(open.apply(bot, settings.secrets().get(bot, platform, key)));
            bots.add(bot);
        }
        return bots;
    }

    /** The bots file key of a Slack app-level token, for Socket Mode. */
    public static final String SLACK_APP_TOKEN = "app-token";

    /** The bots file key of a Discord bot's token, for the Gateway connection. */
    public static final String DISCORD_BOT_TOKEN = "bot-token";

    /** The bots file key of a bot's Bot API token, for long polling. */
    public static final String TELEGRAM_BOT_TOKEN = "bot-token";

    private volatile WebChannel web;

    /**
     * Serves the web channel ({@code /v1/web/<bot>/messages|events|token}, the page {@code /chat/<bot>}) for the
     * bots with a {@code web.jwt-secret} or {@code web.jwks-file}, and pushes the replies on {@code chat.out.web} to
     * their pages. {@code visitorTokens}: anyone may get a short-lived token as an anonymous visitor (the demo and
     * local trials; off in production, where the company's own login issues the tokens).
     */
    public void serveWeb(boolean visitorTokens) {
        web = new WebChannel(vertx, producer, settings.bootstrapServers(), settings.kafkaProperties(), settings.topics(),
                new WebTokens(settings.secrets()), visitorTokens, requests);
    }

    private void handle(HttpServerRequest req) {
        String path = req.path();
        if (WebChannel.owns(path)) {
            WebChannel channel = web;
            if (channel == null) {
                answer(req, 404, "text/plain; charset=utf-8", "the web channel is off on this gateway (--web true)\n");
            } else {
                channel.handle(req);
            }
            return;
        }
        if (path.equals("/healthz")) {
            health(req);
            return;
        }
        if (path.equals("/metrics")) {
            metrics(req);
            return;
        }
        String[] parts = path.split("/");
        if (parts.length != 4 || !parts[1].equals("webhooks") || parts[2].isEmpty() || parts[3].isEmpty()) {
            answer(req, 404, "text/plain; charset=utf-8", "not found: webhooks are /webhooks/<platform>/<botId>\n");
            return;
        }
        String platform = parts[2].toLowerCase(Locale.ROOT);
        String bot = parts[3];
        if (req.method() != HttpMethod.POST && req.method() != HttpMethod.GET) {
            refuse(req, platform, bot, Verdict.reject(405, "method-not-allowed", "use POST (or GET for a handshake)"));
            return;
        }
        String length = req.getHeader("content-length");
        if (length != null) {
            try {
                if (Long.parseLong(length.trim()) > settings.maxBodyBytes()) {
                    refuse(req, platform, bot, tooLarge());
                    return;
                }
            } catch (NumberFormatException e) {
                refuse(req, platform, bot, Verdict.reject(400, "malformed", "Content-Length is not a number"));
                return;
            }
        }
        long receivedAt = settings.clock().getAsLong();
        Buffer body = Buffer.buffer();
        AtomicBoolean tooBig = new AtomicBoolean();
        req.handler(chunk -> {
            if (tooBig.get()) {
                return;
            }
            if (body.length() + chunk.length() > settings.maxBodyBytes()) {
                tooBig.set(true);
                refuse(req, platform, bot, tooLarge());
                return;
            }
            body.appendBuffer(chunk);
        });
        req.endHandler(v -> {
            if (!tooBig.get()) {
                webhook(req, platform, bot, body.getBytes(), receivedAt);
            }
        });
        req.exceptionHandler(e -> LOG.debug("request from {} failed: {}", req.remoteAddress(), e.getMessage()));
    }

    private Verdict tooLarge() {
        return Verdict.reject(413, "too-large", "the body exceeds " + settings.maxBodyBytes() + " bytes");
    }

    private void webhook(HttpServerRequest req, String platform, String bot, byte[] body, long receivedAt) {
        Map<String, String> headers = new HashMap<>();
        req.headers().forEach(e -> headers.putIfAbsent(e.getKey().toLowerCase(Locale.ROOT), e.getValue()));
        Map<String, String> query = new HashMap<>();
        req.params().forEach(e -> query.putIfAbsent(e.getKey(), e.getValue()));
        WebhookRequest request = new WebhookRequest(req.method().name(), platform, bot, headers, query, body, receivedAt);
        Verdict verdict;
        try {
            verdict = verifiers.verify(request);
        } catch (RuntimeException e) {
            LOG.warn("verifying a {} webhook of bot {} failed", platform, bot, e);
            verdict = Verdict.reject(400, "unreadable", "the request cannot be read");
        }
        switch (verdict.kind()) {
            case REJECT -> refuse(req, platform, bot, verdict);
            case RESPOND -> {
                requests.labels(platform, bot, "handshake").inc();
                answer(req, verdict.status(), verdict.contentType(), verdict.body());
            }
            case ACCEPT -> write(req, request, verdict);
        }
    }

    private void write(HttpServerRequest req, WebhookRequest request, Verdict verdict) {
        String key = ConversationKeys.of(request);
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(settings.topics().inbound(request.platform()),
                key == null ? null : key.getBytes(StandardCharsets.UTF_8), request.body());
        record.headers().add(Headers.BOT_ID, request.botId().getBytes(StandardCharsets.UTF_8));
        record.headers().add(Headers.RECEIVED_AT, Long.toString(request.now()).getBytes(StandardCharsets.UTF_8));
        verdict.headers().forEach((k, v) -> record.headers().add(k, v.getBytes(StandardCharsets.UTF_8)));

        Context context = Vertx.currentContext();
        AtomicBoolean answered = new AtomicBoolean();
        long started = System.nanoTime();
        inFlight.inc();
        long timer = vertx.setTimer(settings.deadline(request.platform()).toMillis(), id -> {
            if (answered.compareAndSet(false, true)) {
                inFlight.dec();
                requests.labels(request.platform(), request.botId(), "kafka-timeout").inc();
                answer(req, 503, "text/plain; charset=utf-8", "Kafka did not acknowledge in time; deliver again\n");
            }
        });
        try {
            producer.send(record, (metadata, error) -> context.runOnContext(v -> {
                if (!answered.compareAndSet(false, true)) {
                    return; // answered 503 already; the platform delivers again and the job answers once
                }
                vertx.cancelTimer(timer);
                inFlight.dec();
                if (error != null) {
                    requests.labels(request.platform(), request.botId(), "kafka-error").inc();
                    answer(req, 503, "text/plain; charset=utf-8", "Kafka refused the record; deliver again\n");
                } else {
                    ackSeconds.observe((System.nanoTime() - started) / 1e9);
                    requests.labels(request.platform(), request.botId(), "accepted").inc();
                    answer(req, verdict.status(), verdict.contentType(), verdict.body());
                }
            }));
        } catch (RuntimeException e) {
            if (answered.compareAndSet(false, true)) {
                vertx.cancelTimer(timer);
                inFlight.dec();
                requests.labels(request.platform(), request.botId(), "kafka-error").inc();
                answer(req, 503, "text/plain; charset=utf-8", "Kafka cannot take the record now; deliver again\n");
            }
        }
    }

    private void refuse(HttpServerRequest req, String platform, String bot, Verdict verdict) {
        String p = Platforms.SUPPORTED.contains(platform) ? platform : "unknown";
        refused.labels(p, verdict.reason()).inc();
        // The bot of a refused request is only what its URL says: anyone could make up new ones, and each would be
        // a new series. Refused requests are counted without it (their reasons are in the failures counter).
        requests.labels(p, "unknown", "refused").inc();
        answer(req, verdict.status(), verdict.contentType(), verdict.body());
    }

    private static void answer(HttpServerRequest req, int status, String contentType, String body) {
        answer(req, status, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    private static void answer(HttpServerRequest req, int status, String contentType, byte[] body) {
        if (req.response().ended() || req.response().closed()) {
            return;
        }
        req.response().setStatusCode(status).putHeader("content-type", contentType).end(Buffer.buffer(body));
    }

    /** 200 when the Kafka cluster answers within 2 s, else 503. */
    private void health(HttpServerRequest req) {
        Context context = Vertx.currentContext();
        admin.describeCluster(new DescribeClusterOptions().timeoutMs(2_000)).clusterId().toCompletionStage()
                .whenComplete((id, error) -> context.runOnContext(v -> answer(req, error == null ? 200 : 503,
                        "text/plain; charset=utf-8", error == null ? "ok: Kafka cluster " + id + "\n"
                                : "Kafka is not reachable (" + error.getClass().getSimpleName() + ")\n")));
    }

    private void metrics(HttpServerRequest req) {
        StringWriter out = new StringWriter();
        try {
            TextFormat.write004(out, registry.metricFamilySamples());
        } catch (java.io.IOException e) {
            answer(req, 500, "text/plain; charset=utf-8", "cannot write the metrics\n");
            return;
        }
        answer(req, 200, TextFormat.CONTENT_TYPE_004, out.toString());
    }

    @Override
    public void close() {
        if (web != null) {
            web.close();
        }
        for (Connector c : connectors) {
            try {
                c.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.debug("closing Vert.x: {}", e.getMessage());
        }
        producer.close(Duration.ofSeconds(5));
        admin.close(Duration.ofSeconds(5));
    }
}
