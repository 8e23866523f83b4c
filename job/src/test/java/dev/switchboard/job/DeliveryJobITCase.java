package dev.switchboard.job;

import dev.switchboard.model.InboundRecord;
import dev.switchboard.testkit.EmbeddedKafka;
import dev.switchboard.testkit.KafkaClients;
import dev.switchboard.testkit.OutboundSamples;
import dev.switchboard.testkit.PlatformApiFake;
import dev.switchboard.testkit.PlatformApiFake.Trouble;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The delivery job on a mini-cluster against a real broker and the platform fakes: every platform's replies
 * delivered once and in order per conversation, through a TaskManager failure after which the whole input since
 * the checkpoint is read again (the delivery log keeps it from being sent twice), with errors on the way.
 */
class DeliveryJobITCase {
    private static final int CONVERSATIONS = 6;
    private static final int MESSAGES = 4;
    private static final Pattern TEXT = Pattern.compile("c(\\d+) m(\\d+)");

    @Test
    void deliversOnceAndInOrderThroughATaskManagerFailure(@TempDir Path tmp) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
             PlatformApiFake fake = new PlatformApiFake(0);
             MiniCluster flink = new MiniCluster(new MiniClusterConfiguration.Builder()
                     .setConfiguration(new Configuration()).setNumTaskManagers(2).setNumSlotsPerTaskManager(2).build());
             KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(kafka)) {
            flink.start();
            String prefix = "dj.";
            List<String> topics = new ArrayList<>();
            OutboundSamples.PLATFORMS.forEach(p -> topics.add(prefix + "out." + p));
            topics.add(prefix + "delivered");
            topics.add(prefix + "delivery.dlq");
            kafka.createTopics(topics, 2);
            Path bots = tmp.resolve("bots.properties");
            // The fake's credentials; WhatsApp's pair limit (1 per 6 s per user) lifted to keep the test short.
            Files.writeString(bots, PlatformApiFake.botsFile("acme") + "*.whatsapp.rate-per-chat=none\n");
            List<String> args = new ArrayList<>(List.of("--bootstrap-servers", kafka.bootstrapServers(),
                    "--topic-prefix", prefix, "--bots-file", bots.toString(), "--default-bot-id", "acme",
                    "--parallelism", "2", "--checkpoint-interval", "1h", "--partition-discovery-interval", "1s",
                    "--checkpoint-dir", tmp.resolve("checkpoints").toUri().toString(),
                    "--backoff-initial", "50ms", "--backoff-max", "200ms", "--rate-limit-fallback", "200ms"));
            fake.apiBases().forEach((p, url) -> args.addAll(List.of("--api-base", p + "=" + url)));
            DeliveryConfig config = DeliveryConfig.parse(args);
            Configuration job = DeliveryJob.jobConfiguration(config);
            job.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
            job.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 20);
            job.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(500));
            JobGraph graph = DeliveryJob.build(StreamExecutionEnvironment.getExecutionEnvironment(job), config)
                    .getStreamGraph().getJobGraph();
            JobID id = flink.submitJob(graph).get().getJobID();
            waitFor(() -> flink.getJobStatus(id).join().name().equals("RUNNING"), Duration.ofSeconds(60), "job running");
            // The only checkpoint (once all tasks run): everything after it is read again after the failure.
            for (int attempt = 1; ; attempt++) {
                try {
                    flink.triggerCheckpoint(id).get();
                    break;
                } catch (java.util.concurrent.ExecutionException e) {
                    assertThat(attempt).as("checkpoint: " + e.getCause()).isLessThan(100);
                    Thread.sleep(200);
                }
            }

            // First half, with a 5xx, a rate limit and a permanent error on the way.
            fake.script("slack", Trouble.SERVER_ERROR);
            fake.script("telegram", Trouble.RATE_LIMITED);
            fake.script("feishu", Trouble.TOKEN_EXPIRED);
            int expected = produce(producer, prefix, 0, MESSAGES / 2);
            waitFor(() -> fake.accepted().size() >= expected, Duration.ofSeconds(90), "first half delivered");
            Thread.sleep(1500); // outcomes logged, nothing in flight
            int postsBefore = fake.posts().size();

            // Both TaskManagers die (whichever runs the tasks); fresh ones take their place.
            flink.terminateTaskManager(1).get();
            flink.terminateTaskManager(0).get();
            flink.startTaskManager();
            flink.startTaskManager();
            fake.script("discord", Trouble.PERMANENT);
            int total = expected + produce(producer, prefix, MESSAGES / 2, MESSAGES);
            waitFor(() -> fake.accepted().size() >= total - 1, Duration.ofSeconds(120), "second half delivered");
            Thread.sleep(3000); // anything sent twice would show by now

            assertThat(flink.getArchivedExecutionGraph(id).get().getCheckpointStatsSnapshot().getLatestRestoredCheckpoint())
                    .as("restored from the checkpoint taken before any traffic").isNotNull();
            System.out.printf("[delivery] %d records, %d posts before the failure, %d after it%n", total, postsBefore,
                    fake.posts().size() - postsBefore);
            // Once: no body made two messages, and none was even posted twice apart from the scripted troubles.
            Map<String, Long> perBody = fake.postsPerBody();
            assertThat(fake.accepted()).hasSize(total - 1);
            long extraPosts = perBody.values().stream().mapToLong(n -> n - 1).sum();
            assertThat(extraPosts).as("posts beyond one per body: the scripted 5xx, 429 and expired token only").isEqualTo(3);
            assertThat(fake.posts().size() - postsBefore).as("posts after the failure: the second half only")
                    .isEqualTo(total - expected);

            // In order per conversation.
            Map<String, List<Integer>> order = new LinkedHashMap<>();
            for (PlatformApiFake.Post p : fake.accepted()) {
                Matcher m = TEXT.matcher(p.body());
                assertThat(m.find()).isTrue();
                order.computeIfAbsent(p.platform() + " c" + m.group(1), k -> new ArrayList<>()).add(Integer.parseInt(m.group(2)));
            }
            order.forEach((conversation, seq) -> assertThat(seq).as(conversation).isSorted());

            // Outcomes on chat.delivered; the permanent error also on chat.delivery.dlq.
            List<ConsumerRecord<byte[], byte[]>> delivered = KafkaClients.readAtLeast(kafka.bootstrapServers(),
                    prefix + "delivered", total, Duration.ofSeconds(30));
            assertThat(delivered).hasSize(total);
            assertThat(delivered).filteredOn(r -> new String(r.value(), StandardCharsets.UTF_8).contains("\"status\":\"failed\""))
                    .hasSize(1);
            List<ConsumerRecord<byte[], byte[]>> dlq = KafkaClients.readAtLeast(kafka.bootstrapServers(),
                    prefix + "delivery.dlq", 1, Duration.ofSeconds(30));
            assertThat(dlq).hasSize(1);
            assertThat(KafkaClients.header(dlq.get(0), "error-class")).isEqualTo("permanent");
            assertThat(KafkaClients.header(dlq.get(0), "http-status")).isEqualTo("403");
            assertThat(KafkaClients.header(dlq.get(0), "error")).contains("Missing Access");
            assertThat(KafkaClients.header(dlq.get(0), "source-topic")).isEqualTo(prefix + "out.discord");
            flink.cancelJob(id).get();
        }
    }

    /** Messages {@code from} to {@code to} (exclusive) of every conversation on every platform; returns how many records. */
    private static int produce(KafkaProducer<byte[], byte[]> producer, String prefix, int from, int to) {
        int n = 0;
        for (int m = from; m < to; m++) {
            for (String platform : OutboundSamples.PLATFORMS) {
                for (int c = 0; c < CONVERSATIONS; c++) {
                    List<InboundRecord> rs = OutboundSamples.records(prefix, platform, "acme", c, "src-" + c + "-" + m,
                            "c" + c + " m" + m);
                    OutboundSamples.send(producer, rs);
                    n += rs.size();
                }
            }
        }
        producer.flush();
        return n;
    }

    static void waitFor(BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
            Thread.sleep(100);
        }
    }
}
