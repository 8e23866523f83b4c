package dev.switchboard.cli;

import dev.switchboard.model.InboundRecord;
import dev.switchboard.testkit.EmbeddedKafka;
import dev.switchboard.testkit.KafkaClients;
import dev.switchboard.testkit.OutboundSamples;
import dev.switchboard.testkit.PlatformApiFake;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code switchboard deliver} in its own JVM, killed with SIGKILL after sending replies it had not yet
 * checkpointed, then started again with the same {@code --checkpoint-dir}: it resumes from its checkpoint by itself,
 * reads the delivery log, and sends none of those replies again (the fake counts posts per body).
 */
class DeliverKillITCase {

    @Test
    void aKilledProcessResumesAndSendsNothingTwice(@TempDir Path tmp) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
             PlatformApiFake fake = new PlatformApiFake(0);
             KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(kafka)) {
            String prefix = "kill.";
            List<String> topics = new ArrayList<>();
            OutboundSamples.PLATFORMS.forEach(p -> topics.add(prefix + "out." + p));
            topics.add(prefix + "delivered");
            topics.add(prefix + "delivery.dlq");
            kafka.createTopics(topics, 1);
            Path bots = tmp.resolve("bots.properties");
            Files.writeString(bots, PlatformApiFake.botsFile("acme"));
            Path checkpoints = tmp.resolve("checkpoints");
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx768m",
                    "-cp", System.getProperty("java.class.path"), SwitchboardCli.class.getName(), "deliver",
                    "--bootstrap-servers", kafka.bootstrapServers(), "--topic-prefix", prefix,
                    "--bots-file", bots.toString(), "--default-bot-id", "acme", "--parallelism", "1",
                    "--checkpoint-dir", checkpoints.toUri().toString(), "--checkpoint-interval", "8s",
                    // Only the checkpoint may stop a second send here, not the start-up lookback.
                    "--recovery-lookback", "1ms"));
            for (Map.Entry<String, String> base : fake.apiBases().entrySet()) {
                command.addAll(List.of("--api-base", base.getKey() + "=" + base.getValue()));
            }

            Process first = start(command, tmp.resolve("first.log"));
            try {
                waitFor(() -> latestCheckpoint(checkpoints) > 0, Duration.ofSeconds(120), "a first checkpoint");
                // Right after a checkpoint, so the batch is delivered well before the next one.
                long previous = latestCheckpoint(checkpoints);
                waitFor(() -> latestCheckpoint(checkpoints) > previous, Duration.ofSeconds(30), "the next checkpoint");
                long checkpointsBefore = latestCheckpoint(checkpoints);
                int firstBatch = produce(producer, prefix, 0);
                waitFor(() -> fake.accepted().size() >= firstBatch, Duration.ofSeconds(60), "the first batch delivered");
                Thread.sleep(300); // outcomes logged
                // Killed before its next checkpoint: the first batch is not in any checkpoint.
                assertThat(latestCheckpoint(checkpoints)).as("no checkpoint since the batch").isEqualTo(checkpointsBefore);
            } finally {
                first.destroyForcibly().waitFor();
            }
            int postsAtKill = fake.posts().size();

            Process second = start(command, tmp.resolve("second.log"));
            try {
                int secondBatch = produce(producer, prefix, 1);
                waitFor(() -> fake.posts().size() >= postsAtKill + secondBatch, Duration.ofSeconds(120), "the second batch delivered");
                Thread.sleep(3000); // a replayed first batch would be sent by now
                assertThat(Files.readString(tmp.resolve("second.log"))).contains("resuming from");
                assertThat(fake.posts().size() - postsAtKill).as("posts after the restart: the second batch only")
                        .isEqualTo(secondBatch);
                assertThat(fake.postsPerBody().values()).allMatch(n -> n == 1);
            } finally {
                second.destroyForcibly().waitFor();
            }
        }
    }

    private static Process start(List<String> command, Path log) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("ORT_DISABLE_TELEMETRY", "1");
        return pb.start();
    }

    /** The number of the newest completed checkpoint ({@code chk-<n>/_metadata}), 0 if none. */
    private static long latestCheckpoint(Path dir) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.walk(dir, 3)) {
            return s.filter(p -> p.getFileName().toString().equals("_metadata"))
                    .mapToLong(p -> Long.parseLong(p.getParent().getFileName().toString().substring(4)))
                    .max().orElse(0);
        } catch (Exception e) {
            return 0;
        }
    }

    /** One reply per platform for two conversations, message {@code m}. */
    private static int produce(KafkaProducer<byte[], byte[]> producer, String prefix, int m) {
        int n = 0;
        for (String platform : OutboundSamples.PLATFORMS) {
            for (int c = 0; c < 2; c++) {
                List<InboundRecord> rs = OutboundSamples.records(prefix, platform, "acme", c, "k" + c + "-" + m, "c" + c + " m" + m);
                OutboundSamples.send(producer, rs);
                n += rs.size();
            }
        }
        producer.flush();
        return n;
    }

    private static void waitFor(BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
            Thread.sleep(50);
        }
    }
}
