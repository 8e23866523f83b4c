package dev.switchboard.job;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.model.Json;
import dev.switchboard.model.Platforms;
import dev.switchboard.model.Topics;
import dev.switchboard.testkit.EmbeddedKafka;
import dev.switchboard.testkit.KafkaClients;
import dev.switchboard.testkit.MiniClusters;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The job on a mini-cluster with Flink's Prometheus reporter: a known mix of traffic (answerable
 * messages, a redelivery, an edit, a malformed payload) goes through, the reporter's endpoint is
 * scraped, and Switchboard's own metrics are there with the values that traffic implies. Every metric
 * the Grafana dashboard queries must be among them.
 */
class MetricsITCase {
    private static final int PORT_FROM = 19249;
    private static final int PORT_TO = 19269;
    private static final String PREFIX = "flink_taskmanager_job_task_operator_switchboard_";
    private static final int MESSAGES = 20;

    @RegisterExtension
    static final MiniClusterExtension FLINK = MiniClusters.twoSlots(reporter());

    private static Configuration reporter() {
        Configuration c = new Configuration();
        c.setString("metrics.reporters", "prom");
        c.setString("metrics.reporter.prom.factory.class", "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
        c.setString("metrics.reporter.prom.port", PORT_FROM + "-" + PORT_TO);
        return c;
    }

    private static String message(long id, long chat, String text, boolean edited) {
        return "{\"update_id\":" + id + ",\"" + (edited ? "edited_message" : "message") + "\":{\"message_id\":" + id
                + ",\"from\":{\"id\":" + chat + ",\"is_bot\":false,\"first_name\":\"Ana\"},\"chat\":{\"id\":" + chat
                + ",\"type\":\"private\"},\"date\":1732181122," + (edited ? "\"edit_date\":1732181130," : "")
                + "\"text\":\"" + text + "\"}}";
    }

    /** One sample of the exposition format: name, labels, value. */
    record Sample(String name, Map<String, String> labels, double value) {}

    @Test
    void customMetricsReachPrometheusWithTheValuesTheTrafficImplies(@TempDir Path tmp) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
             KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(kafka)) {
            Topics topics = new Topics("metrics.");
            kafka.createTopics(topics.all(Platforms.SUPPORTED), 2);
            JobConfig config = JobConfig.parse(List.of("--bootstrap-servers", kafka.bootstrapServers(),
                    "--topic-prefix", topics.prefix(), "--checkpoint-interval", "1s",
                    "--checkpoint-dir", tmp.toUri().toString(), "--parallelism", "2", "--partition-discovery-interval", "1s"));
            JobClient job = SwitchboardJob.build(StreamExecutionEnvironment.getExecutionEnvironment(
                    SwitchboardJob.jobConfiguration(config)), config).executeAsync("switchboard-metrics");
            try {
                String topic = topics.inbound("telegram");
                for (int i = 0; i < MESSAGES; i++) {
                    long chat = 4_000_000 + i;
                    producer.send(new ProducerRecord<>(topic, Long.toString(chat).getBytes(StandardCharsets.UTF_8),
                            message(500 + i, chat, "where is my order?", false).getBytes(StandardCharsets.UTF_8)));
                }
                // A redelivery of the first update, an edit, and a payload that is not JSON.
                producer.send(new ProducerRecord<>(topic, "4000000".getBytes(StandardCharsets.UTF_8),
                        message(500, 4_000_000, "where is my order?", false).getBytes(StandardCharsets.UTF_8)));
                producer.send(new ProducerRecord<>(topic, "4000001".getBytes(StandardCharsets.UTF_8),
                        message(501, 4_000_001, "where is my parcel?", true).getBytes(StandardCharsets.UTF_8)));
                producer.send(new ProducerRecord<>(topic, "x".getBytes(StandardCharsets.UTF_8),
                        "{\"update_id\": 9, \"message\": ".getBytes(StandardCharsets.UTF_8)));
                producer.flush();

                List<Sample> samples = List.of();
                long deadline = System.currentTimeMillis() + 90_000;
                while (System.currentTimeMillis() < deadline) {
                    samples = scrape(PORT_FROM, PORT_TO);
                    if (sum(samples, "replied", Map.of("platform", "telegram")) >= MESSAGES
                            && !find(samples, "lastCheckpointDuration", Map.of()).isEmpty()
                            && sum(samples, "deadLettered", Map.of("platform", "telegram")) >= 1
                            && sum(samples, "duplicates", Map.of("platform", "telegram")) >= 1) {
                        break;
                    }
                    Thread.sleep(500);
                }
                Map<String, String> telegram = Map.of("platform", "telegram");
                assertThat(sum(samples, "recordsIn", telegram)).isEqualTo(MESSAGES + 3);
                assertThat(sum(samples, "messagesIn", telegram)).isEqualTo(MESSAGES + 1);
                assertThat(sum(samples, "replied", telegram)).isEqualTo(MESSAGES);
                assertThat(sum(samples, "duplicates", telegram)).isEqualTo(1);
                assertThat(sum(samples, "edits", telegram)).isEqualTo(1);
                assertThat(sum(samples, "deadLettered", telegram)).isEqualTo(1);
                List<Sample> byReason = find(samples, "deadLetteredByReason", telegram);
                assertThat(byReason).as("dead letters by reason").hasSize(1);
                assertThat(byReason.get(0).labels()).containsKey("reason");
                assertThat(byReason.get(0).value()).isEqualTo(1);
                assertThat(sum(samples, "sessionsStarted", Map.of())).isEqualTo(MESSAGES);
                // Per bot: the same counts under a bot label.
                assertThat(sum(samples, "botMessages", Map.of("bot", "support"))).isEqualTo(MESSAGES);
                assertThat(sum(samples, "botReplies", Map.of("bot", "support"))).isEqualTo(MESSAGES);

                // Histograms are summaries: quantiles and a count.
                assertThat(sum(samples, "endToEndLatencyMillis_count", telegram)).isEqualTo(MESSAGES);
                double p99 = sum(samples, "endToEndLatencyMillis", Map.of("platform", "telegram", "quantile", "0.99"));
                assertThat(p99).as("end-to-end p99 ms").isPositive().isLessThan(60_000);
                assertThat(sum(samples, "inferenceBatchSize_count", Map.of())).isPositive();
                assertThat(max(samples, "inferenceBatchSize", Map.of("quantile", "0.5"))).isBetween(1.0, 64.0);
                assertThat(max(samples, "inferenceLatencyMicros", Map.of("quantile", "0.5"))).isPositive();
                assertThat(find(samples, "inferenceQueueWaitMicros", Map.of("quantile", "0.5"))).isNotEmpty();
                assertThat(find(samples, "inferenceOnGpu", Map.of())).isNotEmpty().allSatisfy(s -> assertThat(s.value()).isZero());
                assertThat(find(samples, "sessionsStartedPerSecond", Map.of())).isNotEmpty();
                assertThat(find(samples, "sessionsExpiredPerSecond", Map.of())).isNotEmpty();

                // The dashboard queries only metrics that exist.
                Set<String> exported = new TreeSet<>();
                samples.forEach(s -> exported.add(s.name()));
                System.out.println("Switchboard metrics exported: " + exported.stream().filter(n -> n.startsWith(PREFIX)).toList());
                Set<String> queried = dashboardMetrics("grafana-dashboard.json");
                assertThat(queried).isNotEmpty();
                assertThat(exported).as("metrics the Grafana dashboard queries").containsAll(queried);
            } finally {
                job.cancel().get();
            }
        }
    }

    /** The metric names in a dashboard's queries (Switchboard's and Flink's own). */
    static Set<String> dashboardMetrics(String file) throws IOException {
        JsonNode dashboard = Json.MAPPER.readTree(Path.of("").toAbsolutePath().getParent()
                .resolve("k8s-operator-manifests/monitoring/" + file).toFile());
        Set<String> names = new TreeSet<>();
        Pattern metric = Pattern.compile("\\b(flink_[a-zA-Z0-9_]+)");
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                Matcher m = metric.matcher(target.path("expr").asText());
                while (m.find()) {
                    String name = m.group(1);
                    names.add(name);
                }
            }
        }
        return names;
    }

    /** Every {@code flink_} sample the Prometheus reporters on ports {@code from} to {@code to} export. */
    static List<Sample> scrape(int from, int to) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
        List<Sample> samples = new ArrayList<>();
        Pattern line = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})? (\\S+)$");
        Pattern label = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");
        for (int port = from; port <= to; port++) {
            String body;
            try {
                body = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
            } catch (IOException notThere) {
                continue;
            }
            for (String l : body.split("\n")) {
                Matcher m = line.matcher(l);
                if (l.startsWith("#") || !m.matches() || !m.group(1).startsWith("flink_")) {
                    continue;
                }
                Map<String, String> labels = new TreeMap<>();
                if (m.group(3) != null) {
                    Matcher lm = label.matcher(m.group(3));
                    while (lm.find()) {
                        labels.put(lm.group(1), lm.group(2));
                    }
                }
                samples.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(4))));
            }
        }
        return samples;
    }

    /** Samples of a metric whose name ends with {@code suffix} and whose labels include {@code labels}. */
    static List<Sample> find(List<Sample> samples, String suffix, Map<String, String> labels) {
        return samples.stream()
                .filter(s -> s.name().endsWith("_" + suffix))
                .filter(s -> s.labels().entrySet().containsAll(labels.entrySet()))
                .toList();
    }

    static double sum(List<Sample> samples, String suffix, Map<String, String> labels) {
        return find(samples, suffix, labels).stream().mapToDouble(Sample::value).sum();
    }

    private static double max(List<Sample> samples, String suffix, Map<String, String> labels) {
        return find(samples, suffix, labels).stream().mapToDouble(Sample::value).max().orElse(Double.NaN);
    }
}
