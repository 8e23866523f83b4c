package dev.switchboard.bench;

import dev.switchboard.model.Headers;
import dev.switchboard.testkit.KafkaClients;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

/**
 * Reads a scenario's outputs on its own thread: one entry per answered source message, dead letters, duplicate
 * replies (by idempotency key), end-to-end latency from each input's {@code received-at}, and arrival times for
 * the throughput over the middle of the run.
 */
final class ReplyCollector implements Runnable {
private final String bootstrapServers;
    private final Pattern topics;
    private final boolean readCommitted;
    private final AtomicBoolean running = new AtomicBoolean(true);
    final Set<String> answered = new HashSet<>();
    /** The slowest reply per second of send time: periodic stalls (checkpoints) show as a beat. */
    final TreeMap<Long, Long> maxBySecond = new TreeMap<>();
    private final Set<String> idempotencyKeys = new HashSet<>();
    final Histogram latency = new Histogram(3_600_000L, 3);
    /** Latency of the inputs sent at or after {@link #warmAfter} (epoch ms): the part of a run after its warm-up. */
    final Histogram warmLatency = new Histogram(3_600_000L, 3);
    volatile long warmAfter = Long.MAX_VALUE;
    private final List<Long> arrivals = new ArrayList<>();
    private volatile long firstOutputs;
    private long deadLettered;
    private long duplicateReplies;

    /** Where this reader stopped, per partition: a later reader of the same topics starts there. */
    final Map<TopicPartition, Long> endOffsets = new ConcurrentHashMap<>();
    private final Map<TopicPartition, Long> startOffsets;

    ReplyCollector(String bootstrapServers, Pattern topics, boolean readCommitted) {
        this(bootstrapServers, topics, readCommitted, Map.of());
    }

    ReplyCollector(String bootstrapServers, Pattern topics, boolean readCommitted, Map<TopicPartition, Long> startOffsets) {
        this.bootstrapServers = bootstrapServers;
        this.topics = topics;
        this.readCommitted = readCommitted;
        this.startOffsets = startOffsets;
    }

    long firstOutputs() {
        return firstOutputs;
    }

    void stop() {
        running.set(false);
    }

    @Override
    public void run() {
        Map<String, Object> props = new HashMap<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "bench-reader-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, readCommitted ? "read_committed" : "read_uncommitted",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.METADATA_MAX_AGE_CONFIG, 1000));
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(topics, new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) { }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    partitions.forEach(tp -> {
                        Long start = startOffsets.get(tp);
                        if (start != null) {
                            consumer.seek(tp, start);
                        }
                    });
                }
            });
            while (running.get()) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    endOffsets.put(new TopicPartition(r.topic(), r.partition()), r.offset() + 1);
                    accept(r);
                }
            }
        }
    }

    private void accept(ConsumerRecord<byte[], byte[]> r) {
        // A transactional reply is appended at once but visible only when its checkpoint commits it: with
        // read_committed, the moment it is read is when a platform client could have sent it.
        long at = readCommitted ? System.currentTimeMillis() : r.timestamp();
        if (r.topic().endsWith("dlq")) {
            deadLettered++;
            arrivals.add(at);
            firstOutputs++;
            return;
        }
        String source = KafkaClients.header(r, Headers.SOURCE_MESSAGE_ID);
        if (source == null) { // the bare job's records, forwarded as they came
            arrivals.add(at);
            firstOutputs++;
            return;
        }
        String key = KafkaClients.header(r, Headers.IDEMPOTENCY_KEY);
        if (key != null && !idempotencyKeys.add(key)) {
            duplicateReplies++;
        }
        // Message ids are unique per conversation only (Telegram's message_id, Slack's ts).
        if (answered.add(r.topic() + "|" + new String(r.key(), StandardCharsets.UTF_8) + "|" + source)) {
            String received = KafkaClients.header(r, Headers.SOURCE_RECEIVED_AT);
            if (received != null) {
                long sent = Long.parseLong(received);
                long took = Math.max(0, Math.min(3_600_000L, at - sent));
                latency.recordValue(took);
                if (sent >= warmAfter) {
                    warmLatency.recordValue(took);
                }
                maxBySecond.merge(sent / 1000, at - sent, Math::max);
            }
            arrivals.add(at);
            firstOutputs++;
        }
    }

    /** Outputs per second of append time, from the second of the first output. */
    long[] outputsPerSecond() {
        List<Long> sorted = new ArrayList<>(arrivals);
        sorted.sort(null);
        if (sorted.isEmpty()) {
            return new long[0];
        }
        long first = sorted.get(0);
        long[] counts = new long[(int) ((sorted.get(sorted.size() - 1) - first) / 1000) + 1];
        for (long at : sorted) {
            counts[(int) ((at - first) / 1000)]++;
        }
        return counts;
    }

    /** Outputs per second between 10 % and 90 % of the expected outputs, by their append times. */
    double middleThroughput(long expected) {
        List<Long> sorted = new ArrayList<>(arrivals);
        sorted.sort(null);
        if (sorted.size() < 10) {
            return 0;
        }
        int from = (int) Math.min(sorted.size() - 1, expected / 10);
        int to = (int) Math.min(sorted.size() - 1, expected * 9 / 10);
        long span = Math.max(1, sorted.get(to) - sorted.get(from));
        return (to - from) * 1000.0 / span;
    }

    ScenarioResult result(String name, Scenarios.Loaded loaded, double throughput) {
        return new ScenarioResult(name, loaded.records(), throughput, latency, answered.size(), deadLettered,
                loaded.redeliveries(), loaded.expectedAnswered(), duplicateReplies);
    }
}
