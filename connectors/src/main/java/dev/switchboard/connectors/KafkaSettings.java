package dev.switchboard.connectors;

import org.apache.flink.connector.base.DeliveryGuarantee;

import java.io.Serializable;
import java.time.Duration;
import java.util.Map;

/**
 * How the job talks to Kafka.
 *
 * @param bootstrapServers {@code host:port[,host:port]}
 * @param groupId consumer group of the source (offsets are committed on checkpoints)
 * @param deliveryGuarantee {@code AT_LEAST_ONCE} (default, lowest latency) or {@code EXACTLY_ONCE}
 *     (Kafka transactions committed on checkpoints; consumers read with {@code read_committed})
 * @param transactionalIdPrefix prefix of the sinks' transactional ids; unique per job on a cluster
 * @param transactionTimeout producer {@code transaction.timeout.ms}; must not exceed the broker's
 *     {@code transaction.max.timeout.ms} (15 min by default) and must outlast a checkpoint plus recovery
 * @param partitionDiscoveryInterval how often the source looks for new {@code chat.in.*} topics
 * @param startFromEarliest where a group without committed offsets starts: earliest, else latest
 * @param extraProperties further client properties (security, SASL, ...), passed to every client
 */
public record KafkaSettings(
        String bootstrapServers,
        String groupId,
        DeliveryGuarantee deliveryGuarantee,
        String transactionalIdPrefix,
        Duration transactionTimeout,
        Duration partitionDiscoveryInterval,
        boolean startFromEarliest,
        Map<String, String> extraProperties) implements Serializable {

    public KafkaSettings {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("Kafka bootstrap servers are required");
        }
        if (groupId == null || groupId.isBlank()) {
            throw new IllegalArgumentException("Kafka consumer group id is required");
        }
        if (deliveryGuarantee != DeliveryGuarantee.AT_LEAST_ONCE && deliveryGuarantee != DeliveryGuarantee.EXACTLY_ONCE) {
            throw new IllegalArgumentException("delivery guarantee must be at-least-once or exactly-once, was " + deliveryGuarantee);
        }
        if (transactionTimeout == null || transactionTimeout.isNegative() || transactionTimeout.isZero()
                || transactionTimeout.compareTo(Duration.ofMinutes(15)) > 0) {
            throw new IllegalArgumentException("transaction timeout must be within (0, 15 min], was " + transactionTimeout);
        }
        extraProperties = extraProperties == null ? Map.of() : Map.copyOf(extraProperties);
    }
}
