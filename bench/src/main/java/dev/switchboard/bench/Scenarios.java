package dev.switchboard.bench;

import dev.switchboard.bot.Bots;
import dev.switchboard.connectors.ChatKafka;
import dev.switchboard.job.JobConfig;
import dev.switchboard.job.SwitchboardJob;
import dev.switchboard.model.InboundRecord;
import dev.switchboard.model.OutboundRecord;
import dev.switchboard.model.Platforms;
import dev.switchboard.model.Topics;
import dev.switchboard.testkit.DemoTraffic;
import dev.switchboard.testkit.EmbeddedKafka;
import dev.switchboard.understand.IntentClassifier;
import org.HdrHistogram.Histogram;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongToDoubleFunction;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The benchmark's scenarios on one broker, each on topics of its own: the bare keyBy job (the ceiling),
 * Switchboard draining a backlog, and Switchboard open-loop on a schedule. Each produces the demo's
 * simulated traffic, runs the job on a local mini-cluster until every expected output is read, and hands
 * back a {@link ScenarioResult}.
 */
final class Scenarios {
    /** The broker every scenario of this instance uses (in this JVM, or a separate process). */
    private final String bootstrap;
    /** The mini-cluster TaskManager's managed memory (what RocksDB gets). */
    private final String managedMemory;
    /** Job options added to every Switchboard scenario. */
    private final List<String> jobArgs;
    /** Scenarios of one JVM each get topics of their own, whichever instance runs them. */
    private static int run;

    /** Conversations picked with probability ∝ 1/(i+1) (a few very active ones, a long tail), or uniformly. */
    private final boolean skewed;

    Scenarios(EmbeddedKafka kafka, String managedMemory, List<String> jobArgs) {
        this(kafka.bootstrapServers(), managedMemory, jobArgs, true);
    }

    Scenarios(EmbeddedKafka kafka, String managedMemory, List<String> jobArgs, boolean skewed) {
        this(kafka.bootstrapServers(), managedMemory, jobArgs, skewed);
    }

    /** Scenarios against a broker given by its address (one in its own JVM, say). */
    Scenarios(String bootstrap, String managedMemory, List<String> jobArgs, boolean skewed) {
        this(bootstrap, managedMemory, jobArgs, skewed, yaml -> yaml);
    }

    private Scenarios(String bootstrap, String managedMemory, List<String> jobArgs, boolean skewed,
            java.util.function.UnaryOperator<String> botVariant) {
        this.bootstrap = bootstrap;
        this.managedMemory = managedMemory;
        this.jobArgs = List.copyOf(jobArgs);
        this.skewed = skewed;
        this.botVariant = botVariant;
    }

    /** The same scenarios with the support bot's definition changed by {@code variant} and more job options. */
    Scenarios variant(java.util.function.UnaryOperator<String> variant, List<String> moreJobArgs) {
        List<String> args = new ArrayList<>(jobArgs);
        args.addAll(moreJobArgs);
        return new Scenarios(bootstrap, managedMemory, args, skewed, variant);
    }

    private final java.util.function.UnaryOperator<String> botVariant;

    /** The same records through a Flink job that only keys and forwards them. */
    ScenarioResult bare(int backlog) throws Exception {
        Topics topics = new Topics("bench" + (++run) + ".");
        createTopics(topics);
        Loaded loaded = produce(traffic(topics, 1_000, 7), backlog, null);
        JobConfig config = config(topics, "at-least-once", List.of());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(cluster(config));
        env.setParallelism(2);
        // Each record to its platform's outbound topic: the same topics and partitions Switchboard writes.
        env.fromSource(ChatKafka.source(config.kafka(), topics), WatermarkStrategy.noWatermarks(), "source")
                .keyBy(new RecordKey())
                .map(new Forward(topics.prefix()))
                .sinkTo(ChatKafka.sink(config.kafka(), "passthrough"));
        Drain drain = drain(outputs(topics), loaded.records, env, "bare", false);
        deleteCheckpoints(topics);
        return new ScenarioResult("ceiling 1: bare keyBy job, at-least-once", loaded.records, drain.throughput, new Histogram(3),
                drain.outputs, 0, 0, loaded.records, 0);
    }

    static final class RecordKey implements KeySelector<InboundRecord, String> {
        @Override
        public String getKey(InboundRecord r) {
            return r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8);
        }
    }

    /** {@code <prefix>in.<platform>} → {@code <prefix>out.<platform>}, record unchanged. */
    static final class Forward implements MapFunction<InboundRecord, OutboundRecord> {
        private final String prefix;

        Forward(String prefix) {
            this.prefix = prefix;
        }

        @Override
        public OutboundRecord map(InboundRecord r) {
            String platform = r.topic().substring(prefix.length() + "in.".length());
            return new OutboundRecord(prefix + "out." + platform, r.key(), r.value(), r.headers());
        }
    }

    private static Pattern outputs(Topics topics) {
        return Pattern.compile(Pattern.quote(topics.prefix()) + "(out\\..*|dlq)");
    }

    /** Switchboard draining a backlog produced before it starts: sustained throughput. */
    ScenarioResult backlog(String name, int actions, int conversations, String guarantee) throws Exception {
        Topics topics = new Topics("bench" + (++run) + ".");
        createTopics(topics);
        JobConfig config = config(topics, guarantee, List.of());
        StreamExecutionEnvironment env = SwitchboardJob.build(StreamExecutionEnvironment.getExecutionEnvironment(
                cluster(config)), config);
        Loaded loaded = produce(traffic(topics, conversations, 7), actions, null);
        Drain drain = drain(outputs(topics), loaded.expectedOutputs(), env, name, guarantee.equals("exactly-once"));
        deleteCheckpoints(topics);
        return drain.result(name, loaded);
    }

    /** Switchboard running while the generator sends on its schedule, whatever the job does. */
    ScenarioResult openLoop(String name, String guarantee, Schedule schedule,
            SerializableFunction<IntentClassifier, IntentClassifier> classifierDecorator) throws Exception {
        Topics topics = new Topics("bench" + (++run) + ".");
        createTopics(topics);
        JobConfig config = config(topics, guarantee, List.of());
        StreamExecutionEnvironment env = SwitchboardJob.build(StreamExecutionEnvironment.getExecutionEnvironment(
                cluster(config)), config, classifierDecorator);
        JobClient job = env.executeAsync(name);
        DemoTraffic traffic = traffic(topics, 1_000, 11);
        // Not measured: the job's start. Light traffic until the replies to it are all back, so the job is up
        // and answering (sources assigned, model loaded, state open); then it idles until the schedule begins.
        Reading probe = read(topics, guarantee, null, "bench-probe-reader");
        Loaded probed = produce(traffic, 200, Schedule.steady(100, 2));
        awaitOutputs(probe.collector(), probed.expectedOutputs());
        probe.stop();
        Reading reading = read(topics, guarantee, probe.collector().endOffsets, "bench-reader");
        ReplyCollector collector = reading.collector();
        Thread.sleep(3_000);
        Loaded loaded = produce(traffic, schedule.actions(), schedule);
        awaitOutputs(collector, loaded.expectedOutputs());
        Thread.sleep(2_000);
        reading.stop();
        job.cancel().get();
        deleteCheckpoints(topics);
        System.out.println(name + ": slowest reply per second of the schedule, ms: " + collector.maxBySecond.values());
        System.out.printf(Locale.ROOT, "%s: %,d answered, p50 %s ms, p99 %s ms%n", name, collector.answered.size(),
                PipelineBenchmark.ms(collector.latency, 50), PipelineBenchmark.ms(collector.latency, 99));
        return collector.result(name, loaded, loaded.records / schedule.seconds());
    }

    /**
     * The open loop as a new user runs it: the job started with {@code bin/switchboard run} in a JVM of its own (with
     * the TaskManager JVM flags of {@code flink-conf/config.yaml}), this JVM only generating load and reading replies,
     * the broker wherever this instance points (its own JVM for the external scenario). Prints the job process's and
     * the machine's CPU per message over the scheduled window.
     */
    ScenarioResult externalOpenLoop(String name, String guarantee, Schedule schedule, int warmUpSeconds, Path root,
            String jvmOptions) throws Exception {
        Topics topics = new Topics("bench" + (++run) + ".");
        createTopics(topics);
        Path log = root.resolve("logs").resolve("bench-external-job.log");
        Process job = startJob(topics, guarantee, root, jvmOptions, log);
        try {
            DemoTraffic traffic = traffic(topics, 1_000, 13);
            Reading probe = read(topics, guarantee, null, "bench-probe-reader");
            // The job's JVM starts, builds and loads its models: probe until it answers (not measured).
            long started = System.nanoTime();
            Loaded probed = produce(traffic, 200, Schedule.steady(100, 2));
            while (probe.collector().firstOutputs() < probed.expectedOutputs() && System.nanoTime() - started < 180_000_000_000L) {
                if (!job.isAlive()) {
                    throw new IllegalStateException("the job process ended (exit " + job.exitValue() + "); see " + log);
                }
                Thread.sleep(200);
            }
            System.out.printf(Locale.ROOT, "%s: the job answered its probes %.1f s after its process started%n", name,
                    (System.nanoTime() - started) / 1e9);
            probe.stop();
            Reading reading = read(topics, guarantee, probe.collector().endOffsets, "bench-reader");
            ReplyCollector collector = reading.collector();
            Thread.sleep(3_000);
            long[] jobCpuBefore = processCpuTicks(job.pid());
            long[] machineBefore = machineCpuTicks();
            // Inputs are stamped with their scheduled send time from now on: the warm part starts warmUpSeconds later.
            collector.warmAfter = System.currentTimeMillis() + warmUpSeconds * 1000L;
            Loaded loaded = produce(traffic, schedule.actions(), schedule);
            long[] jobCpuAfter = processCpuTicks(job.pid());
            long[] machineAfter = machineCpuTicks();
            awaitOutputs(collector, loaded.expectedOutputs());
            Thread.sleep(2_000);
            reading.stop();
            double ticks = 100.0; // USER_HZ on Linux
            double jobMicros = (jobCpuAfter[0] - jobCpuBefore[0]) / ticks * 1e6 / Math.max(1, loaded.records());
            double machineMicros = (machineAfter[0] - machineBefore[0]) / ticks * 1e6 / Math.max(1, loaded.records());
            System.out.println(name + ": slowest reply per second of the schedule, ms: " + collector.maxBySecond.values());
            System.out.printf(Locale.ROOT, "%s: warm (every later second's slowest reply under 1 s / 100 ms) from second %s / %s of %.0f%n",
                    name, warmFrom(collector.maxBySecond.values(), 1_000), warmFrom(collector.maxBySecond.values(), 100), schedule.seconds());
            System.out.printf(Locale.ROOT, "%s: %,d answered, p50 %s ms, p99 %s ms, p99.9 %s ms; CPU per inbound record: job process %.0f µs,"
                            + " whole machine %.0f µs (over the %.0f s schedule)%n", name, collector.answered.size(),
                    PipelineBenchmark.ms(collector.latency, 50), PipelineBenchmark.ms(collector.latency, 99),
                    PipelineBenchmark.ms(collector.latency, 99.9), jobMicros, machineMicros, schedule.seconds());
            System.out.printf(Locale.ROOT, "%s: after the first %d s (warm-up): %,d answered, p50 %s ms, p99 %s ms, p99.9 %s ms,"
                            + " max %s ms (goals: p99 ≤ 50, p99.9 ≤ 100)%n", name, warmUpSeconds, collector.warmLatency.getTotalCount(),
                    PipelineBenchmark.ms(collector.warmLatency, 50), PipelineBenchmark.ms(collector.warmLatency, 99),
                    PipelineBenchmark.ms(collector.warmLatency, 99.9), collector.warmLatency.getTotalCount() == 0 ? "–"
                            : Long.toString(collector.warmLatency.getMaxValue()));
            return collector.result(name, loaded, loaded.records / schedule.seconds());
        } finally {
            stopJob(job, topics);
        }
    }

    /** Ends a job started by {@link #startJob} (SIGTERM, then SIGKILL after 30 s) and drops its checkpoints. */
    private static void stopJob(Process job, Topics topics) throws Exception {
        job.destroy();
        if (!job.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
            job.destroyForcibly();
        }
        deleteCheckpoints(topics);
    }

    /** {@code bin/switchboard run} for these topics in a JVM of its own, its output in {@code log}. */
    private Process startJob(Topics topics, String guarantee, Path root, String jvmOptions, Path log) throws IOException {
        List<String> command = new ArrayList<>(List.of(root.resolve("bin/switchboard").toString(), "run"));
        command.addAll(configArgs(topics, guarantee, List.of()));
        Files.createDirectories(log.getParent());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("JAVA_OPTS", jvmOptions);
        return builder.start();
    }

    /**
     * Warm-up from a cold JVM: the backlog is written first, then the job is started with {@code bin/switchboard run} in
     * a JVM of its own (as in {@link #externalOpenLoop}), and its outputs are counted per second of append time from the
     * second of its first output (its first records). Prints the rate of each second, the sustained rate (the median
     * second of the drain's second half) and the first second whose rate reaches 90 % of it.
     */
    ScenarioResult coldBacklog(String name, int actions, Path root, String jvmOptions) throws Exception {
        Topics topics = new Topics("bench" + (++run) + ".");
        createTopics(topics);
        Loaded loaded = produce(traffic(topics, 1_000, 7), actions, null);
        Reading reading = read(topics, "at-least-once", null, "bench-reader");
        Thread.sleep(2_000);
        Path log = root.resolve("logs").resolve("bench-cold-job.log");
        long started = System.nanoTime();
        Process job = startJob(topics, "at-least-once", root, jvmOptions, log);
        try {
            ReplyCollector collector = reading.collector();
            while (collector.firstOutputs() == 0 && System.nanoTime() - started < 180_000_000_000L) {
                if (!job.isAlive()) {
                    throw new IllegalStateException("the job process ended (exit " + job.exitValue() + "); see " + log);
                }
                Thread.sleep(100);
            }
            System.out.printf(Locale.ROOT, "%s: first output %.1f s after the job's process started%n", name,
                    (System.nanoTime() - started) / 1e9);
            awaitOutputs(collector, loaded.expectedOutputs());
            reading.stop();
            long[] perSecond = collector.outputsPerSecond();
            // The last second is partial; the sustained rate is the median of the second half's full seconds.
            long[] later = Arrays.copyOfRange(perSecond, perSecond.length / 2, Math.max(perSecond.length / 2 + 1, perSecond.length - 1));
            long[] sorted = later.clone();
            Arrays.sort(sorted);
            long sustained = sorted[sorted.length / 2];
            int reached = -1;
            for (int i = 0; i < perSecond.length && reached < 0; i++) {
                if (perSecond[i] >= 0.9 * sustained) {
                    reached = i;
                }
            }
            System.out.println(name + ": outputs per second from the first: " + Arrays.toString(perSecond));
            System.out.printf(Locale.ROOT, "%s: sustained %,d/s (median second of the second half); 90 %% of it first in second %d"
                    + " after the first output (goal: within 20 s)%n", name, sustained, reached);
            return collector.result(name, loaded, sustained);
        } finally {
            stopJob(job, topics);
        }
    }

    /** A reply collector on its own thread. */
    private record Reading(ReplyCollector collector, Thread thread) {
        void stop() throws InterruptedException {
            collector.stop();
            thread.join();
        }
    }

    /** Starts reading the outputs, from their end offsets {@code from} (or from now when null). */
    private Reading read(Topics topics, String guarantee, Map<org.apache.kafka.common.TopicPartition, Long> from, String threadName) {
        boolean committed = guarantee.equals("exactly-once");
        ReplyCollector collector = from == null ? new ReplyCollector(bootstrap, outputs(topics), committed)
                : new ReplyCollector(bootstrap, outputs(topics), committed, from);
        Thread thread = new Thread(collector, threadName);
        thread.start();
        return new Reading(collector, thread);
    }

    /** The first second from which every later second's slowest reply stays under {@code limitMs}, or "never". */
    static String warmFrom(java.util.Collection<Long> slowestPerSecond, long limitMs) {
        List<Long> values = new ArrayList<>(slowestPerSecond);
        int from = values.size();
        while (from > 0 && values.get(from - 1) < limitMs) {
            from--;
        }
        return from == values.size() ? "never" : Integer.toString(from);
    }

    /** {utime + stime} of a process, in clock ticks ({@code /proc/<pid>/stat}); zeros where there is no /proc. */
    static long[] processCpuTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return new long[] {Long.parseLong(f[11]) + Long.parseLong(f[12])};
        } catch (IOException | RuntimeException e) {
            return new long[] {0};
        }
    }

    /** Busy clock ticks of the whole machine (all of {@code /proc/stat}'s cpu line but idle and iowait). */
    static long[] machineCpuTicks() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long busy = 0;
            for (int i = 1; i < f.length && i <= 8; i++) {
                if (i != 4 && i != 5) {
                    busy += Long.parseLong(f[i]);
                }
            }
            return new long[] {busy};
        } catch (IOException | RuntimeException e) {
            return new long[] {0};
        }
    }

    /** When each generated action is due, in seconds from the start. */
    record Schedule(long actions, double seconds, LongToDoubleFunction at) {
        static Schedule steady(double rate, int seconds) {
            return new Schedule((long) (rate * seconds), seconds, i -> i / rate);
        }

        /** The rate climbs linearly from 0 to {@code peak} within {@code rampSeconds}, then holds. */
        static Schedule spike(double peak, double rampSeconds, int holdSeconds) {
            double rampActions = peak * rampSeconds / 2; // the area under the ramp
            return new Schedule((long) (rampActions + peak * holdSeconds), rampSeconds + holdSeconds,
                    i -> i < rampActions ? Math.sqrt(2 * i * rampSeconds / peak) : rampSeconds + (i - rampActions) / peak);
        }
    }

    /** The job's configuration plus the mini-cluster's TaskManager memory for RocksDB. */
    private Configuration cluster(JobConfig config) {
        Configuration conf = SwitchboardJob.jobConfiguration(config);
        conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE,
                MemorySize.parse(managedMemory));
        return conf;
    }

    private static Path checkpointDir(Topics topics) {
        return Path.of(System.getProperty("java.io.tmpdir"), "switchboard-bench", topics.prefix());
    }

    /** The job keeps its checkpoints on cancel (as in production); a finished scenario's are not needed. */
    private static void deleteCheckpoints(Topics topics) throws IOException {
        Path dir = checkpointDir(topics);
        if (Files.exists(dir)) {
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private JobConfig config(Topics topics, String guarantee, List<String> extra) throws IOException {
        return JobConfig.parse(configArgs(topics, guarantee, extra));
    }

    private List<String> configArgs(Topics topics, String guarantee, List<String> extra) throws IOException {
        List<String> args = new ArrayList<>(List.of("--bootstrap-servers", bootstrap, "--topic-prefix", topics.prefix(),
                "--group-id", topics.prefix() + "job", "--transactional-id-prefix", topics.prefix() + "tx",
                "--delivery-guarantee", guarantee, "--parallelism", "2",
                // At-least-once: the job's default interval (10 s). Exactly-once replies become visible when
                // their checkpoint commits, so a deployment choosing it runs a short interval.
                "--checkpoint-interval", guarantee.equals("exactly-once") ? "2s" : "10s",
                "--checkpoint-dir", checkpointDir(topics).toUri().toString(),
                // The support bot without quiet time after a handoff, so every valid message has a reply to account for.
                "--bot", quietlessSupportBot().toString(), "--partition-discovery-interval", "2s"));
        args.addAll(extra);
        args.addAll(jobArgs);
        return args;
    }

    private Path quietless;

    /** The shipped support bot with {@code handoff_quiet_for: 0ms}, written once to a temporary file. */
    private Path quietlessSupportBot() throws IOException {
        if (quietless == null) {
            String yaml = Bots.shippedYaml("support");
            quietless = Files.createTempFile("switchboard-bench-support", ".yaml");
            quietless.toFile().deleteOnExit();
            Files.writeString(quietless, botVariant.apply(yaml.replace("handoff_quiet_for: 30min", "handoff_quiet_for: 0ms")));
        }
        return quietless;
    }

    private void createTopics(Topics topics) throws Exception {
        List<NewTopic> list = new ArrayList<>();
        for (String t : topics.all(Platforms.SUPPORTED)) {
            list.add(new NewTopic(t, 2, (short) 1).configs(Map.of("message.timestamp.type", "LogAppendTime")));
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(list).all().get();
        }
    }

    /** What was produced: records, and the outcomes they must have. */
    record Loaded(long records, long actions, long malformed, long redeliveries) {
        long expectedAnswered() {
            return actions - malformed;
        }

        long expectedOutputs() {
            return expectedAnswered() + malformed;
        }
    }

    private KafkaProducer<byte[], byte[]> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.LINGER_MS_CONFIG, 2, ProducerConfig.BATCH_SIZE_CONFIG, 65536,
                // Like a webhook receiver: acks from the leader, no idempotent sequences (a 2-core broker
                // under a backlog burst answered those with OutOfOrderSequence loops).
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false, ProducerConfig.ACKS_CONFIG, "1"));
    }

    /** The benchmark's traffic: skewed (unless told otherwise), 1 % malformed, 2 % redelivered. */
    private DemoTraffic traffic(Topics topics, int conversations, long seed) {
        return new DemoTraffic(bootstrap, topics, 1_000, conversations, skewed, 0.01, 0.02, seed);
    }

    /** Writes the actions as fast as possible ({@code schedule} null) or each at its scheduled time. */
    private Loaded produce(DemoTraffic traffic, long actions, Schedule schedule) throws InterruptedException {
        long records = 0;
        long malformed = 0;
        long redeliveries = 0;
        long start = System.nanoTime();
        long startMs = System.currentTimeMillis();
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            for (long i = 0; i < actions; i++) {
                long receivedAt = System.currentTimeMillis();
                if (schedule != null) {
                    double due = schedule.at().applyAsDouble(i);
                    long wait = start + (long) (due * 1e9) - System.nanoTime();
                    if (wait > 1_000_000) {
                        Thread.sleep(wait / 1_000_000);
                    }
                    // The scheduled time, not the actual one: a stalled sender cannot hide latency.
                    receivedAt = startMs + (long) (due * 1000);
                }
                DemoTraffic.Deliveries d = traffic.next(receivedAt);
                d.records().forEach(producer::send);
                records += d.records().size();
                malformed += d.malformed() ? 1 : 0;
                redeliveries += d.redelivered() ? 1 : 0;
            }
        }
        return new Loaded(records, actions, malformed, redeliveries);
    }

    /** Runs the job over a backlog until the expected outputs are there; throughput over the middle 80 %. */
    private Drain drain(Pattern outputs, long expectedOutputs, StreamExecutionEnvironment env, String name, boolean readCommitted)
            throws Exception {
        ReplyCollector collector = new ReplyCollector(bootstrap, outputs, readCommitted);
        Thread reader = new Thread(collector, "bench-reader");
        reader.start();
        JobClient job = env.executeAsync(name);
        awaitOutputs(collector, expectedOutputs);
        Thread.sleep(2_000);
        collector.stop();
        reader.join();
        job.cancel().get();
        Drain d = new Drain();
        d.collector = collector;
        d.outputs = collector.firstOutputs();
        d.throughput = collector.middleThroughput(expectedOutputs);
        System.out.printf(Locale.ROOT, "%s: %,d outputs, %,.0f/s%n", name, d.outputs, d.throughput);
        return d;
    }

    /** Until every expected output is there, or nothing new arrived for 20 s (the accounting then shows what is missing). */
    private static void awaitOutputs(ReplyCollector collector, long expected) throws InterruptedException {
        long last = 0;
        long quietSince = System.currentTimeMillis();
        while (collector.firstOutputs() < expected && System.currentTimeMillis() - quietSince < 20_000) {
            Thread.sleep(200);
            if (collector.firstOutputs() != last) {
                last = collector.firstOutputs();
                quietSince = System.currentTimeMillis();
            }
        }
    }

    static final class Drain {
        ReplyCollector collector;
        long outputs;
        double throughput;

        ScenarioResult result(String name, Loaded loaded) {
            // Throughput in inputs/s: outputs per second scaled by inputs per output.
            double perInput = loaded.records / (double) Math.max(1, loaded.expectedOutputs());
            return collector.result(name, loaded, throughput * perInput);
        }
    }
}
