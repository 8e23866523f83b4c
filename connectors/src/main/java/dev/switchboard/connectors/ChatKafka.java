package dev.switchboard.connectors;

import dev.switchboard.model.InboundRecord;
import dev.switchboard.model.OutboundRecord;
import dev.switchboard.model.Topics;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerConfig;

import java.util.Map;

/** The job's Kafka source and sinks, built from {@link KafkaSettings} and {@link Topics}. */
public final class ChatKafka {
    private ChatKafka() {}

    /** All {@code <prefix>in.<platform>} topics, as raw records. */
    @SuppressWarnings("deprecation") // OffsetResetStrategy: the connector's API still takes it
    public static KafkaSource<InboundRecord> source(KafkaSettings settings, Topics topics) {
        var builder = KafkaSource.<InboundRecord>builder()
                .setBootstrapServers(settings.bootstrapServers())
                .setGroupId(settings.groupId())
                .setTopicPattern(topics.inboundPattern())
                .setStartingOffsets(OffsetsInitializer.committedOffsets(
                        settings.startFromEarliest() ? OffsetResetStrategy.EARLIEST : OffsetResetStrategy.LATEST))
                .setDeserializer(new InboundRecordDeserializer())
                .setProperty("partition.discovery.interval.ms",
                        Long.toString(settings.partitionDiscoveryInterval().toMillis()))
                .setProperty("commit.offsets.on.checkpoint", "true")
                .setProperty(ConsumerConfig.CLIENT_ID_CONFIG, settings.groupId() + "-source");
        if (settings.deliveryGuarantee() == DeliveryGuarantee.EXACTLY_ONCE) {
            // Upstream ingress may write transactionally; never read its aborted records.
            builder.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        }
        for (Map.Entry<String, String> p : settings.extraProperties().entrySet()) {
            builder.setProperty(p.getKey(), p.getValue());
        }
        return builder.build();
    }

    /**
     * All {@code <prefix>out.<platform>} topics, for the delivery job: committed records only (the dialogue job may
     * write in transactions), offsets committed on checkpoints under the delivery job's own group.
     */
    @SuppressWarnings("deprecation") // OffsetResetStrategy: the connector's API still takes it
    public static KafkaSource<InboundRecord> outboundSource(KafkaSettings settings, Topics topics) {
        var builder = KafkaSource.<InboundRecord>builder()
                .setBootstrapServers(settings.bootstrapServers())
                .setGroupId(settings.groupId())
                .setTopicPattern(java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(topics.prefix() + "out.")
                        + "[A-Za-z0-9_-]+"))
                .setStartingOffsets(OffsetsInitializer.committedOffsets(
                        settings.startFromEarliest() ? OffsetResetStrategy.EARLIEST : OffsetResetStrategy.LATEST))
                .setDeserializer(new InboundRecordDeserializer())
                .setProperty("partition.discovery.interval.ms",
                        Long.toString(settings.partitionDiscoveryInterval().toMillis()))
                .setProperty("commit.offsets.on.checkpoint", "true")
                .setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")
                .setProperty(ConsumerConfig.CLIENT_ID_CONFIG, settings.groupId() + "-source");
        for (Map.Entry<String, String> p : settings.extraProperties().entrySet()) {
            builder.setProperty(p.getKey(), p.getValue());
        }
        return builder.build();
    }

    /**
     * The published bot definitions, from the start of {@code <prefix>bots} (a compacted topic: the latest
     * version of every bot). After a restore the source resumes where the checkpoint left it; the versions
     * read before are in the job's state.
     */
    public static KafkaSource<InboundRecord> botsSource(KafkaSettings settings, Topics topics) {
        var builder = KafkaSource.<InboundRecord>builder()
                .setBootstrapServers(settings.bootstrapServers())
                .setGroupId(settings.groupId() + "-bots")
                // A pattern, not a name: a job may start before anyone created the topic.
                .setTopicPattern(java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(topics.bots())))
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setDeserializer(new InboundRecordDeserializer())
                .setProperty("partition.discovery.interval.ms",
                        Long.toString(settings.partitionDiscoveryInterval().toMillis()))
                .setProperty("commit.offsets.on.checkpoint", "false")
                .setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")
                .setProperty(ConsumerConfig.CLIENT_ID_CONFIG, settings.groupId() + "-bots-source");
        for (Map.Entry<String, String> p : settings.extraProperties().entrySet()) {
            builder.setProperty(p.getKey(), p.getValue());
        }
        return builder.build();
    }

    /**
     * A sink writing each {@link OutboundRecord} to its own topic. {@code name} tells the sinks of one
     * job apart in their transactional ids.
     */
    public static KafkaSink<OutboundRecord> sink(KafkaSettings settings, String name) {
        var builder = KafkaSink.<OutboundRecord>builder()
                .setBootstrapServers(settings.bootstrapServers())
                .setRecordSerializer(new OutboundRecordSerializer())
                .setDeliveryGuarantee(settings.deliveryGuarantee())
                .setProperty(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true")
                .setProperty(ProducerConfig.ACKS_CONFIG, "all")
                .setProperty(ProducerConfig.LINGER_MS_CONFIG, "5");
        if (settings.deliveryGuarantee() == DeliveryGuarantee.EXACTLY_ONCE) {
            builder.setTransactionalIdPrefix(settings.transactionalIdPrefix() + "-" + name)
                    .setProperty(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
                            Long.toString(settings.transactionTimeout().toMillis()));
        }
        for (Map.Entry<String, String> p : settings.extraProperties().entrySet()) {
            builder.setProperty(p.getKey(), p.getValue());
        }
        return builder.build();
    }
}
