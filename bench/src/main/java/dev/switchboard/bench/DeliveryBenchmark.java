package dev.switchboard.bench;

import dev.switchboard.job.DeliveryConfig;
import dev.switchboard.job.DeliveryJob;
import dev.switchboard.testkit.EmbeddedKafka;
import dev.switchboard.testkit.KafkaClients;
import dev.switchboard.testkit.OutboundSamples;
import dev.switchboard.testkit.PlatformApiFake;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The delivery job against the platform fake, in one run on one machine:
 *
 * <ol>
 *   <li>ceiling: the fake's own rate under a plain HTTP load (64 requests in flight, no Flink, no Kafka);
 *   <li>unlimited: a backlog of Telegram replies over many conversations, limits lifted, drained by the job:
 *       deliveries per second, and that as a share of the ceiling;
 *   <li>limited: the fake refuses more than L per second (Telegram's 429 with {@code retry_after}) and the bot's
 *       limit is set to L: the delivered rate as a share of L, and the share of requests answered 429;
 *   <li>half load: records written open-loop at half the unlimited rate: p50/p99 from the record's
 *       {@code source-received-at} to its logged acceptance ({@code endToEndMs} of {@code chat.delivered}).
 * </ol>
 *
 * Run: {@code bin/bench delivery [--records 20000] [--conversations 4000] [--limit 300] [--seconds 10]}.
 */
public final class DeliveryBenchmark {
    private static final Pattern END_TO_END = Pattern.compile("\"endToEndMs\":(\\d+)");
    private static final Pattern AT = Pattern.compile("\"at\":(\\d+)");

    public static void main(String[] args) throws Exception {
        int records = 20_000;
        int conversations = 4_000;
        int limit = 300;
        int seconds = 10;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--records" -> records = Integer.parseInt(args[i + 1]);
                case "--conversations" -> conversations = Integer.parseInt(args[i + 1]);
                case "--limit" -> limit = Integer.parseInt(args[i + 1]);
                case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
                default -> {
                    System.err.println("usage: bin/bench delivery [--records 20000] [--conversations 4000] [--limit 300] [--seconds 10]");
                    System.exit(2);
                }
            }
        }
        System.out.printf(Locale.ROOT, "# Delivery benchmark, %s, %d cores, bin/bench delivery --records %d --conversations %d --limit %d --seconds %d%n",
                LocalDate.now(), Runtime.getRuntime().availableProcessors(), records, conversations, limit, seconds);
        Path tmp = Files.createTempDirectory("switchboard-bench-delivery");
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
             PlatformApiFake fake = new PlatformApiFake(0);
             MiniCluster flink = new MiniCluster(new MiniClusterConfiguration.Builder().setConfiguration(new Configuration())
                     .setNumTaskManagers(1).setNumSlotsPerTaskManager(2).build());
             KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(kafka)) {
            flink.start();

            double ceiling = plainLoad(fake, seconds);
            System.out.printf(Locale.ROOT, "ceiling: the fake answers %,.0f sendMessage requests/s (plain HTTP load, 64 in flight)%n", ceiling);

            // Unlimited: a backlog drained.
            String free = "*.telegram.rate-per-chat=none\n*.telegram.rate-per-bot=none\n";
            JobID job = start(flink, kafka, fake, tmp, "bu.", free);
            produce(producer, "bu.", records, conversations, 0, 0);
            List<long[]> outcomes = await(kafka, "bu.", records, Duration.ofMinutes(5));
            double rate = rate(outcomes);
            flink.cancelJob(job).get();
            System.out.printf(Locale.ROOT, "unlimited: %,d records delivered at %,.0f/s = %.2f of the fake's ceiling%n",
                    records, rate, rate / ceiling);

            // Limited: the fake enforces L/s, the bot is configured to L/s.
            fake.reset();
            fake.limit("telegram", limit);
            fake.retryAfter("telegram", 1);
            int limitedRecords = limit * 20;
            job = start(flink, kafka, fake, tmp, "bl.", "*.telegram.rate-per-chat=none\n*.telegram.rate-per-bot=" + limit + "/1s\n");
            produce(producer, "bl.", limitedRecords, conversations, 0, 0);
            outcomes = await(kafka, "bl.", limitedRecords, Duration.ofMinutes(5));
            double limitedRate = rate(outcomes);
            long posts = fake.posts("telegram").size();
            long refused = fake.posts("telegram").stream().filter(p -> p.status() == 429).count();
            flink.cancelJob(job).get();
            System.out.printf(Locale.ROOT, "limited to %d/s: delivered %,.0f/s = %.2f of the allowed rate; 429 answers %d of %,d requests (%.2f %%)%n",
                    limit, limitedRate, limitedRate / limit, refused, posts, 100.0 * refused / posts);

            // Half load, open loop.
            fake.reset();
            double half = rate / 2;
            int halfRecords = (int) (half * seconds);
            job = start(flink, kafka, fake, tmp, "bh.", free);
            Thread.sleep(3000); // the job reads the topics before the clock starts
            produce(producer, "bh.", halfRecords, conversations, half, 0);
            outcomes = await(kafka, "bh.", halfRecords, Duration.ofMinutes(5));
            flink.cancelJob(job).get();
            List<Long> latencies = new ArrayList<>();
            outcomes.forEach(o -> latencies.add(o[1]));
            latencies.sort(null);
            System.out.printf(Locale.ROOT, "half load (%,.0f/s open loop, %,d records): from the record to its logged acceptance p50 %d ms, p99 %d ms%n",
                    half, halfRecords, latencies.get(latencies.size() / 2), latencies.get((int) (latencies.size() * 0.99)));
        }
    }

    /** The fake's rate with no delivery job: 64 sendMessage requests in flight from one client for {@code seconds}. */
    static double plainLoad(PlatformApiFake fake, int seconds) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        Semaphore inFlight = new Semaphore(64);
        AtomicLong done = new AtomicLong();
        URI uri = URI.create(fake.base() + "/bot" + PlatformApiFake.TELEGRAM_TOKEN + "/sendMessage");
        long start = System.nanoTime();
        long end = start + Duration.ofSeconds(seconds).toNanos();
        int i = 0;
        while (System.nanoTime() < end) {
            inFlight.acquire();
            byte[] body = ("{\"chat_id\":" + (100_000 + i++ % 5000) + ",\"text\":\"load\"}").getBytes(StandardCharsets.UTF_8);
            http.sendAsync(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.discarding())
                    .whenComplete((r, e) -> {
                        if (e == null && r.statusCode() == 200) {
                            done.incrementAndGet();
                        }
                        inFlight.release();
                    });
        }
        inFlight.acquire(64);
        double rate = done.get() / ((System.nanoTime() - start) / 1e9);
        fake.reset();
        return rate;
    }

    static JobID start(MiniCluster flink, EmbeddedKafka kafka, PlatformApiFake fake, Path tmp, String prefix, String limits)
            throws Exception {
        kafka.createTopics(List.of(prefix + "out.telegram", prefix + "delivered", prefix + "delivery.dlq"), 2);
        Path bots = Files.writeString(tmp.resolve(prefix + "bots.properties"), PlatformApiFake.botsFile("acme") + limits);
        List<String> args = new ArrayList<>(List.of("--bootstrap-servers", kafka.bootstrapServers(), "--topic-prefix", prefix,
                "--bots-file", bots.toString(), "--default-bot-id", "acme", "--parallelism", "2",
                "--checkpoint-dir", tmp.resolve(prefix + "checkpoints").toUri().toString(),
                "--api-base", "telegram=" + fake.base()));
        DeliveryConfig config = DeliveryConfig.parse(args);
        var graph = DeliveryJob.build(StreamExecutionEnvironment.getExecutionEnvironment(DeliveryJob.jobConfiguration(config)), config)
                .getStreamGraph().getJobGraph();
        return flink.submitJob(graph).get().getJobID();
    }

    /** {@code n} Telegram replies over {@code conversations}; at {@code perSecond} (0: as fast as possible). */
    static void produce(KafkaProducer<byte[], byte[]> producer, String prefix, int n, int conversations, double perSecond,
            int offset) throws InterruptedException {
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            if (perSecond > 0) {
                long due = start + (long) (i * 1e9 / perSecond);
                long now = System.nanoTime();
                if (due > now) {
                    Thread.sleep((due - now) / 1_000_000, (int) ((due - now) % 1_000_000));
                }
            }
            OutboundSamples.send(producer, List.of(OutboundSamples.records(prefix, "telegram", "acme", i % conversations, "b" + (offset + i),
                    "reply " + i).get(0)));
        }
        producer.flush();
    }

    /** Outcomes as {@code [at, endToEndMs]}, until {@code n} have come. Prints progress every 5 s. */
    static List<long[]> await(EmbeddedKafka kafka, String prefix, int n, Duration timeout) {
        List<long[]> out = new ArrayList<>();
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        long lastPrint = System.currentTimeMillis();
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(kafka, "bench-" + prefix, false)) {
            consumer.subscribe(List.of(prefix + "delivered"));
            while (out.size() < n && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    String v = new String(r.value(), StandardCharsets.UTF_8);
                    Matcher at = AT.matcher(v);
                    Matcher e2e = END_TO_END.matcher(v);
                    if (at.find() && e2e.find()) {
                        out.add(new long[] {Long.parseLong(at.group(1)), Long.parseLong(e2e.group(1))});
                    }
                }
                if (System.currentTimeMillis() - lastPrint > 5_000) {
                    lastPrint = System.currentTimeMillis();
                    System.out.printf(Locale.ROOT, "  ... %s: %,d of %,d outcomes%n", prefix, out.size(), n);
                }
            }
        }
        if (out.size() < n) {
            throw new IllegalStateException(prefix + ": only " + out.size() + " of " + n + " outcomes within " + timeout);
        }
        return out;
    }

    /** Outcomes per second between the first and the last. */
    static double rate(List<long[]> outcomes) {
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        for (long[] o : outcomes) {
            first = Math.min(first, o[0]);
            last = Math.max(last, o[0]);
        }
        return (outcomes.size() - 1) * 1000.0 / Math.max(1, last - first);
    }

    private DeliveryBenchmark() {}
}
