package dev.switchboard.job;

import org.apache.flink.connector.base.DeliveryGuarantee;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JobConfigTest {

    @Test
    void defaults() {
        JobConfig c = JobConfig.parse(List.of("--bootstrap-servers", "k1:9092,k2:9092"));
        assertThat(c.kafka().bootstrapServers()).isEqualTo("k1:9092,k2:9092");
        assertThat(c.kafka().deliveryGuarantee()).isEqualTo(DeliveryGuarantee.AT_LEAST_ONCE);
        assertThat(c.kafka().transactionTimeout()).isEqualTo(Duration.ofMinutes(15));
        assertThat(c.topics().inbound("telegram")).isEqualTo("chat.in.telegram");
        assertThat(c.dialogue().sessionTimeout()).isEqualTo(Duration.ofMinutes(30));
        assertThat(c.dialogue().historySize()).isEqualTo(20);
        assertThat(c.checkpointInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.parallelism()).isEqualTo(-1);
        // No definition given: the shipped support bot, which also answers records without a bot-id header.
        assertThat(c.definitions().ids()).containsExactly("support");
        assertThat(c.defaultBotId()).isEqualTo("support");
        assertThat(c.inference().rulesOnly()).isFalse();
        assertThat(c.inference().modelPath()).isNull();
    }

    @Test
    void botsFromFilesAndDirectories(@TempDir Path dir) throws Exception {
        Path bots = Path.of("..", "bots");
        Path keys = Files.writeString(dir.resolve("state.keys"), "k1 " + java.util.Base64.getEncoder().encodeToString(new byte[32]) + "\n");
        // The second bot has a sensitive slot: without a state key it does not start.
        assertThatThrownBy(() -> JobConfig.parse(List.of("--bootstrap-servers", "k:1", "--bot", bots.resolve("trattoria.yaml").toString())))
                .hasMessage("bot 'trattoria' has sensitive slots (phone): give --state-key-file so that they are encrypted in state");
        JobConfig two = JobConfig.parse(List.of("--bootstrap-servers", "k:1", "--bot", bots.resolve("trattoria.yaml").toString(),
                "--bot", bots.resolve("support.yaml").toString(), "--state-key-file", keys.toString()));
        assertThat(two.stateCipher().encrypt("x")).startsWith("enc:k1:");
        assertThat(two.definitions().ids()).containsExactly("trattoria", "support");
        assertThat(two.defaultBotId()).isEqualTo("trattoria");
        JobConfig fromDir = JobConfig.parse(List.of("--bootstrap-servers", "k:1", "--bots-dir", bots.toString(),
                "--state-key-file", keys.toString(),
                "--default-bot-id", "support", "--intent-model", "trattoria=/models/mine.onnx"));
        assertThat(fromDir.definitions().ids()).containsExactly("support", "trattoria");
        assertThat(fromDir.defaultBotId()).isEqualTo("support");
        assertThat(fromDir.inference().modelBot()).isEqualTo("trattoria");
        assertThat(fromDir.inference().modelPath()).isEqualTo("/models/mine.onnx");

        assertThatThrownBy(() -> JobConfig.parse(List.of("--bootstrap-servers", "k:1", "--default-bot-id", "garage")))
                .hasMessage("--default-bot-id 'garage' is none of the bots given (support)");
        assertThatThrownBy(() -> JobConfig.parse(List.of("--bootstrap-servers", "k:1", "--intent-model", "garage=x.onnx")))
                .hasMessageContaining("no bot 'garage'");
        Path broken = Files.writeString(dir.resolve("broken.yaml"), "bot: b\nversion: 1\nlanguages: [en]\nintents: {}\n");
        assertThatThrownBy(() -> JobConfig.parse(List.of("--bootstrap-servers", "k:1", "--bot", broken.toString())))
                .hasMessageContaining(broken + ":4:10: missing intent 'other'");
        assertThatThrownBy(() -> JobConfig.parse(List.of("--bootstrap-servers", "k:1", "--bot", bots.resolve("support.yaml").toString(),
                "--bot", bots.resolve("support.yaml").toString())))
                .hasMessage("two bot definitions have the id 'support'");
    }

    @Test
    void options() {
        JobConfig c = JobConfig.parse(List.of("--bootstrap-servers=k:9092", "--delivery-guarantee", "exactly-once",
                "--session-timeout", "5min", "--topic-prefix", "acme.", "--history-size", "8", "--parallelism", "4",
                "--kafka.security.protocol", "SASL_SSL"));
        assertThat(c.kafka().deliveryGuarantee()).isEqualTo(DeliveryGuarantee.EXACTLY_ONCE);
        assertThat(c.dialogue().sessionTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.topics().outbound("slack")).isEqualTo("acme.out.slack");
        assertThat(c.topics().inboundPattern().matcher("acme.in.whatsapp").matches()).isTrue();
        assertThat(c.topics().inboundPattern().matcher("acmexin.whatsapp").matches()).isFalse();
        assertThat(c.dialogue().historySize()).isEqualTo(8);
        assertThat(c.parallelism()).isEqualTo(4);
        assertThat(c.kafka().extraProperties()).containsEntry("security.protocol", "SASL_SSL");
    }

    @Test
    void flinkOptionsGoIntoTheJobsConfigurationLast() {
        JobConfig c = JobConfig.parse(List.of("--bootstrap-servers", "k:9092", "--flink.state.changelog.enabled", "true",
                "--flink.state.backend.rocksdb.writebuffer.size=8mb", "--flink.pipeline.object-reuse", "false"));
        org.apache.flink.configuration.Configuration conf = SwitchboardJob.jobConfiguration(c);
        assertThat(conf.get(org.apache.flink.configuration.StateChangelogOptions.ENABLE_STATE_CHANGE_LOG)).isTrue();
        assertThat(conf.toMap()).containsEntry("state.backend.rocksdb.writebuffer.size", "8mb");
        assertThat(SwitchboardJob.jobConfiguration(JobConfig.parse(List.of("--bootstrap-servers", "k:9092",
                "--flink.state.backend.rocksdb.writebuffer.size", "32mb"))).toMap())
                .containsEntry("state.backend.rocksdb.writebuffer.size", "32mb");
        // The user's word is the last, the job's own settings included.
        assertThat(conf.get(org.apache.flink.configuration.PipelineOptions.OBJECT_REUSE)).isFalse();
        assertThat(SwitchboardJob.jobConfiguration(JobConfig.parse(List.of("--bootstrap-servers", "k:9092")))
                .get(org.apache.flink.configuration.PipelineOptions.OBJECT_REUSE)).isTrue();
        assertThatThrownBy(() -> JobConfig.parse(List.of("--bootstrap-servers", "k:9092", "--flink.", "x")))
                .hasMessageContaining("unknown option --flink.");
    }

    @Test
    void mistakesAreNamed() {
        assertThatThrownBy(() -> JobConfig.parse(List.of())).hasMessageContaining("--bootstrap-servers is required");
        assertThatThrownBy(() -> JobConfig.parse(List.of("--bootstrap-servers", "k:1", "--delivery-guarantee", "twice")))
                .hasMessageContaining("--delivery-guarantee must be at-least-once or exactly-once");
        assertThatThrownBy(() -> JobConfig.parse(List.of("--bootstrap-servers", "k:1", "--session-timeout", "soon")))
                .hasMessageContaining("--session-timeout must be a duration");
        assertThatThrownBy(() -> JobConfig.parse(List.of("--bootstrap-servers", "k:1", "--colour", "red")))
                .hasMessageContaining("unknown option --colour");
        assertThatThrownBy(() -> JobConfig.parse(List.of("--bootstrap-servers")))
                .hasMessageContaining("needs a value");
        assertThatThrownBy(() -> JobConfig.parse(List.of("--bootstrap-servers", "k:1", "--transaction-timeout", "1h")))
                .hasMessageContaining("transaction timeout");
        assertThatThrownBy(() -> JobConfig.parse(List.of("--bootstrap-servers", "k:1", "--history-size", "-1")))
                .hasMessageContaining("history size");
    }
}
