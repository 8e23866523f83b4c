package dev.switchboard.connectors;

import dev.switchboard.model.InboundRecord;
import dev.switchboard.model.OutboundRecord;
import dev.switchboard.model.Platforms;
import dev.switchboard.model.Topics;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerConfig;

import java.util.Map;
import java.util.regex.Pattern;

/** The job's Kafka source and sinks, built from {@link KafkaSettings} and {@link Topics}. */
public final class ChatKafka {
    private ChatKafka() {}

    /** All {@code <prefix>in.<platform>} topics, as raw records. */
    public static KafkaSource<InboundRecord> source(KafkaSettings settings, Topics topics) {
        // Upstream ingress may write transactionally; with exactly-once, never read its aborted records.
        return rawSource(settings, settings.groupId(), topics.inboundPattern(), committedOrReset(settings), true,
                settings.deliveryGuarantee() == DeliveryGuarantee.EXACTLY_ONCE, "-source");
    }

    /**
     * All {@code <prefix>out.<platform>} topics, for the delivery job: committed records only (the dialogue job may
     * write in transactions), offsets committed on checkpoints under the delivery job's own group. Not
     * {@code <prefix>out.web}: the gateway pushes those to the pages itself.
     */
    public static KafkaSource<InboundRecord> outboundSource(KafkaSettings settings, Topics topics) {
        return rawSource(settings, settings.groupId(), outboundTopics(topics), committedOrReset(settings), true, true, "-source");
    }

    /** The topics the delivery job reads: every {@code <prefix>out.<platform>} but the web channel's. */
    public static Pattern outboundTopics(Topics topics) {
        return Pattern.compile(Pattern.quote(topics.prefix() + "out.") + "(?!" + Platforms.WEB + "$)[A-Za-z0-9_-]+");
    }

    /**
     * The published bot definitions, from the start of {@code <prefix>bots} (a compacted topic: the latest
     * version of every bot). After a restore the source resumes where the checkpoint left it; the versions
     * read before are in the job's state.
     */
    public static KafkaSource<InboundRecord> botsSource(KafkaSettings settings, Topics topics) {
        // A pattern, not a name: a job may start before anyone created the topic.
        return rawSource(settings, settings.groupId() + "-bots", Pattern.compile(Pattern.quote(topics.bots())),
                OffsetsInitializer.earliest(), false, true, "-source");
    }

    @SuppressWarnings("deprecation") // OffsetResetStrategy: the connector's API still takes it
    private static OffsetsInitializer committedOrReset(KafkaSettings settings) {
        return OffsetsInitializer.committedOffsets(
                settings.startFromEarliest() ? OffsetResetStrategy.EARLIEST : OffsetResetStrategy.LATEST);
    }

    /** Raw records of the topics matching {@code pattern}, new topics discovered, the settings' client properties. */
    private static KafkaSource<InboundRecord> rawSource(KafkaSettings settings, String groupId, Pattern pattern,
            OffsetsInitializer start, boolean commitOffsets, boolean readCommitted, String clientSuffix) {
        var builder = KafkaSource.<InboundRecord>builder()
                .setBootstrapServers(settings.bootstrapServers())
                .setGroupId(groupId)
                .setTopicPattern(pattern)
                .setStartingOffsets(start)
                .setDeserializer(new InboundRecordDeserializer())
                .setProperty("partition.discovery.interval.ms",
                        Long.toString(settings.partitionDiscoveryInterval().toMillis()))
                .setProperty("commit.offsets.on.checkpoint", Boolean.toString(commitOffsets))
                .setProperty(ConsumerConfig.CLIENT_ID_CONFIG, groupId + clientSuffix);
        if (readCommitted) {
            builder.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        }
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
