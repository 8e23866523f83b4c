package dev.switchboard.testkit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real KRaft broker (combined broker and controller) in its own JVM, started from Kafka's own
 * {@code kafka.Kafka} main with a {@code server.properties} file, so it can be stopped and started again
 * on the same port and log directory the way an operator restarts a broker. Logs go to
 * {@code broker.log} in the directory.
 */
public final class KafkaProcess implements AutoCloseable {
    private final Path dir;
    private final int port;
    private final Path properties;
    private Process process;

    private KafkaProcess(Path dir) throws IOException, InterruptedException {
        this.dir = Files.createDirectories(dir);
        this.port = Ports.free();
        int controllerPort = Ports.free();
        this.properties = dir.resolve("server.properties");
        Files.writeString(properties, String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@localhost:" + controllerPort,
                "listeners=PLAINTEXT://localhost:" + port + ",CONTROLLER://localhost:" + controllerPort,
                "advertised.listeners=PLAINTEXT://localhost:" + port,
                "controller.listener.names=CONTROLLER",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "inter.broker.listener.name=PLAINTEXT",
                "log.dirs=" + dir.resolve("data"),
                "offsets.topic.replication.factor=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                // Flink's transactional sink keeps transactions open for a checkpoint interval or two.
                "transaction.max.timeout.ms=900000",
                ""));
        run("kafka.tools.StorageTool", "format", "-t", clusterId(), "-c", properties.toString());
    }

    /** Formats a new log directory under {@code dir} and starts the broker. */
    public static KafkaProcess start(Path dir) throws Exception {
        KafkaProcess kafka = new KafkaProcess(dir);
        kafka.startBroker();
        return kafka;
    }

    public String bootstrapServers() {
        return "localhost:" + port;
    }

    /** Starts the broker process and waits until it accepts connections and serves metadata. */
    public void startBroker() throws Exception {
        process = java("kafka.Kafka", properties.toString())
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("broker.log").toFile()))
                .start();
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("broker exited with " + process.exitValue() + "; see " + dir.resolve("broker.log"));
            }
            try (Socket ignored = new Socket("localhost", port);
                 Admin admin = admin()) {
                admin.describeCluster().nodes().get(10, TimeUnit.SECONDS);
                return;
            } catch (IOException | java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                Thread.sleep(200);
            }
        }
        throw new IllegalStateException("broker did not come up within 60 s");
    }

    /** Stops the broker the way a service manager does (SIGTERM, controlled shutdown), and waits. */
    public void stopBroker() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    public void createTopics(Collection<String> names, int partitions) throws Exception {
        List<NewTopic> topics = new ArrayList<>();
        for (String name : names) {
            topics.add(new NewTopic(name, partitions, (short) 1));
        }
        try (Admin admin = admin()) {
            admin.createTopics(topics).all().get();
        }
    }

    private Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000));
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            stopBroker();
        }
    }

    private static String clusterId() {
        // Kafka's own generator: 16 random bytes in URL-safe base64, never starting with '-' (which StorageTool's
        // argument parser would take for an option: one random id in 64 did, and the broker never formatted).
        return org.apache.kafka.common.Uuid.randomUuid().toString();
    }

    private void run(String main, String... args) throws IOException, InterruptedException {
        Process p = java(main, args).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("broker.log").toFile())).start();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(main + " failed; see " + dir.resolve("broker.log"));
        }
    }

    private static ProcessBuilder java(String main, String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-cp", System.getProperty("java.class.path"), main));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true);
    }
}
