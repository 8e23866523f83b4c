package dev.switchboard.job;

import dev.switchboard.model.Platforms;
import dev.switchboard.model.Topics;
import dev.switchboard.testkit.KafkaClients;
import dev.switchboard.testkit.KafkaProcess;
import dev.switchboard.testkit.MiniClusters;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectClusterRESTAddress;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The broker process is stopped and started again while messages flow into an exactly-once job: the
 * job rides it out (its sources retry, failed transactions make it restart from the last checkpoint),
 * and a {@code read_committed} reader sees every inbound message answered exactly once. Prints the
 * accounting.
 */
class BrokerRestartITCase {
    private static final int MESSAGES = 3000;
    private static final int CONVERSATIONS = 300;

    @RegisterExtension
    static final MiniClusterExtension FLINK = MiniClusters.twoSlots();

    @Test
    void aBrokerRestartLosesNothingAndDuplicatesNothing(@TempDir Path tmp, @InjectClusterRESTAddress URI rest) throws Exception {
        try (KafkaProcess kafka = KafkaProcess.start(tmp.resolve("kafka"))) {
            Topics topics = new Topics("restart.");
            kafka.createTopics(topics.all(Platforms.SUPPORTED), 2);
            JobConfig config = JobConfig.parse(List.of(
                    "--bootstrap-servers", kafka.bootstrapServers(), "--topic-prefix", topics.prefix(),
                    "--group-id", "restart-it", "--transactional-id-prefix", "restart-it",
                    "--delivery-guarantee", "exactly-once", "--checkpoint-interval", "500ms",
                    "--checkpoint-dir", tmp.resolve("checkpoints").toUri().toString(),
                    "--parallelism", "2", "--partition-discovery-interval", "1s"));
            Configuration job = SwitchboardJob.jobConfiguration(config);
            job.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
            job.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 100);
            job.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofSeconds(1));
            JobClient client = SwitchboardJob.build(StreamExecutionEnvironment.getExecutionEnvironment(job), config)
                    .executeAsync("switchboard-broker-restart");

            Map<String, Integer> repliesPerSource = new HashMap<>();
            int records = 0;
            String restarts;
            try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(kafka.bootstrapServers())) {
                for (int i = 0; i < MESSAGES; i++) {
                    long chat = 7_000_000 + i % CONVERSATIONS;
                    producer.send(new ProducerRecord<>(topics.inbound("telegram"),
                            Long.toString(chat).getBytes(StandardCharsets.UTF_8),
                            KafkaClients.telegramUpdate(200_000 + i, chat, "hello").getBytes(StandardCharsets.UTF_8)));
                    if (i == MESSAGES / 3) {
                        producer.flush();
                        assertThat(KafkaClients.readAtLeast(kafka.bootstrapServers(), topics.outbound("telegram"), MESSAGES / 10, Duration.ofSeconds(60)))
                            .as("replies before the restart").hasSizeGreaterThanOrEqualTo(MESSAGES / 10);
                        // The broker goes away with transactions open and records in flight, stays away
                        // for a few checkpoint intervals, and comes back on the same port and log dir.
                        kafka.stopBroker();
                        Thread.sleep(5_000);
                        kafka.startBroker();
                    }
                }
                producer.flush();

                try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(kafka.bootstrapServers(), "restart-reader", true)) {
                    consumer.subscribe(Pattern.compile(Pattern.quote(topics.outbound("telegram"))));
                    long deadline = System.currentTimeMillis() + 180_000;
                    long quietSince = System.currentTimeMillis();
                    while (System.currentTimeMillis() < deadline) {
                        var batch = consumer.poll(Duration.ofMillis(300));
                        for (ConsumerRecord<byte[], byte[]> r : batch) {
                            records++;
                            repliesPerSource.merge(KafkaClients.header(r, "source-message-id") + "@"
                                    + new String(r.key(), StandardCharsets.UTF_8), 1, Integer::sum);
                        }
                        if (!batch.isEmpty()) {
                            quietSince = System.currentTimeMillis();
                        }
                        if (repliesPerSource.size() >= MESSAGES && System.currentTimeMillis() - quietSince > 4_000) {
                            break;
                        }
                    }
                }
            } finally {
                // The failures the job went through, from its exception history.
                var history = dev.switchboard.model.Json.MAPPER.readTree(HttpClient.newHttpClient().send(
                        HttpRequest.newBuilder(rest.resolve("/jobs/" + client.getJobID() + "/exceptions")).build(),
                        HttpResponse.BodyHandlers.ofString()).body()).path("exceptionHistory").path("entries");
                List<String> failures = new java.util.ArrayList<>();
                history.forEach(e -> failures.add(e.path("exceptionName").asText()));
                restarts = failures.size() + " " + failures;
                client.cancel().get();
            }
            System.out.printf("[broker restart, exactly-once] sent %d, answered %d distinct messages, reply records %d, "
                    + "duplicates %d, lost %d; job failures %s%n", MESSAGES, repliesPerSource.size(), records,
                    records - repliesPerSource.size(), MESSAGES - repliesPerSource.size(), restarts);
            assertThat(repliesPerSource).as("every message answered").hasSize(MESSAGES);
            assertThat(repliesPerSource.values()).as("answered exactly once").containsOnly(1);
        }
    }


}
