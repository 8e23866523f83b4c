package dev.switchboard.bench;

import dev.switchboard.gateway.Gateway;
import dev.switchboard.model.Platforms;
import dev.switchboard.model.Topics;
import dev.switchboard.normalize.BotSettings;
import dev.switchboard.testkit.EmbeddedKafka;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The gateway's rate and latency with the broker on the same machine: (1) the ceiling, the same records written
 * straight to Kafka by one idempotent {@code acks=all} producer; (2) signed WhatsApp webhooks (HMAC-SHA256 over the
 * body, as Meta signs them) as fast as {@code wrk} can send them; (3) {@code wrk} paced to about half that rate
 * (each connection pausing between requests), for the latency of a gateway that is not saturated. Needs {@code wrk}
 * (Debian's).
 * Run: {@code bin/bench gateway [--seconds 20] [--connections 128]}.
 */
public final class GatewayBenchmark {
    private static final String SECRET = "bench-app-secret";

    public static void main(String[] args) throws Exception {
        int seconds = 20;
        int connections = 128;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
                case "--connections" -> connections = Integer.parseInt(args[i + 1]);
                default -> {
                    System.err.println("usage: bin/bench gateway [--seconds 20] [--connections 128]");
                    System.exit(2);
                }
            }
        }
        String command = "bin/bench gateway " + String.join(" ", args);
        byte[] body = Files.readAllBytes(Path.of("operators/src/test/resources/payloads/whatsapp/text_dashboard_sample.json"));
        String signature = "sha256=" + HexFormat.of().formatHex(hmac(body));
        Topics topics = Topics.withDefaultPrefix();
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopics(topics.all(Platforms.SUPPORTED), 2);
            double ceiling = producerCeiling(kafka.bootstrapServers(), topics, body, seconds);
            System.out.printf(Locale.ROOT, "ceiling: one producer, acks=all, idempotent: %,.0f records/s%n", ceiling);
            try (Gateway gateway = Gateway.start(new Gateway.Settings(kafka.bootstrapServers(), topics,
                    new BotSettings(Map.of("bench.whatsapp.app-secret", SECRET)), 0, Gateway.Settings.DEFAULT_MAX_BODY, null,
                    Map.of(), System::currentTimeMillis))) {
                String url = "http://127.0.0.1:" + gateway.port() + "/webhooks/whatsapp/bench";
                // A short warm-up, then the measured run.
                wrk(url, body, signature, 5, connections);
                WrkResult closed = wrk(url, body, signature, seconds, connections);
                System.out.printf(Locale.ROOT, "wrk, %d connections, %d s: %,.0f webhooks/s, p50 %s, p99 %s, non-2xx %d%n", connections, seconds,
                        closed.rate, closed.p50, closed.p99, closed.errors);
                double half = closed.rate / 2;
                // At half the rate: wrk again, each connection pausing between its requests so that all of them
                // together send about that rate (wrk's delay()); the gateway is not saturated, so the pause does
                // not hide its latency.
                WrkResult paced = wrk(url, body, signature, seconds, connections, connections * 1000.0 / half);
                System.out.println();
                System.out.println("=== " + command + " ===");
                System.out.printf(Locale.ROOT, "Kafka ceiling (one producer, same records, 128 in flight): %,.0f records/s%n", ceiling);
                System.out.printf(Locale.ROOT, "gateway, signed WhatsApp webhooks, as fast as wrk sends (%d connections): %,.0f/s"
                        + " (%.2f of the ceiling); p50 %s, p99 %s; non-2xx %d%n", connections, closed.rate, closed.rate / ceiling,
                        closed.p50, closed.p99, closed.errors);
                System.out.printf(Locale.ROOT, "paced at about half (%,.0f/s asked): %,.0f/s, p50 %s, p99 %s; non-2xx %d%n", half,
                        paced.rate, paced.p50, paced.p99, paced.errors);
            }
        }
        System.exit(0);
    }

    private static byte[] hmac(byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return mac.doFinal(body);
    }

    private static double producerCeiling(String bootstrap, Topics topics, byte[] body, int seconds) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.LINGER_MS_CONFIG, 1,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            // The topic's leader known and the producer's id assigned before the clock starts.
            for (int i = 0; i < 1_000; i++) {
                producer.send(new ProducerRecord<>(topics.inbound("whatsapp"), body)).get();
            }
            Semaphore inFlight = new Semaphore(128); // as many outstanding as wrk's connections
            AtomicLong acked = new AtomicLong();
            long end = System.nanoTime() + seconds * 1_000_000_000L;
            long start = System.nanoTime();
            while (System.nanoTime() < end) {
                inFlight.acquire();
                producer.send(new ProducerRecord<>(topics.inbound("whatsapp"), "16315551181".getBytes(StandardCharsets.UTF_8), body),
                        (m, e) -> {
                            acked.incrementAndGet();
                            inFlight.release();
                        });
            }
            producer.flush();
            return acked.get() / ((System.nanoTime() - start) / 1e9);
        }
    }

    private record WrkResult(double rate, String p50, String p99, long errors) {}

    private static WrkResult wrk(String url, byte[] body, String signature, int seconds, int connections) throws Exception {
        return wrk(url, body, signature, seconds, connections, 0);
    }

    /** @param delayMs each connection's pause between its requests (0: none) */
    private static WrkResult wrk(String url, byte[] body, String signature, int seconds, int connections, double delayMs)
            throws Exception {
        Path script = Files.createTempFile("gateway-bench", ".lua");
        Path payload = Files.createTempFile("gateway-bench", ".json");
        Files.write(payload, body);
        Files.writeString(script, String.join("\n",
                "local f = io.open('" + payload + "', 'rb')",
                "wrk.body = f:read('*a')",
                "f:close()",
                "wrk.method = 'POST'",
                "wrk.headers['Content-Type'] = 'application/json'",
                "wrk.headers['X-Hub-Signature-256'] = '" + signature + "'",
                delayMs > 0 ? "function delay() return " + Math.round(delayMs) + " end" : "",
                "function done(summary, latency, requests)",
                "  io.write(string.format('non2xx %d\\n', summary.errors.status))",
                "end", ""));
        Process p = new ProcessBuilder("wrk", "-t2", "-c" + connections, "-d" + seconds + "s", "--latency", "-s", script.toString(), url)
                .redirectErrorStream(true).start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                lines.add(line);
            }
        }
        p.waitFor();
        String out = String.join("\n", lines);
        Matcher rate = Pattern.compile("Requests/sec:\\s+([\\d.]+)").matcher(out);
        Matcher p50 = Pattern.compile("(?m)^\\s+50%\\s+([\\d.]+\\w+)").matcher(out);
        Matcher p99 = Pattern.compile("(?m)^\\s+99%\\s+([\\d.]+\\w+)").matcher(out);
        Matcher errors = Pattern.compile("non2xx (\\d+)").matcher(out);
        if (!rate.find()) {
            throw new IllegalStateException("wrk printed no rate:\n" + out);
        }
        return new WrkResult(Double.parseDouble(rate.group(1)), p50.find() ? p50.group(1) : "?", p99.find() ? p99.group(1) : "?",
                errors.find() ? Long.parseLong(errors.group(1)) : -1);
    }

}
