package dev.switchboard.delivery;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * The durable delivery log, {@code chat.delivered}: every outcome is written there (idempotent producer,
 * {@code acks=all}) and acknowledged before the conversation's next record is sent, so that after a crash the
 * job can tell which of the records it is about to send again were accepted since its last checkpoint.
 */
public final class DeliveryLog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryLog.class);

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;

    public DeliveryLog(Map<String, String> kafka, String topic, String clientId) {
        Properties p = new Properties();
        p.putAll(kafka);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "1");
        p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        this.topic = topic;
    }

    /** Writes an outcome; completes when Kafka acknowledged it. */
    public CompletableFuture<Void> append(DeliveryOutcome outcome) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        producer.send(new ProducerRecord<>(topic, null, outcome.at(), outcome.chatKey().getBytes(StandardCharsets.UTF_8),
                outcome.toJson()), (metadata, error) -> {
                    if (error != null) {
                        done.completeExceptionally(error);
                    } else {
                        done.complete(null);
                    }
                });
        return done;
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }

    /**
     * The idempotency keys logged since {@code fromMillis} (record timestamps) for the conversations
     * {@code mine} accepts, read to the log's end as it is now. Missing topic: none.
     */
    public static Set<String> read(Map<String, String> kafka, String topic, long fromMillis, Predicate<String> mine,
            String clientId) {
        Properties p = new Properties();
        p.putAll(kafka);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        Set<String> keys = new HashSet<>();
        long started = System.nanoTime();
        long records = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
            if (infos == null || infos.isEmpty()) {
                return keys;
            }
            List<TopicPartition> partitions = new ArrayList<>();
            infos.forEach(i -> partitions.add(new TopicPartition(topic, i.partition())));
            consumer.assign(partitions);
            Map<TopicPartition, Long> query = new HashMap<>();
            partitions.forEach(tp -> query.put(tp, fromMillis));
            Map<TopicPartition, OffsetAndTimestamp> starts = consumer.offsetsForTimes(query, Duration.ofSeconds(30));
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            Map<TopicPartition, Long> remaining = new HashMap<>();
            for (TopicPartition tp : partitions) {
                OffsetAndTimestamp s = starts.get(tp);
                long start = s == null ? ends.get(tp) : s.offset();
                consumer.seek(tp, start);
                if (start < ends.get(tp)) {
                    remaining.put(tp, ends.get(tp));
                }
            }
            while (!remaining.isEmpty()) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    records++;
                    if (r.key() != null && mine.test(new String(r.key(), StandardCharsets.UTF_8))) {
                        String k = DeliveryOutcome.keyOf(r.value());
                        if (k != null) {
                            keys.add(k);
                        }
                    }
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    Long end = remaining.get(tp);
                    if (end != null && r.offset() + 1 >= end) {
                        remaining.remove(tp);
                    }
                }
                remaining.keySet().removeIf(tp -> consumer.position(tp) >= remaining.get(tp));
            }
        }
        LOG.info("Delivery log {}: {} records since {} read in {} ms, {} keys of this subtask's conversations",
                topic, records, fromMillis, (System.nanoTime() - started) / 1_000_000, keys.size());
        return keys;
    }
}
