package dev.switchboard.demo;

import dev.switchboard.bot.Bots;
import dev.switchboard.gateway.Gateway;
import dev.switchboard.job.JobConfig;
import dev.switchboard.normalize.BotSettings;
import dev.switchboard.job.SwitchboardJob;
import dev.switchboard.model.Headers;
import dev.switchboard.model.Platforms;
import dev.switchboard.model.Topics;
import dev.switchboard.testkit.DemoTraffic;
import dev.switchboard.testkit.EmbeddedKafka;
import dev.switchboard.testkit.LlmFake;
import dev.switchboard.testkit.KafkaClients;
import dev.switchboard.testkit.RedisProcess;
import dev.switchboard.redis.Identities;
import dev.switchboard.redis.SampleOrders;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import dev.switchboard.job.DeliveryConfig;
import dev.switchboard.job.DeliveryJob;
import dev.switchboard.testkit.PlatformApiFake;
import org.apache.flink.api.common.JobID;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.TimeUtils;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Pattern;

/**
 * {@code switchboard demo}: a real KRaft broker and a Flink mini-cluster with its web UI in this JVM, a real
 * redis-server (Debian's, else the one shipped in a Maven Central jar) holding a few thousand orders, the job
 * running on them, simulated users writing to {@code chat.in.*}, one person linked across Telegram and Slack
 * with a notification reaching them, the webhook gateway for your own signed requests, and a live line of what
 * comes out. Stops cleanly on Ctrl-C (or after {@code --duration}).
 */
public final class Demo {

    /** Demo options. */
    public record Options(double rate, int conversations, int webPort, Duration duration, String deliveryGuarantee,
                          int parallelism, int gatewayPort, int platformsPort) {
        public static final String USAGE = "demo options: --rate MSGS_PER_S (default 50) --conversations N (default 300)"
                + " --web-port PORT (default 8081) --gateway-port PORT (default 8088) --platforms-port PORT (default 8089: the local fakes of the platforms' APIs) --duration 60s (default: until Ctrl-C)"
                + " --delivery-guarantee at-least-once|exactly-once --parallelism N (default 2)";

        public static Options parse(List<String> args) {
            double rate = 50;
            int conversations = 300;
            int webPort = 8081;
            int gatewayPort = 8088;
            int platformsPort = 8089;
            Duration duration = null;
            String guarantee = "at-least-once";
            int parallelism = 2;
            for (int i = 0; i < args.size(); i += 2) {
                String name = args.get(i);
                if (i + 1 >= args.size()) {
                    throw new IllegalArgumentException("option " + name + " needs a value");
                }
                String value = args.get(i + 1);
                try {
                    switch (name) {
                        case "--rate" -> rate = Double.parseDouble(value);
                        case "--conversations" -> conversations = Integer.parseInt(value);
                        case "--web-port" -> webPort = Integer.parseInt(value);
                        case "--gateway-port" -> gatewayPort = Integer.parseInt(value);
                        case "--platforms-port" -> platformsPort = Integer.parseInt(value);
                        case "--duration" -> duration = TimeUtils.parseDuration(value);
                        case "--delivery-guarantee" -> guarantee = value;
                        case "--parallelism" -> parallelism = Integer.parseInt(value);
                        default -> throw new IllegalArgumentException("unknown option " + name);
                    }
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(name + " needs a number, was '" + value + "'");
                }
            }
            if (rate <= 0 || conversations < 1 || parallelism < 1 || webPort < 0 || webPort > 65535 || gatewayPort < 0
                    || gatewayPort > 65535 || platformsPort < 0 || platformsPort > 65535) {
                throw new IllegalArgumentException("--rate, --conversations and --parallelism must be positive");
            }
            return new Options(rate, conversations, webPort, duration, guarantee, parallelism, gatewayPort, platformsPort);
        }
    }

    private final Options options;
    private final PrintStream out;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final List<AutoCloseable> closeables = new ArrayList<>();
    /** The demo bots' Telegram webhook secret token (the gateway checks it). */
    static final String DEMO_TELEGRAM_SECRET = "demo-secret-token";

    public Demo(Options options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    public void run() throws Exception {
        Topics topics = Topics.withDefaultPrefix();
        Path checkpoints = Files.createTempDirectory("switchboard-demo-checkpoints");
        out.println("starting a Kafka broker (KRaft) and Redis ...");
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
             RedisProcess redis = RedisProcess.start(checkpoints.resolve("redis"));
             LlmFake llm = startLlmFake()) {
            int orders = SampleOrders.fill(redis.address(), DemoTraffic.FIRST_ORDER, ORDERS);
            kafka.createTopics(topics.all(Platforms.SUPPORTED), 2);

            // Two tenants: the shipped support and restaurant bots, the restaurant's phone numbers sealed with a
            // key made for this run.
            Path bots = Files.createDirectories(checkpoints.resolve("bots"));
            for (String bot : Bots.SHIPPED) {
                String yaml = Bots.shippedYaml(bot);
                if (bot.equals("support")) {
                    // Open questions ("other") go to a chat-completions endpoint: here the local fake, which echoes.
                    yaml += "\ngenerate:\n  endpoint: " + llm.endpoint() + "\n  model: local-fake-model\n"
                            + "  system: {en: \"You are the shop's support assistant. Be brief.\", zh: \"你是商店的客服助手，回答简洁。\"}\n"
                            + "  timeout: 3s\n  for: [other]\n";
                }
                Files.writeString(bots.resolve(bot + ".yaml"), yaml);
            }
            byte[] key = new byte[32];
            new java.security.SecureRandom().nextBytes(key);
            Path keys = Files.writeString(checkpoints.resolve("state.keys"), "demo " + Base64.getEncoder().encodeToString(key) + "\n");
            JobConfig config = JobConfig.parse(List.of(
                    "--bots-dir", bots.toString(), "--state-key-file", keys.toString(),
                    "--bootstrap-servers", kafka.bootstrapServers(),
                    "--delivery-guarantee", options.deliveryGuarantee(),
                    "--checkpoint-interval", "5s",
                    "--checkpoint-dir", checkpoints.toUri().toString(),
                    "--parallelism", Integer.toString(options.parallelism()),
                    "--partition-discovery-interval", "10s",
                    "--group-id", "switchboard-demo",
                    "--redis", redis.address()));
            // One mini-cluster (web UI), two jobs on it as on a real cluster: the dialogue job and the delivery job.
            Configuration cluster = new Configuration();
            cluster.set(RestOptions.PORT, options.webPort());
            MiniCluster flink = new MiniCluster(new MiniClusterConfiguration.Builder().setConfiguration(cluster)
                    .setNumTaskManagers(1).setNumSlotsPerTaskManager(2 * options.parallelism()).build());
            flink.start();
            closeables.add(flink);
            JobID job = flink.submitJob(graph(SwitchboardJob.build(StreamExecutionEnvironment.getExecutionEnvironment(
                    SwitchboardJob.jobConfiguration(config)), config), SwitchboardJob.JOB_NAME)).get().getJobID();

            // The platforms' APIs, as local fakes that answer as each platform does; every bot has their credentials.
            PlatformApiFake platforms = new PlatformApiFake(options.platformsPort());
            closeables.add(platforms);
            Path botsFile = Files.writeString(checkpoints.resolve("bots.properties"), PlatformApiFake.botsFile("*"));
            List<String> deliverArgs = new ArrayList<>(List.of("--bootstrap-servers", kafka.bootstrapServers(),
                    "--bots-file", botsFile.toString(), "--checkpoint-interval", "5s",
                    "--checkpoint-dir", checkpoints.resolve("delivery").toUri().toString(),
                    "--parallelism", Integer.toString(options.parallelism())));
            platforms.apiBases().forEach((p, url) -> deliverArgs.addAll(List.of("--api-base", p + "=" + url)));
            DeliveryConfig delivery = DeliveryConfig.parse(deliverArgs);
            JobID deliveryJob = flink.submitJob(graph(DeliveryJob.build(StreamExecutionEnvironment.getExecutionEnvironment(
                    DeliveryJob.jobConfiguration(delivery)), delivery), DeliveryJob.JOB_NAME)).get().getJobID();

            out.println();
            out.println("Kafka broker:   " + kafka.bootstrapServers() + "   (send your own payloads to "
                    + topics.inbound("<platform>") + ", platforms: " + String.join(", ", Platforms.SUPPORTED) + ")");
            out.println("Flink web UI:   http://localhost:" + options.webPort() + "   (jobs " + SwitchboardJob.JOB_NAME + " " + job
                    + " and " + DeliveryJob.JOB_NAME + " " + deliveryJob + ")");
            out.println("Platform APIs:  " + platforms.base() + "   (local fakes of the nine platforms' send APIs, with their"
                    + " credentials, limits and answers; the delivery job sends every reply there by HTTP and logs it on "
                    + topics.delivered() + ")");
            out.println("LLM endpoint:   " + llm.endpoint() + "   (a local FAKE chat-completions endpoint: its answers echo"
                    + " the question, labelled \"local fake model\"; the support bot's open questions go there)");
            out.println("Redis:          " + redis.address() + "   (" + redis.binary() + "; " + orders + " orders as hashes "
                    + SampleOrders.PREFIX + "<number>, linked identities and routes under " + Identities.DEFAULT_PREFIX + "{<bot>}:...)");
            // The web channel's signing secret, made for this run; visitors get tokens of their own from the page.
            byte[] webSecret = new byte[32];
            new java.security.SecureRandom().nextBytes(webSecret);
            Map<String, String> gatewaySecrets = new java.util.HashMap<>(Map.of(
                    "*.telegram.secret-token", DEMO_TELEGRAM_SECRET, "*.slack.signing-secret", "demo-signing-secret",
                    "*.whatsapp.app-secret", "demo-app-secret", "*.line.channel-secret", "demo-channel-secret"));
            // Per bot, not '*': a web key for every bot id would serve a page for bots the job does not have.
            for (String bot : Bots.SHIPPED) {
                gatewaySecrets.put(bot + ".web.jwt-secret", Base64.getEncoder().encodeToString(webSecret));
            }
            Gateway gateway = Gateway.start(new Gateway.Settings(kafka.bootstrapServers(), topics, new BotSettings(gatewaySecrets),
                    options.gatewayPort(), Gateway.Settings.DEFAULT_MAX_BODY, null, Map.of(), System::currentTimeMillis));
            closeables.add(gateway);
            gateway.serveWeb(true);
            out.println("Chat with it:   open http://localhost:" + gateway.port() + "/chat/support   (the web channel; also /chat/trattoria)");
            out.println("Gateway:        http://localhost:" + gateway.port() + "/webhooks/<platform>/<botId>   (secrets of the demo:"
                    + " Telegram secret token " + DEMO_TELEGRAM_SECRET + ", Slack signing secret demo-signing-secret, WhatsApp app"
                    + " secret demo-app-secret, LINE channel secret demo-channel-secret); try:");
            out.println("  curl -i -X POST http://localhost:" + gateway.port() + "/webhooks/telegram/support -H 'X-Telegram-Bot-Api-Secret-Token: "
                    + DEMO_TELEGRAM_SECRET + "' -H 'Content-Type: application/json' -d '{\"update_id\":1,\"message\":{\"message_id\":1,"
                    + "\"from\":{\"id\":42,\"first_name\":\"You\"},\"chat\":{\"id\":42,\"type\":\"private\"},\"date\":1732181122,"
                    + "\"text\":\"where is my order?\"}}'");
            out.println("  (the answer: bin/switchboard tail --bootstrap-servers " + kafka.bootstrapServers() + ")");
            out.println("replies on " + topics.outbound("<platform>") + ", dead letters on " + topics.deadLetters()
                    + ", handoffs on " + topics.handoff() + "; Ctrl-C stops");
            out.println();

            DemoTraffic traffic = new DemoTraffic(kafka.bootstrapServers(), topics, options.rate(), options.conversations(), true);
            Thread producer = new Thread(traffic, "demo-traffic");
            producer.setDaemon(true);
            producer.start();

            // One person on two platforms: linked, one conversation, a notification where they are.
            Thread showcase = new Thread(new DemoShowcase(kafka.bootstrapServers(), topics, out), "demo-linked-person");
            showcase.setDaemon(true);
            showcase.start();

            Thread hook = new Thread(stopped::countDown, "demo-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            Thread monitor = new Thread(() -> monitor(kafka.bootstrapServers(), topics, traffic), "demo-monitor");
            monitor.setDaemon(true);
            monitor.start();

            if (options.duration() != null) {
                stopped.await(options.duration().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            } else {
                stopped.await();
            }
            traffic.stop();
            producer.join(5_000);
            stopped.countDown();
            monitor.join(5_000);
            out.println();
            out.println("stopping ...");
            flink.cancelJob(deliveryJob).get();
            flink.cancelJob(job).get();
            for (AutoCloseable c : closeables) {
                c.close();
            }
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down
            }
        }
        out.println("stopped.");
    }

    private static org.apache.flink.runtime.jobgraph.JobGraph graph(StreamExecutionEnvironment env, String name) {
        org.apache.flink.streaming.api.graph.StreamGraph g = env.getStreamGraph();
        g.setJobName(name);
        return g.getJobGraph();
    }

    private static final Pattern SEND_MS = Pattern.compile("\"sendMs\":(\\d+)");

    /** The order system's data the support bot's order-status flow reads: orders 10000 to 14999. */
    static final int ORDERS = 5_000;

    private void monitor(String bootstrap, Topics topics, DemoTraffic traffic) {
        Map<String, Object> props = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "switchboard-demo-monitor-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        long replies = 0;
        long deadLetters = 0;
        long handoffs = 0;
        long urgent = 0;
        long delivered = 0;
        long lastDelivered = 0;
        long deliveryFailed = 0;
        long lastDeliverySample = 0;
        List<Long> sendLatencies = new ArrayList<>();
        long lastPrint = System.currentTimeMillis();
        long lastSample = 0;
        long lastSent = 0;
        long lastReplies = 0;
        List<Long> latencies = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(Pattern.compile(Pattern.quote(topics.prefix()) + "(out\\..+|dlq|handoff|delivered)"));
            while (stopped.getCount() > 0) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
                long now = System.currentTimeMillis();
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    if (r.topic().equals(topics.delivered())) {
                        String outcome = new String(r.value(), StandardCharsets.UTF_8);
                        if (outcome.contains("\"status\":\"delivered\"")) {
                            delivered++;
                        } else {
                            deliveryFailed++;
                        }
                        java.util.regex.Matcher m = SEND_MS.matcher(outcome);
                        if (m.find()) {
                            sendLatencies.add(Long.parseLong(m.group(1)));
                        }
                        if (now - lastDeliverySample > 10_000) {
                            lastDeliverySample = now;
                            out.println("  delivered " + outcome);
                        }
                        continue;
                    }
                    if (r.topic().equals(topics.deadLetters())) {
                        deadLetters++;
                        if (deadLetters <= 3) {
                            out.println("  dead letter: " + KafkaClients.header(r, Headers.ERROR));
                        }
                    } else if (r.topic().equals(topics.handoff())) {
                        handoffs++;
                    } else {
                        replies++;
                        if (Headers.PRIORITY_URGENT.equals(KafkaClients.header(r, Headers.PRIORITY))) {
                            urgent++;
                        }
                        String receivedAt = KafkaClients.header(r, Headers.SOURCE_RECEIVED_AT);
                        if (receivedAt != null) {
                            latencies.add(r.timestamp() - Long.parseLong(receivedAt));
                        }
                        if (now - lastSample > 6_000) {
                            lastSample = now;
                            String body = new String(r.value(), StandardCharsets.UTF_8);
                            out.println("  sample " + r.topic() + " [" + KafkaClients.header(r, Headers.ENDPOINT) + "] " + body);
                        }
                    }
                }
                if (now - lastPrint >= 2_000) {
                    double secs = (now - lastPrint) / 1000.0;
                    long sent = traffic.sent();
                    latencies.sort(null);
                    String p50 = latencies.isEmpty() ? "-" : latencies.get(latencies.size() / 2) + " ms";
                    String p99 = latencies.isEmpty() ? "-" : latencies.get((int) (latencies.size() * 0.99)) + " ms";
                    sendLatencies.sort(null);
                    String send50 = sendLatencies.isEmpty() ? "-" : sendLatencies.get(sendLatencies.size() / 2) + " ms";
                    out.printf(Locale.ROOT, "in %,d (%.0f/s) | replies %,d (%.0f/s) | dead letters %,d | handoffs %,d | urgent %,d | latency p50 %s p99 %s"
                                    + " | delivered %,d (%.0f/s, p50 %s in delivery) | delivery failed %,d%n",
                            sent, (sent - lastSent) / secs, replies, (replies - lastReplies) / secs, deadLetters,
                            handoffs, urgent, p50, p99, delivered, (delivered - lastDelivered) / secs, send50, deliveryFailed);
                    sendLatencies.clear();
                    lastDelivered = delivered;
                    latencies.clear();
                    lastSent = sent;
                    lastReplies = replies;
                    lastPrint = now;
                }
            }
        } catch (RuntimeException e) {
            out.println("monitor stopped: " + e);
        }
    }


    /** The demo's stand-in for an LLM endpoint, on 8090 when free. */
    private static LlmFake startLlmFake() throws java.io.IOException {
        try {
            return new LlmFake(8090);
        } catch (java.net.BindException e) {
            return new LlmFake(0);
        }
    }
}
