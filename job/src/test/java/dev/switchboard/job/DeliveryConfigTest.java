package dev.switchboard.job;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DeliveryConfigTest {

    @Test
    void defaultsAndOverrides() {
        DeliveryConfig c = DeliveryConfig.parse(List.of("--bootstrap-servers", "k:9092"));
        assertThat(c.topics().prefix()).isEqualTo("chat.");
        assertThat(c.kafka().groupId()).isEqualTo("switchboard-delivery");
        assertThat(c.delivery().maxAttempts()).isEqualTo(6);
        assertThat(c.delivery().apiBases()).isEmpty();
        assertThat(c.capacity()).isEqualTo(1000);
        assertThat(c.dedupTtl()).isEqualTo(Duration.ofHours(24));

        DeliveryConfig o = DeliveryConfig.parse(List.of("--bootstrap-servers=k:9092", "--api-base", "feishu=https://open.larksuite.com",
                "--api-base=telegram=http://localhost:8081", "--max-attempts", "3", "--breaker-open", "30s",
                "--kafka.security.protocol", "SASL_SSL", "--topic-prefix", "acme."));
        assertThat(o.delivery().apiBases()).containsEntry("feishu", "https://open.larksuite.com")
                .containsEntry("telegram", "http://localhost:8081");
        assertThat(o.delivery().maxAttempts()).isEqualTo(3);
        assertThat(o.delivery().breakerOpen()).isEqualTo(Duration.ofSeconds(30));
        assertThat(o.delivery().topicPrefix()).isEqualTo("acme.");
        assertThat(o.logClientProperties()).containsEntry("security.protocol", "SASL_SSL").containsEntry("bootstrap.servers", "k:9092");
    }

    @Test
    void theDeliveryJobReadsEveryOutboundTopicButTheWebChannels() {
        java.util.regex.Pattern p = dev.switchboard.connectors.ChatKafka.outboundTopics(new dev.switchboard.model.Topics("chat."));
        for (String platform : dev.switchboard.model.Platforms.MESSAGING) {
            assertThat(p.matcher("chat.out." + platform).matches()).as(platform).isTrue();
        }
        assertThat(p.matcher("chat.out.web").matches()).isFalse();
        assertThat(p.matcher("chat.out.webhook").matches()).as("a platform merely starting with web").isTrue();
        assertThat(p.matcher("chat.in.telegram").matches()).isFalse();
        assertThat(p.matcher("chatXout.slack").matches()).isFalse();
    }

    @Test
    void mistakesNameTheOption() {
        assertThatThrownBy(() -> DeliveryConfig.parse(List.of())).hasMessageContaining("--bootstrap-servers");
        assertThatThrownBy(() -> DeliveryConfig.parse(List.of("--bootstrap-servers", "k:1", "--api-base", "icq=http://x")))
                .hasMessageContaining("--api-base").hasMessageContaining("icq");
        assertThatThrownBy(() -> DeliveryConfig.parse(List.of("--bootstrap-servers", "k:1", "--api-base", "slack=slack.com")))
                .hasMessageContaining("http(s)://");
        assertThatThrownBy(() -> DeliveryConfig.parse(List.of("--bootstrap-servers", "k:1", "--max-attempts", "0")))
                .hasMessageContaining("--max-attempts");
        assertThatThrownBy(() -> DeliveryConfig.parse(List.of("--bootstrap-servers", "k:1", "--breaker-failure-rate", "2")))
                .hasMessageContaining("--breaker-failure-rate");
        assertThatThrownBy(() -> DeliveryConfig.parse(List.of("--bootstrap-servers", "k:1", "--request-timeout", "soon")))
                .hasMessageContaining("--request-timeout");
        assertThatThrownBy(() -> DeliveryConfig.parse(List.of("--bootstrap-servers", "k:1", "--retries", "3")))
                .hasMessageContaining("unknown option --retries");
        // Flink options pass through to the dialogue job only: here they would be ignored, so they are refused.
        assertThatThrownBy(() -> DeliveryConfig.parse(List.of("--bootstrap-servers", "k:1", "--flink.state.changelog.enabled", "true")))
                .hasMessageContaining("unknown option --flink.state.changelog.enabled").hasMessageNotContaining("flink.<option>");
    }

    @Test
    void theNewestCheckpointIsFoundInALocalDirectory(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        assertThat(DeliveryJob.latestCheckpoint(dir.toString())).isEmpty();
        java.nio.file.Path old = java.nio.file.Files.createDirectories(dir.resolve("job-a/chk-3"));
        java.nio.file.Files.writeString(old.resolve("_metadata"), "x");
        old.resolve("_metadata").toFile().setLastModified(System.currentTimeMillis() - 60_000);
        java.nio.file.Path incomplete = java.nio.file.Files.createDirectories(dir.resolve("job-b/chk-9"));
        java.nio.file.Path newest = java.nio.file.Files.createDirectories(dir.resolve("job-b/chk-7"));
        java.nio.file.Files.writeString(newest.resolve("_metadata"), "x");
        assertThat(DeliveryJob.latestCheckpoint(dir.toUri().toString())).contains(newest);
        assertThat(incomplete).exists();
        assertThat(DeliveryJob.latestCheckpoint("s3://bucket/checkpoints")).isEmpty();
    }
}
