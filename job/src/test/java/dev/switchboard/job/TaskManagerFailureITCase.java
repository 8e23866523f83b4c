package dev.switchboard.job;

import dev.switchboard.model.Platforms;
import dev.switchboard.model.Topics;
import dev.switchboard.testkit.EmbeddedKafka;
import dev.switchboard.testkit.KafkaClients;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A TaskManager dies while thousands of messages flow. Exactly-once: a {@code read_committed} reader
 * sees every inbound message answered exactly once. At-least-once: every message answered, and any
 * duplicate carries the same {@code idempotency-key}, so a delivery service can drop it. Prints the
 * accounting.
 */
class TaskManagerFailureITCase {
    private static final int MESSAGES = 2000;
    private static final int CONVERSATIONS = 200;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"exactly-once", "at-least-once"})
    void noMessageIsLostAndDuplicatesAreRecognizable(String guarantee, @TempDir Path tmp) throws Exception {
        Configuration cluster = new Configuration();
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
             MiniCluster flink = new MiniCluster(new MiniClusterConfiguration.Builder()
                     .setConfiguration(cluster).setNumTaskManagers(2).setNumSlotsPerTaskManager(2).build());
             KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(kafka)) {
            flink.start();
            Topics topics = new Topics("tm." + guarantee.replace("-", "") + ".");
            kafka.createTopics(topics.all(Platforms.SUPPORTED), 2);
            JobConfig config = JobConfig.parse(List.of(
                    "--bootstrap-servers", kafka.bootstrapServers(), "--topic-prefix", topics.prefix(),
                    "--group-id", "tm-" + guarantee, "--transactional-id-prefix", "tm-" + guarantee,
                    "--delivery-guarantee", guarantee, "--checkpoint-interval", "500ms",
                    "--checkpoint-dir", tmp.resolve("checkpoints").toUri().toString(),
                    "--parallelism", "2", "--partition-discovery-interval", "1s"));
            Configuration job = SwitchboardJob.jobConfiguration(config);
            job.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
            job.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 20);
            job.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(500));
            JobGraph graph = SwitchboardJob.build(StreamExecutionEnvironment.getExecutionEnvironment(job), config)
                    .getStreamGraph().getJobGraph();
            flink.submitJob(graph).get();

            // Every send is checked: the test's own producer can fail a batch on a loaded 2-core broker
            // (OutOfOrderSequence after a delivery timeout); a webhook receiver would retry, and so does the test.
            List<ProducerRecord<byte[], byte[]>> sent = new ArrayList<>();
            List<Future<RecordMetadata>> acks = new ArrayList<>();
            for (int i = 0; i < MESSAGES; i++) {
                long chat = 9_000_000 + i % CONVERSATIONS;
                ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topics.inbound("telegram"),
                        Long.toString(chat).getBytes(StandardCharsets.UTF_8), KafkaClients.telegramUpdate(100_000 + i, chat, "hello").getBytes(StandardCharsets.UTF_8));
                sent.add(record);
                acks.add(producer.send(record));
                if (i == MESSAGES / 2) {
                    producer.flush();
                    // Wait until replies are flowing, then a TaskManager process dies mid-stream
                    // (with records in flight and a transaction open); a fresh one takes its place.
                    assertThat(KafkaClients.readAtLeast(kafka.bootstrapServers(), topics.outbound("telegram"), MESSAGES / 5, Duration.ofSeconds(60)))
                            .as("replies before the failure").hasSizeGreaterThanOrEqualTo(MESSAGES / 5);
                    flink.terminateTaskManager(0).get();
                    flink.startTaskManager();
                }
            }
            producer.flush();
            for (int i = 0; i < sent.size(); i++) {
                for (int attempt = 1; ; attempt++) {
                    try {
                        acks.get(i).get();
                        break;
                    } catch (ExecutionException e) {
                        assertThat(attempt).as("sending input " + i + ": " + e.getCause()).isLessThan(5);
                        acks.set(i, producer.send(sent.get(i)));
                        producer.flush();
                    }
                }
            }

            Map<String, Integer> repliesPerSource = new HashMap<>();
            Map<String, Integer> perIdempotencyKey = new HashMap<>();
            Map<String, String> bodyByKey = new HashMap<>();
            Set<String> duplicatedKeysWithDifferentBodies = new HashSet<>();
            int records = 0;
            try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(kafka, "tm-reader", true)) {
                consumer.subscribe(Pattern.compile(Pattern.quote(topics.outbound("telegram"))));
                long deadline = System.currentTimeMillis() + 150_000;
                long quietSince = System.currentTimeMillis();
                while (System.currentTimeMillis() < deadline) {
                    var batch = consumer.poll(Duration.ofMillis(300));
                    for (ConsumerRecord<byte[], byte[]> r : batch) {
                        records++;
                        repliesPerSource.merge(KafkaClients.header(r, "source-message-id") + "@" + new String(r.key(), StandardCharsets.UTF_8), 1, Integer::sum);
                        String key = KafkaClients.header(r, "idempotency-key");
                        perIdempotencyKey.merge(key, 1, Integer::sum);
                        String body = new String(r.value(), StandardCharsets.UTF_8);
                        String first = bodyByKey.putIfAbsent(key, body);
                        if (first != null && !first.equals(body)) {
                            duplicatedKeysWithDifferentBodies.add(key);
                        }
                    }
                    if (!batch.isEmpty()) {
                        quietSince = System.currentTimeMillis();
                    }
                    // Done when every message is answered and nothing more arrived for a few checkpoints.
                    if (repliesPerSource.size() >= MESSAGES && System.currentTimeMillis() - quietSince > 4_000) {
                        break;
                    }
                }
            } finally {
                flink.cancelJob(graph.getJobID()).get();
            }
            long duplicates = records - perIdempotencyKey.size();
            System.out.printf("[%s] sent %d, answered %d distinct messages, reply records %d, duplicates %d, lost %d%n",
                    guarantee, MESSAGES, repliesPerSource.size(), records, duplicates, MESSAGES - repliesPerSource.size());
            assertThat(repliesPerSource).as("every message answered").hasSize(MESSAGES);
            if (guarantee.equals("exactly-once")) {
                assertThat(duplicates).as("duplicates under exactly-once").isZero();
                assertThat(repliesPerSource.values()).containsOnly(1);
            } else {
                // Every duplicate repeats one idempotency key with the same body: one key per source message.
                assertThat(perIdempotencyKey).hasSize(MESSAGES);
                assertThat(duplicatedKeysWithDifferentBodies).isEmpty();
            }
        }
    }


}
