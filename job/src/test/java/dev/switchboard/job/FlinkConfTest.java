package dev.switchboard.job;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.ExternalResourceOptions;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.ResourceManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.RecoveryClaimMode;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.state.rocksdb.RocksDBConfigurableOptions;
import org.apache.flink.state.rocksdb.RocksDBOptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code flink-conf/config.yaml} as Flink itself reads it ({@link GlobalConfiguration}, the loader of
 * every Flink process): the values that matter, and no key Flink does not know (a misspelt key is
 * silently ignored by Flink, so this test is where it gets caught).
 */
class FlinkConfTest {
    static final Path CONF = Path.of("").toAbsolutePath().getParent().resolve("flink-conf");
    static Configuration conf;

    @BeforeAll
    static void load() {
        conf = GlobalConfiguration.loadConfiguration(CONF.toString());
    }

    @Test
    void rocksDbWithIncrementalCheckpointsAndTimersInRocksDb() {
        assertThat(conf.get(StateBackendOptions.STATE_BACKEND)).isEqualTo("rocksdb");
        assertThat(conf.get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS)).isTrue();
        assertThat(conf.get(RocksDBOptions.TIMER_SERVICE_FACTORY)).hasToString("ROCKSDB");
        assertThat(conf.get(RocksDBConfigurableOptions.COMPACT_FILTER_PERIODIC_COMPACTION_TIME)).isEqualTo(Duration.ofDays(1));
        assertThat(conf.get(RocksDBConfigurableOptions.COMPACT_FILTER_QUERY_TIME_AFTER_NUM_ENTRIES)).isEqualTo(1000L);
    }

    @Test
    void checkpointsEveryTenSecondsWithATimeoutAndRetainedOnCancel() {
        assertThat(conf.get(CheckpointingOptions.CHECKPOINTING_INTERVAL)).isEqualTo(Duration.ofSeconds(10));
        assertThat(conf.get(CheckpointingOptions.CHECKPOINTING_TIMEOUT)).isEqualTo(Duration.ofMinutes(2));
        assertThat(conf.get(CheckpointingOptions.MIN_PAUSE_BETWEEN_CHECKPOINTS)).isEqualTo(Duration.ofSeconds(2));
        assertThat(conf.get(CheckpointingOptions.TOLERABLE_FAILURE_NUMBER)).isEqualTo(3);
        assertThat(conf.get(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION))
                .isEqualTo(ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        assertThat(conf.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY)).startsWith("file:");
        assertThat(conf.get(CheckpointingOptions.SAVEPOINT_DIRECTORY)).startsWith("file:");
    }

    @Test
    void restartsForeverWithExponentialBackoff() {
        assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY)).isEqualTo("exponential-delay");
        assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF)).isEqualTo(Duration.ofSeconds(1));
        assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF)).isEqualTo(Duration.ofMinutes(1));
        assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_RESET_BACKOFF_THRESHOLD)).isEqualTo(Duration.ofMinutes(10));
        assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_BACKOFF_MULTIPLIER)).isEqualTo(2.0);
    }

    @Test
    void noKryoFallbackAndAFixedNumberOfKeyGroups() {
        assertThat(conf.get(PipelineOptions.GENERIC_TYPES)).isFalse();
        assertThat(conf.get(PipelineOptions.MAX_PARALLELISM)).isEqualTo(720);
        assertThat(720 % conf.get(CoreOptions.DEFAULT_PARALLELISM)).isZero();
    }

    @Test
    void prometheusReporter() {
        assertThat(conf.get(MetricOptions.REPORTERS_LIST)).isEqualTo("prom");
        Map<String, String> prom = conf.toMap();
        assertThat(prom).containsEntry("metrics.reporter.prom.factory.class",
                "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
        assertThat(prom).containsEntry("metrics.reporter.prom.port", "9249-9259");
    }

    @Test
    void gpuExternalResourceForKubernetes() {
        assertThat(conf.get(ExternalResourceOptions.EXTERNAL_RESOURCE_LIST)).containsExactly("gpu");
        Map<String, String> all = conf.toMap();
        assertThat(all).containsEntry(ExternalResourceOptions.getAmountConfigOptionForResource("gpu"), "1")
                .containsEntry(ExternalResourceOptions.getExternalResourceDriverFactoryConfigOptionForResource("gpu"),
                        "org.apache.flink.externalresource.gpu.GPUDriverFactory")
                .containsEntry(ExternalResourceOptions.getSystemConfigKeyConfigOptionForResource("gpu",
                        "kubernetes.config-key"), "nvidia.com/gpu");
        assertThat(conf.toMap()).containsEntry("external-resource.gpu.param.discovery-script.path",
                "plugins/external-resource-gpu/nvidia-gpu-discovery.sh");
    }

    @Test
    void onnxRuntimeTelemetryOffInContainersAndJava17Opens() {
        assertThat(conf.toMap()).containsEntry("containerized.taskmanager.env.ORT_DISABLE_TELEMETRY", "1")
                .containsEntry("containerized.jobmanager.env.ORT_DISABLE_TELEMETRY", "1");
        assertThat(conf.get(CoreOptions.FLINK_JVM_OPTIONS)).contains("--add-opens=java.base/java.util=ALL-UNNAMED");
    }

    @Test
    void everyKeyIsOneFlinkKnows() throws IllegalAccessException {
        Set<String> known = new HashSet<>();
        for (Class<?> options : List.of(CheckpointingOptions.class, CoreOptions.class, ExternalResourceOptions.class,
                JobManagerOptions.class, MetricOptions.class, PipelineOptions.class, ResourceManagerOptions.class,
                RestOptions.class, RestartStrategyOptions.class, StateBackendOptions.class, StateRecoveryOptions.class,
                TaskManagerOptions.class, RocksDBOptions.class, RocksDBConfigurableOptions.class)) {
            for (Field f : options.getFields()) {
                if (Modifier.isStatic(f.getModifiers()) && ConfigOption.class.isAssignableFrom(f.getType())) {
                    ConfigOption<?> option = (ConfigOption<?>) f.get(null);
                    known.add(option.key());
                    option.fallbackKeys().forEach(k -> known.add(k.getKey()));
                }
            }
        }
        // Families whose keys embed a name (a reporter, a resource) or are free-form (environment).
        List<String> families = List.of("metrics.reporter.prom.", "external-resource.gpu.",
                "containerized.taskmanager.env.", "containerized.jobmanager.env.");
        List<String> unknown = new ArrayList<>();
        for (String key : conf.keySet()) {
            if (!known.contains(key) && families.stream().noneMatch(key::startsWith)) {
                unknown.add(key);
            }
        }
        assertThat(unknown).as("keys Flink does not define").isEmpty();
        // Sanity of the check itself: it recognizes a key of each kind.
        assertThat(known).contains("execution.checkpointing.interval", "state.backend.type", "taskmanager.numberOfTaskSlots");
        assertThat(conf.keySet()).contains("execution.checkpointing.interval");
    }

    @Test
    void theClaimModeIsLeftAtItsDefault() {
        // Restores from savepoints must not take ownership of a user's savepoint files.
        assertThat(conf.get(StateRecoveryOptions.RESTORE_MODE)).isEqualTo(RecoveryClaimMode.NO_CLAIM);
        assertThat(conf.get(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE)).isEqualTo(CheckpointingMode.EXACTLY_ONCE);
    }
}
