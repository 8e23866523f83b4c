package dev.switchboard.job;

import dev.switchboard.connectors.ChatKafka;
import dev.switchboard.functions.OperatorIds;
import dev.switchboard.model.InboundRecord;
import dev.switchboard.understand.IntentClassifier;
import dev.switchboard.understand.OnnxIntentSession;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.function.SerializableFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;

/**
 * Entry point for {@code flink run} (and {@code switchboard run}): parse, validate, wire, execute.
 * The arguments are {@link JobConfig}'s options.
 */
public final class SwitchboardJob {
    private static final Logger LOG = LoggerFactory.getLogger(SwitchboardJob.class);
    public static final String JOB_NAME = "switchboard";

    private SwitchboardJob() {}

    public static void main(String[] args) throws Exception {
        JobConfig config;
        try {
            config = JobConfig.parse(Arrays.asList(args));
        } catch (IllegalArgumentException e) {
            // A plain message, not a stack trace, for a configuration mistake.
            throw new IllegalArgumentException("switchboard: " + e.getMessage(), e);
        }
        checkModel(config);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(jobConfiguration(config));
        build(env, config).execute(JOB_NAME);
    }

    /**
     * Loads the configured intent model once before submitting, so a file that does not fit the
     * contract is refused here with its reason rather than in every TaskManager.
     */
    public static void checkModel(JobConfig config) {
        if (config.inference().rulesOnly()) {
            return;
        }
        try (OnnxIntentSession model = OnnxIntentSession.load(config.inference().modelPath(), null)) {
            LOG.info("Intent model {} with labels {} fits the contract", model.name(), model.labels());
        } catch (ai.onnxruntime.OrtException e) {
            throw new IllegalStateException("closing the intent model failed", e);
        }
    }

    /** The Flink settings this job needs whatever the cluster says: RocksDB, no Kryo fallback, checkpoints. */
    public static Configuration jobConfiguration(JobConfig config) {
        Configuration conf = new Configuration();
        conf.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        // Exactly-once checkpoints keep dialogue state consistent with the input whatever the sink's
        // delivery guarantee is; the guarantee only decides whether the sinks use transactions.
        conf.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.EXACTLY_ONCE);
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, config.checkpointInterval());
        conf.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        if (config.checkpointDir() != null) {
            conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, config.checkpointDir());
        }
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        // Every function takes immutable records or state it owns and keeps no reference to its input
        // (the async understand operator copies its in-flight inputs itself when reuse is on), so chained
        // operators may hand records over without a serializer copy at each link.
        conf.set(PipelineOptions.OBJECT_REUSE, true);
        // Someone is waiting for each reply: ship network buffers after at most this long instead of
        // Flink's default 100 ms.
        conf.set(ExecutionOptions.BUFFER_TIMEOUT, config.bufferTimeout());
        // Smaller RocksDB memtables (8 MB, Flink's default is 64 MB) fill and flush in the background between
        // checkpoints, so the flush in a checkpoint's synchronous part, on the task thread, has less to write: the
        // slowest replies around checkpoints came down (BENCHMARKS.md, performance). --flink.state.backend.rocksdb.
        // writebuffer.size overrides it.
        conf.set(org.apache.flink.state.rocksdb.RocksDBConfigurableOptions.WRITE_BUFFER_SIZE, MemorySize.parse("8mb"));
        // --flink.<option> value: any other Flink option for this job (RocksDB tuning, the changelog state backend),
        // after the settings above, so the user's word is the last.
        conf.addAll(Configuration.fromMap(config.flinkOptions()));
        return conf;
    }

    /** The whole job on {@code env}: Kafka source, topology, Kafka sinks. */
    public static StreamExecutionEnvironment build(StreamExecutionEnvironment env, JobConfig config) {
        return build(env, config, null);
    }

    /** The whole job, with the model seen through {@code classifierDecorator} (see {@link Pipeline#define}). */
    public static StreamExecutionEnvironment build(StreamExecutionEnvironment env, JobConfig config,
            SerializableFunction<IntentClassifier, IntentClassifier> classifierDecorator) {
        if (config.parallelism() > 0) {
            env.setParallelism(config.parallelism());
        }
        DataStream<InboundRecord> records = env
                .fromSource(ChatKafka.source(config.kafka(), config.topics()), WatermarkStrategy.noWatermarks(),
                        "kafka: " + config.topics().inboundPattern().pattern())
                .uid(OperatorIds.SOURCE);
        DataStream<InboundRecord> botRecords = env
                .fromSource(ChatKafka.botsSource(config.kafka(), config.topics()), WatermarkStrategy.noWatermarks(),
                        "kafka: " + config.topics().bots())
                .uid(OperatorIds.SOURCE_BOTS);
        Pipeline.define(records, botRecords, config, new Pipeline.Sinks(
                replies -> replies.sinkTo(ChatKafka.sink(config.kafka(), "replies"))
                        .uid(OperatorIds.SINK_REPLIES).name("kafka: " + config.topics().outbound("<platform>")),
                deadLetters -> deadLetters.sinkTo(ChatKafka.sink(config.kafka(), "dlq"))
                        .uid(OperatorIds.SINK_DEAD_LETTERS).name("kafka: " + config.topics().deadLetters()),
                handoffs -> handoffs.sinkTo(ChatKafka.sink(config.kafka(), "handoff"))
                        .uid(OperatorIds.SINK_HANDOFFS).name("kafka: " + config.topics().handoff()),
                botErrors -> botErrors.sinkTo(ChatKafka.sink(config.kafka(), "bot-errors"))
                        .uid(OperatorIds.SINK_BOT_ERRORS).name("kafka: " + config.topics().botErrors())),
                classifierDecorator);
        return env;
    }
}
