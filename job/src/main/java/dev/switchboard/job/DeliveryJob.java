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

import java.nio.file.Files;
import java.nio.file.Path;
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

    /**
     * Runs the job in this JVM ({@code switchboard deliver}): with a local {@code --checkpoint-dir} it resumes from
     * the newest completed checkpoint there, so a restarted process (after a crash, {@code kill -9} included)
     * continues where its last checkpoint left it and reads the delivery log from there.
     */
    public static void runLocal(DeliveryConfig config, java.io.PrintStream out) throws Exception {
        Configuration conf = jobConfiguration(config);
        java.util.Optional<Path> latest = latestCheckpoint(config.checkpointDir());
        if (latest.isPresent()) {
            conf.set(org.apache.flink.configuration.StateRecoveryOptions.SAVEPOINT_PATH, latest.get().toString());
            out.println("switchboard deliver: resuming from " + latest.get());
        } else {
            out.println("switchboard deliver: no checkpoint to resume from"
                    + (config.checkpointDir() == null ? " (no --checkpoint-dir)" : " in " + config.checkpointDir()));
        }
        build(StreamExecutionEnvironment.getExecutionEnvironment(conf), config).execute(JOB_NAME);
    }

    /** The newest {@code <dir>/<job id>/chk-<n>} holding a {@code _metadata} file, for a local directory. */
    static java.util.Optional<Path> latestCheckpoint(String dir) throws java.io.IOException {
        if (dir == null) {
            return java.util.Optional.empty();
        }
        Path root;
        if (dir.startsWith("file:")) {
            root = Path.of(java.net.URI.create(dir));
        } else if (!dir.contains("://")) {
            root = Path.of(dir);
        } else {
            return java.util.Optional.empty(); // remote storage: resume with flink run -s
        }
        if (!Files.isDirectory(root)) {
            return java.util.Optional.empty();
        }
        try (var jobs = Files.list(root)) {
            return jobs.filter(Files::isDirectory).flatMap(job -> {
                try {
                    return Files.list(job).filter(c -> c.getFileName().toString().startsWith("chk-")
                            && Files.isRegularFile(c.resolve("_metadata"))).toList().stream();
                } catch (java.io.IOException e) {
                    return java.util.stream.Stream.empty();
                }
            }).max(java.util.Comparator.comparingLong(c -> c.resolve("_metadata").toFile().lastModified()));
        }
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
                        new SendFunction(config.delivery(), config.bots(), config.logClientProperties(),
                                config.recoveryLookback()),
                        0, TimeUnit.MILLISECONDS, config.capacity())
                .uid(DeliveryIds.SEND).name("send");
        abandoned.union(gated.getSideOutput(DeliveryGate.DEAD_LETTERS))
                .sinkTo(ChatKafka.sink(config.kafka(), "delivery-dlq"))
                .uid(DeliveryIds.SINK_DEAD_LETTERS).name("kafka: " + config.topics().deliveryDeadLetters());
        return env;
    }
}
