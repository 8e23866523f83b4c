package dev.switchboard.cli;

import dev.switchboard.model.Platforms;
import dev.switchboard.model.Topics;
import dev.switchboard.testkit.EmbeddedKafka;
import dev.switchboard.testkit.KafkaClients;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code switchboard publish} against a real broker: a valid definition lands on chat.bots under its id; a broken one does not. */
class PublishITCase {

    @Test
    void publishesAValidDefinitionUnderItsIdAndNothingElse(@TempDir Path dir) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            Topics topics = new Topics("pub.");
            kafka.createTopics(topics.all(Platforms.SUPPORTED), 1);
            Path trattoria = Path.of("..", "bots", "trattoria.yaml");
            Path broken = Files.writeString(dir.resolve("broken.yaml"), Files.readString(trattoria).replace("  other:\n", "  othre:\n"));

            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int refused = cli(err).run(new String[] {"publish", "--bot", broken.toString(), "--bootstrap-servers",
                    kafka.bootstrapServers(), "--topic-prefix", topics.prefix()});
            assertThat(refused).isEqualTo(1);
            assertThat(err.toString(StandardCharsets.UTF_8)).contains("missing intent 'other'").contains("not published");

            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int ok = new SwitchboardCli(new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)).run(new String[] {"publish", "--bot",
                    trattoria.toString(), "--bootstrap-servers", kafka.bootstrapServers(), "--topic-prefix", topics.prefix()});
            assertThat(ok).isZero();
            assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("published bot 'trattoria' version 3 to pub.bots");

            List<ConsumerRecord<byte[], byte[]>> records = KafkaClients.readAtLeast(kafka.bootstrapServers(), topics.bots(), 1,
                    Duration.ofSeconds(30));
            assertThat(records).singleElement().satisfies(r -> {
                assertThat(KafkaClients.key(r)).isEqualTo("trattoria");
                assertThat(r.value()).isEqualTo(Files.readAllBytes(trattoria));
            });
        }
    }

    private static SwitchboardCli cli(ByteArrayOutputStream err) {
        return new SwitchboardCli(new ByteArrayInputStream(new byte[0]), new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }
}
