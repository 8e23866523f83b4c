package dev.switchboard.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.testkit.EmbeddedKafka;
import dev.switchboard.testkit.KafkaClients;
import dev.switchboard.testkit.OutboundSamples;
import dev.switchboard.testkit.PlatformApiFake;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A slow platform: the send task's in-flight queue fills, the source task reports backpressure and the send task
 * busy time in Flink's own metrics (as the web UI shows them), and every record is still delivered once.
 */
class DeliveryBackpressureITCase {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int RECORDS = 600;

    @Test
    void aSlowPlatformShowsAsBackpressureNotAsLoss(@TempDir Path tmp) throws Exception {
        Configuration cluster = new Configuration();
        cluster.set(RestOptions.PORT, 0);
        // The REST API's metrics are refreshed every 10 s by default: too slow to watch a run of seconds.
        cluster.set(MetricOptions.METRIC_FETCHER_UPDATE_INTERVAL, Duration.ofMillis(200));
        // Small network buffers, so that a few hundred small records fill them.
        cluster.set(TaskManagerOptions.MEMORY_SEGMENT_SIZE, MemorySize.parse("4kb"));
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
             PlatformApiFake fake = new PlatformApiFake(0);
             MiniCluster flink = new MiniCluster(new MiniClusterConfiguration.Builder().setConfiguration(cluster)
                     .setNumTaskManagers(1).setNumSlotsPerTaskManager(1).build());
             KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(kafka)) {
            flink.start();
            String prefix = "bp.";
            kafka.createTopics(List.of(prefix + "out.telegram", prefix + "delivered", prefix + "delivery.dlq"), 1);
            Path bots = Files.writeString(tmp.resolve("bots.properties"), PlatformApiFake.botsFile("acme")
                    + "*.telegram.rate-per-chat=none\n*.telegram.rate-per-bot=none\n");
            fake.latency(50);
            DeliveryConfig config = DeliveryConfig.parse(List.of("--bootstrap-servers", kafka.bootstrapServers(),
                    "--topic-prefix", prefix, "--bots-file", bots.toString(), "--default-bot-id", "acme",
                    "--parallelism", "1", "--capacity", "4", "--checkpoint-interval", "1h",
                    "--checkpoint-dir", tmp.resolve("checkpoints").toUri().toString(),
                    "--api-base", "telegram=" + fake.base()));
            JobID id = flink.submitJob(DeliveryJob.build(StreamExecutionEnvironment.getExecutionEnvironment(
                    DeliveryJob.jobConfiguration(config)), config).getStreamGraph().getJobGraph()).get().getJobID();
            for (int i = 0; i < RECORDS; i++) {
                OutboundSamples.send(producer, List.of(OutboundSamples.records(prefix, "telegram", "acme", i, "s" + i,
                        "a slow platform " + i + " " + "x".repeat(200)).get(0)));
            }
            producer.flush();

            String rest = flink.getRestAddress().get().toString();
            HttpClient http = HttpClient.newHttpClient();
            String source = null;
            String send = null;
            double maxBackpressured = 0;
            double maxBusy = 0;
            int busySamples = 0;
            long deadline = System.currentTimeMillis() + 120_000;
            while (fake.accepted().size() < RECORDS && System.currentTimeMillis() < deadline) {
                if (source == null) {
                    for (JsonNode v : get(http, rest + "/jobs/" + id).path("vertices")) {
                        if (v.path("name").asText().startsWith("Source")) {
                            source = v.path("id").asText();
                        } else if (v.path("name").asText().contains("send")) {
                            send = v.path("id").asText();
                        }
                    }
                }
                if (source != null && send != null) {
                    double backpressured = metric(http, rest, id, source, "backPressuredTimeMsPerSecond");
                    if (!Double.isNaN(backpressured)) {
                        maxBackpressured = Math.max(maxBackpressured, backpressured);
                    }
                    // Flink reports busy time as NaN while it cannot tell (a task blocked in its mailbox): not a value.
                    double busy = metric(http, rest, id, send, "busyTimeMsPerSecond");
                    if (!Double.isNaN(busy)) {
                        maxBusy = Math.max(maxBusy, busy);
                        busySamples++;
                    }
                }
                Thread.sleep(250);
            }
            System.out.printf("[backpressure] source backpressured up to %.0f ms/s, send busy up to %.0f ms/s (%d readings), %d delivered%n",
                    maxBackpressured, maxBusy, busySamples, fake.accepted().size());
            assertThat(fake.accepted()).hasSize(RECORDS);
            assertThat(fake.postsPerBody().values()).allMatch(n -> n == 1);
            assertThat(maxBackpressured).as("the source task waits for the slow send task").isGreaterThan(100);
            if (busySamples > 0) {
                assertThat(maxBusy).as("the send task, its in-flight queue full, is busy").isGreaterThan(100);
            }
            flink.cancelJob(id).get();
        }
    }

    private static JsonNode get(HttpClient http, String url) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body());
    }

    /** The largest value of a task metric over the vertex's subtasks (0 while not yet reported). */
    private static double metric(HttpClient http, String rest, JobID id, String vertex, String name) throws Exception {
        JsonNode n = get(http, rest + "/jobs/" + id + "/vertices/" + vertex + "/subtasks/metrics?get=" + name + "&agg=max");
        for (JsonNode m : n) {
            if (m.path("id").asText().equals(name) && m.has("max")) {
                return m.path("max").asDouble();
            }
        }
        return 0;
    }
}
