package dev.switchboard.job;

import dev.switchboard.testkit.EmbeddedKafka;
import dev.switchboard.testkit.KafkaClients;
import dev.switchboard.testkit.OutboundSamples;
import dev.switchboard.testkit.PlatformApiFake;
import dev.switchboard.testkit.PlatformApiFake.Trouble;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The delivery job with Flink's Prometheus reporter: a known mix (deliveries on two platforms, a rate limit, a 5xx,
 * a permanent error), the endpoint scraped, the values checked, and every metric the delivery dashboard queries
 * found among those exported.
 */
class DeliveryMetricsITCase {
    private static final int PORT_FROM = 19270;
    private static final int PORT_TO = 19289;
    private static final String PREFIX = "flink_taskmanager_job_task_operator_switchboard_";

    @Test
    void theDeliveryJobExportsWhatItsDashboardShows(@TempDir Path tmp) throws Exception {
        Configuration cluster = new Configuration();
        cluster.setString("metrics.reporters", "prom");
        cluster.setString("metrics.reporter.prom.factory.class", "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
        cluster.setString("metrics.reporter.prom.port", PORT_FROM + "-" + PORT_TO);
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
             PlatformApiFake fake = new PlatformApiFake(0);
             MiniCluster flink = new MiniCluster(new MiniClusterConfiguration.Builder().setConfiguration(cluster)
                     .setNumTaskManagers(1).setNumSlotsPerTaskManager(1).build());
             KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(kafka)) {
            flink.start();
            String prefix = "dm.";
            kafka.createTopics(List.of(prefix + "out.telegram", prefix + "out.slack", prefix + "delivered", prefix + "delivery.dlq"), 1);
            Path bots = Files.writeString(tmp.resolve("bots.properties"), PlatformApiFake.botsFile("acme"));
            List<String> args = new ArrayList<>(List.of("--bootstrap-servers", kafka.bootstrapServers(), "--topic-prefix", prefix,
                    "--bots-file", bots.toString(), "--default-bot-id", "acme", "--parallelism", "1",
                    "--backoff-initial", "50ms", "--rate-limit-fallback", "100ms",
                    "--checkpoint-dir", tmp.resolve("checkpoints").toUri().toString()));
            fake.apiBases().forEach((p, url) -> args.addAll(List.of("--api-base", p + "=" + url)));
            DeliveryConfig config = DeliveryConfig.parse(args);
            var graph = DeliveryJob.build(StreamExecutionEnvironment.getExecutionEnvironment(DeliveryJob.jobConfiguration(config)), config)
                    .getStreamGraph().getJobGraph();
            var id = flink.submitJob(graph).get().getJobID();
            fake.script("telegram", Trouble.SERVER_ERROR);
            fake.script("slack", Trouble.RATE_LIMITED, Trouble.PERMANENT);
            for (String platform : List.of("telegram", "slack")) {
                for (int c = 0; c < 5; c++) {
                    OutboundSamples.send(producer, List.of(OutboundSamples.records(prefix, platform, "acme", c, "m" + c, "hello " + c).get(0)));
                }
            }
            producer.flush();

            List<MetricsITCase.Sample> samples = List.of();
            long deadline = System.currentTimeMillis() + 90_000;
            while (System.currentTimeMillis() < deadline) {
                samples = MetricsITCase.scrape(PORT_FROM, PORT_TO);
                if (MetricsITCase.sum(samples, "platform_deliveriesSent", Map.of()) >= 9
                        && MetricsITCase.sum(samples, "platform_reason_deliveriesDeadLettered", Map.of()) >= 1) {
                    break;
                }
                Thread.sleep(500);
            }
            assertThat(MetricsITCase.sum(samples, "platform_deliveriesSent", Map.of("platform", "telegram"))).isEqualTo(5);
            assertThat(MetricsITCase.sum(samples, "platform_deliveriesSent", Map.of("platform", "slack"))).isEqualTo(4);
            assertThat(MetricsITCase.sum(samples, "platform_deliveriesRetried", Map.of("platform", "telegram"))).isEqualTo(1);
            assertThat(MetricsITCase.sum(samples, "platform_deliveriesRateLimited", Map.of("platform", "slack"))).isEqualTo(1);
            assertThat(MetricsITCase.sum(samples, "platform_reason_deliveriesDeadLettered",
                    Map.of("platform", "slack", "reason", "permanent"))).isEqualTo(1);
            assertThat(MetricsITCase.find(samples, "platform_sendLatencyMs", Map.of("platform", "telegram", "quantile", "0.99"))).isNotEmpty();
            assertThat(MetricsITCase.find(samples, "host_circuitState", Map.of())).isNotEmpty()
                    .allMatch(s -> s.value() == 0);

            Set<String> exported = new TreeSet<>();
            samples.forEach(s -> exported.add(s.name()));
            System.out.println("Delivery metrics exported: " + exported.stream().filter(n -> n.startsWith(PREFIX)).toList());
            Set<String> queried = MetricsITCase.dashboardMetrics("grafana-delivery-dashboard.json");
            assertThat(queried).isNotEmpty();
            assertThat(exported).as("metrics the delivery dashboard queries").containsAll(queried);
            flink.cancelJob(id).get();
        }
    }
}
