package dev.switchboard.job;

import dev.switchboard.connectors.ChatKafka;
import dev.switchboard.delivery.DeliveryGate;
import dev.switchboard.delivery.DeliveryIds;
import dev.switchboard.delivery.SendFunction;
import dev.switchboard.model.InboundRecord;
import dev.switchboard.model.OutboundRecord;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * The delivery job ({@code flink run -c dev.switchboard.job.DeliveryJob}, {@code switchboard deliver}): reads every
 * {@code chat.out.<platform>}, keys by conversation, drops records already taken, sends each to its platform
 * (see {@link SendFunction}) and writes abandoned records to {@code chat.delivery.dlq}; every outcome is on
 * {@code chat.delivered}.
 *
 * <pre>
 * chat.out.*  → keyBy(conversation) → delivery-gate (malformed → DLQ; idempotency keys, TTL) → send (async, unordered
 *             wait, no timeout: the sender bounds its own retries) → dead letters → chat.delivery.dlq
 * </pre>
 */
public final class DeliveryJob {
    public static final String JOB_NAME = "switchboard-delivery";

    private DeliveryJob() {}

    public static void main(String[] args) throws Exception {
        DeliveryConfig config;
        try {
            config = DeliveryConfig.parse(Arrays.asList(args));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("switchboard deliver: " + e.getMessage(), e);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(jobConfiguration(config));
        build(env, config).execute(JOB_NAME);
    }

    /** What the job needs whatever the cluster says: RocksDB, exactly-once checkpoints retained, no Kryo. */
    public static Configuration jobConfiguration(DeliveryConfig config) {
        Configuration conf = new Configuration();
        conf.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        conf.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.EXACTLY_ONCE);
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, config.checkpointInterval());
        conf.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION, ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        if (config.checkpointDir() != null) {
            conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, config.checkpointDir());
        }
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.set(ExecutionOptions.BUFFER_TIMEOUT, Duration.ofMillis(5));
        return conf;
    }

    public static StreamExecutionEnvironment build(StreamExecutionEnvironment env, DeliveryConfig config) {
        if (config.parallelism() > 0) {
            env.setParallelism(config.parallelism());
        }
        String prefix = config.topics().prefix();
        DataStream<InboundRecord> records = env
                .fromSource(ChatKafka.outboundSource(config.kafka(), config.topics()), WatermarkStrategy.noWatermarks(),
                        "kafka: " + prefix + "out.*")
                .uid(DeliveryIds.SOURCE);
        SingleOutputStreamOperator<InboundRecord> gated = records
                .keyBy(DeliveryGate.conversation(prefix, config.delivery().defaultBotId()))
                .process(new DeliveryGate(config.delivery(), config.dedupTtl()))
                .uid(DeliveryIds.GATE).name("delivery-gate");
        // Forward from the keyed gate: a conversation's records stay on one send subtask, in order.
        DataStream<OutboundRecord> abandoned = AsyncDataStream.unorderedWait(gated,
                        new SendFunction(config.delivery(), config.bots(), config.logClientProperties()),
                        0, TimeUnit.MILLISECONDS, config.capacity())
                .uid(DeliveryIds.SEND).name("send");
        abandoned.union(gated.getSideOutput(DeliveryGate.DEAD_LETTERS))
                .sinkTo(ChatKafka.sink(config.kafka(), "delivery-dlq"))
                .uid(DeliveryIds.SINK_DEAD_LETTERS).name("kafka: " + prefix + "delivery.dlq");
        return env;
    }
}
