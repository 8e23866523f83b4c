package dev.switchboard.job;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.model.Json;
import dev.switchboard.model.Platforms;
import dev.switchboard.model.Topics;
import dev.switchboard.savepoints.SavepointTools;
import dev.switchboard.savepoints.SessionRecord;
import dev.switchboard.testkit.EmbeddedKafka;
import dev.switchboard.testkit.KafkaClients;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A savepoint upgrade on the real standalone cluster ({@code bin/cluster}: a JobManager and a
 * TaskManager in their own JVMs), the way users do it. Version 1 is the previous release: this job's
 * jar with the previous {@code DialogueState} (no {@code startedAt}), the previous dialogue step (the whole session
 * as one POJO value, {@code dialogue-state}, history and redelivery keys inside) and the previous topology (no
 * {@code handoff-records} operator, no handoff sink, the understand step in ordered async mode with
 * Flink's retry strategy), compiled from {@code src/test/previous-release}.
 * It is submitted through the REST API, two conversations are driven into the order-number flow, it is
 * stopped with a savepoint, and the current jar is submitted from that savepoint: both conversations
 * complete, a redelivered v1 update is not answered again, the sessions move to the split layout (small fields in
 * {@code dialogue-session}, turns in {@code dialogue-history}) with v1's turns kept, the new field is filled, and the
 * new operators work (a handoff record is written).
 */
class ClusterUpgradeITCase {
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    @Test
    void aSavepointUpgradeWithANewStateFieldAndNewOperatorsKeepsTheConversations(@TempDir Path tmp) throws Exception {
        Path currentJar = currentJar();
        Path previousJar = previousReleaseJar(currentJar, tmp);
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
             KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(kafka)) {
            Topics topics = new Topics("upgrade.");
            kafka.createTopics(topics.all(Platforms.SUPPORTED), 2);
            List<String> jobArgs = List.of("--bootstrap-servers", kafka.bootstrapServers(), "--topic-prefix", topics.prefix(),
                    "--group-id", "upgrade-it", "--intent-model", "rules", "--checkpoint-interval", "1s",
                    "--checkpoint-dir", tmp.resolve("checkpoints").toUri().toString(), "--parallelism", "2",
                    "--partition-discovery-interval", "1s");
            String savepoints = tmp.resolve("savepoints").toUri().toString();

            cluster("start");
            try {
                // v1: two users are asked for their order number.
                String v1 = last(cluster(concat(List.of("submit", "--jar", previousJar.toString(), "--"), jobArgs)));
                assertThat(operatorNames(v1)).anyMatch(n -> n.contains("dialogue")).noneMatch(n -> n.contains("handoff-records"));
                send(producer, topics, 555, KafkaClients.telegramUpdate(1, 555, "where is my order?"));
                send(producer, topics, 666, KafkaClients.telegramUpdate(2, 666, "I want a refund"));
                assertThat(await(kafka, topics.outbound("telegram"), 2).values())
                        .contains("Sure. What's your order number?");
                String savepoint = last(cluster("stop-with-savepoint", v1, savepoints));

                // The savepoint holds the sessions in the previous type: no start time.
                Map<String, SessionRecord> before = byKey(SavepointTools.sessions(savepoint));
                assertThat(before).containsKeys("support:telegram:555", "support:telegram:666");
                assertThat(before.values()).allSatisfy(s -> {
                    assertThat(s.state.startedAt).isZero();
                    assertThat(s.wholeValue).isTrue();
                });

                // v2 from the savepoint: the flows complete, a third user's handoff goes through the new operators.
                String v2 = last(cluster(concat(List.of("submit", "-s", savepoint, "--"), jobArgs)));
                assertThat(operatorNames(v2)).anyMatch(n -> n.contains("handoff-records"));
                // Telegram sends update 1 again (it does when a webhook answer is lost): answered once, in v1.
                send(producer, topics, 555, KafkaClients.telegramUpdate(1, 555, "where is my order?"));
                send(producer, topics, 555, KafkaClients.telegramUpdate(3, 555, "48213"));
                send(producer, topics, 666, KafkaClients.telegramUpdate(4, 666, "51177"));
                send(producer, topics, 777, KafkaClients.telegramUpdate(5, 777, "let me talk to a human"));
                Map<String, String> replies = await(kafka, topics.outbound("telegram"), 5);
                assertThat(replies.get("555")).isEqualTo(
                        "Got it: order <b>48213</b>. I've requested its latest status and will post the update in this chat.");
                assertThat(replies.get("666")).contains("51177");
                assertThat(await(kafka, topics.handoff(), 1)).containsKey("support:telegram:777");

                // The new field was filled from the conversation's first turn, kept from v1.
                String after = last(cluster("stop-with-savepoint", v2, savepoints));
                SessionRecord ana = byKey(SavepointTools.sessions(after)).get("support:telegram:555");
                assertThat(ana.state.startedAt).isEqualTo(before.get("support:telegram:555").state.history.get(0).at);
                // Moved to the split layout with v1's turns first; the redelivered update left no turn.
                assertThat(ana.wholeValue).isFalse();
                assertThat(ana.state.history).extracting(t -> t.text).hasSize(4).startsWith("where is my order?",
                        "Sure. What's your order number?", "48213");
            } finally {
                cluster("stop");
            }
        }
    }

    /** The names of the job's vertices (chains of operators), from the cluster's REST API. */
    private static List<String> operatorNames(String jobId) throws Exception {
        String plan = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://localhost:8081/jobs/" + jobId + "/plan")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        List<String> names = new ArrayList<>();
        Json.MAPPER.readTree(plan).path("plan").path("nodes").forEach(n -> names.add(n.path("description").asText()));
        return names;
    }

    /** The current version's shaded jar, as the build made it. */
    private static Path currentJar() throws IOException {
        try (Stream<Path> files = Files.list(ROOT.resolve("job/target"))) {
            return files.filter(p -> p.getFileName().toString().matches("switchboard-job-.*\\.jar"))
                    .filter(p -> !p.getFileName().toString().startsWith("original-")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no shaded job jar: run mvn package first"));
        }
    }

    /** The current jar with the previous release's classes compiled over it. */
    private static Path previousReleaseJar(Path currentJar, Path tmp) throws IOException {
        Path sources = ROOT.resolve("job/src/test/previous-release");
        Path classes = Files.createDirectories(tmp.resolve("previous-classes"));
        List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "-nowarn", "-proc:none", "-cp",
                currentJar + java.io.File.pathSeparator + Files.readString(ROOT.resolve("job/target/cluster-classpath.txt")).trim()));
        try (Stream<Path> files = Files.walk(sources)) {
            files.filter(p -> p.toString().endsWith(".java")).forEach(p -> args.add(p.toString()));
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertThat(javac.run(null, null, null, args.toArray(String[]::new))).as("previous release compiles").isZero();

        Map<String, Path> replaced = new TreeMap<>();
        try (Stream<Path> files = Files.walk(classes)) {
            files.filter(p -> p.toString().endsWith(".class"))
                    .forEach(p -> replaced.put(classes.relativize(p).toString().replace('\\', '/'), p));
        }
        Set<String> replacedPrefixes = Set.copyOf(replaced.keySet().stream()
                .map(n -> n.replaceAll("(\\$.*)?\\.class$", "")).toList());
        Path jar = tmp.resolve("switchboard-job-previous.jar");
        try (ZipFile in = new ZipFile(currentJar.toFile());
             ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(jar))) {
            for (ZipEntry e : java.util.Collections.list(in.entries())) {
                String outer = e.getName().replaceAll("(\\$.*)?\\.class$", "");
                if (e.getName().endsWith(".class") && replacedPrefixes.contains(outer)) {
                    continue;
                }
                out.putNextEntry(new ZipEntry(e.getName()));
                try (InputStream data = in.getInputStream(e)) {
                    data.transferTo(out);
                }
                out.closeEntry();
            }
            for (Map.Entry<String, Path> c : replaced.entrySet()) {
                out.putNextEntry(new ZipEntry(c.getKey()));
                Files.copy(c.getValue(), out);
                out.closeEntry();
            }
        }
        return jar;
    }

    /** Runs {@code bin/cluster} with the arguments and returns its standard output lines. */
    private static List<String> cluster(String... args) throws Exception {
        return cluster(List.of(args));
    }

    private static List<String> cluster(List<String> args) throws Exception {
        List<String> command = new ArrayList<>(List.of(ROOT.resolve("bin/cluster").toString()));
        command.addAll(args);
        Process p = new ProcessBuilder(command).directory(ROOT.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out;
        try (InputStream stdout = p.getInputStream()) {
            out = new String(stdout.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).as("bin/cluster %s finished", args).isTrue();
        assertThat(p.exitValue()).as("bin/cluster %s: %s", args, out).isZero();
        System.out.println("bin/cluster " + String.join(" ", args) + " → " + out.trim());
        return out.lines().toList();
    }

    private static String last(List<String> lines) {
        assertThat(lines).isNotEmpty();
        return lines.get(lines.size() - 1).trim();
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static Map<String, SessionRecord> byKey(List<SessionRecord> sessions) {
        Map<String, SessionRecord> m = new TreeMap<>();
        sessions.forEach(s -> m.put(s.sessionKey, s));
        return m;
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, Topics topics, long chat, String payload) {
        producer.send(new ProducerRecord<>(topics.inbound("telegram"), Long.toString(chat).getBytes(StandardCharsets.UTF_8),
                payload.getBytes(StandardCharsets.UTF_8)));
        producer.flush();
    }

    /** Waits for {@code count} records on the topic; returns the last record's text (or the whole body) per key. */
    private static Map<String, String> await(EmbeddedKafka kafka, String topic, int count) throws IOException {
        Map<String, String> byKey = new TreeMap<>();
        List<ConsumerRecord<byte[], byte[]>> records = KafkaClients.readAtLeast(kafka.bootstrapServers(), topic, count,
                Duration.ofSeconds(120));
        for (ConsumerRecord<byte[], byte[]> r : records) {
            JsonNode body = Json.MAPPER.readTree(r.value());
            byKey.put(KafkaClients.key(r), body.has("text") ? body.get("text").asText() : body.toString());
        }
        assertThat(records).as("records on " + topic + ": " + byKey).hasSizeGreaterThanOrEqualTo(count);
        return byKey;
    }
}
