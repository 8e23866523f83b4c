package dev.switchboard.demo;

import dev.switchboard.connectors.ChatKafka;
import dev.switchboard.understand.Featurizer;
import dev.switchboard.understand.OnnxIntentSession;
import dev.switchboard.job.JobConfig;
import dev.switchboard.job.SwitchboardJob;
import dev.switchboard.model.Headers;
import dev.switchboard.model.InboundRecord;
import dev.switchboard.model.OutboundRecord;
import dev.switchboard.model.Platforms;
import dev.switchboard.model.Topics;

import org.HdrHistogram.Histogram;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongToDoubleFunction;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The whole pipeline against the machine's ceilings, in one run on one broker:
 * <ul>
 *   <li>ceiling 1: a bare Flink job moving the same records inbound → keyBy → outbound, no work;</li>
 *   <li>ceiling 2: raw ONNX Runtime throughput of the model at batch 64 (features prepared);</li>
 *   <li>Switchboard draining a backlog (sustained throughput) at-least-once and exactly-once, with
 *       1k conversations, and with 100k and 1M (session growth: RocksDB state grows);</li>
 *   <li>Switchboard open-loop at half the sustained rate (latency, no coordinated omission: each
 *       record's received-at is its scheduled send time).</li>
 * </ul>
 * Traffic: the demo's scripted conversations on all nine platforms, activity skewed (conversation i
 * picked with probability ∝ 1/(i+1)), 1 % malformed and 2 % redelivered. Every input is accounted
 * for: answered (a reply with its source-message-id), dead-lettered, deduplicated; lost must be 0.
 * Run: {@code bin/bench pipeline [--quick]}.
 */
public final class PipelineBenchmark {
    static final List<String> SCENARIOS = List.of("bare", "alo", "eo", "many", "open", "spike", "tail", "open-eo");

    private final EmbeddedKafka kafka;
    private final Options options;
    private int run;

    private PipelineBenchmark(EmbeddedKafka kafka, Options options) {
        this.kafka = kafka;
        this.options = options;
    }

    /** Command-line options; sizes default to the quick or the full run. */
    record Options(boolean quick, int warmUp, Set<String> scenarios, int backlog, List<Integer> manyConversations,
                   double openRate, String managedMemory, List<String> jobArgs) {
        static Options parse(String[] args) {
            List<String> list = List.of(args);
            boolean quick = list.contains("--quick");
            Set<String> scenarios = new LinkedHashSet<>(SCENARIOS);
            int backlog = quick ? 20_000 : 100_000;
            List<Integer> manyConversations = quick ? List.of(20_000) : List.of(100_000, 1_000_000);
            double openRate = 0;
            int warmUp = quick ? 20_000 : 100_000;
            // What flink-conf/config.yaml's 2,048 MB TaskManager gives RocksDB: 0.4 of its Flink memory
            // (2,048 − 256 metaspace − 307 JVM overhead). A local mini-cluster would otherwise give 128 MB.
            String managedMemory = "594m";
            List<String> jobArgs = new ArrayList<>();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--quick" -> { }
                    case "--scenarios" -> {
                        scenarios = new LinkedHashSet<>(List.of(value(args, ++i, a).split(",")));
                        for (String s : scenarios) {
                            if (!SCENARIOS.contains(s)) {
                                throw new IllegalArgumentException("unknown scenario '" + s + "'; known: " + String.join(",", SCENARIOS));
                            }
                        }
                    }
                    case "--warm-up" -> warmUp = Integer.parseInt(value(args, ++i, a));
                    case "--backlog" -> backlog = Integer.parseInt(value(args, ++i, a));
                    case "--conversations" -> manyConversations = Arrays.stream(value(args, ++i, a).split(","))
                            .map(String::trim).map(Integer::valueOf).toList();
                    case "--open-rate" -> openRate = Double.parseDouble(value(args, ++i, a));
                    case "--managed-memory" -> managedMemory = value(args, ++i, a);
                    case "--job-arg" -> jobArgs.addAll(List.of(value(args, ++i, a).split("=", 2)));
                    default -> throw new IllegalArgumentException("unknown option '" + a + "'");
                }
            }
            return new Options(quick, warmUp, scenarios, backlog, manyConversations, openRate, managedMemory, jobArgs);
        }

        private static String value(String[] args, int i, String option) {
            if (i >= args.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return args[i];
        }
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("bench pipeline: " + e.getMessage());
            System.err.println("usage: bin/bench pipeline [--quick] [--scenarios " + String.join(",", SCENARIOS)
                    + "] [--warm-up ACTIONS] [--managed-memory SIZE] [--backlog N] [--conversations N[,N...]] [--open-rate R] [--job-arg --name=value]");
            System.exit(2);
            return;
        }
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            new PipelineBenchmark(kafka, options).runAll(String.join(" ", args));
        }
        System.exit(0);
    }

    /** What a scenario produced. */
    record Result(String name, long inputs, double throughput, Histogram latency, long answered, long deadLettered,
                  long deduplicated, long expectedAnswered, long duplicateReplies) {
        long lost() {
            return Math.max(0, expectedAnswered - answered);
        }
    }

    private void runAll(String args) throws Exception {
        Set<String> want = options.scenarios();
        List<Result> results = new ArrayList<>();
        double inference = inferenceCeiling(options.quick() ? 2 : 5);
        warmUp();
        Result bare = want.contains("bare") ? bare(options.backlog()) : null;
        Result alo = want.contains("alo") ? backlog("steady backlog, 1k conversations, at-least-once", options.backlog(), 1_000,
                "at-least-once") : null;
        Result eo = want.contains("eo") ? backlog("steady backlog, 1k conversations, exactly-once", options.backlog(), 1_000,
                "exactly-once") : null;
        // Session growth: each size gets 1.2 actions per conversation (at least the 1k backlog).
        List<Result> growth = new ArrayList<>();
        if (want.contains("many")) {
            for (int conversations : options.manyConversations()) {
                growth.add(backlog(String.format(Locale.ROOT, "steady backlog, %,d conversations, at-least-once", conversations),
                        Math.max(options.backlog(), conversations / 5 * 6), conversations, "at-least-once"));
            }
        }
        double sustained = options.openRate() > 0 ? options.openRate() * 2 : alo != null ? alo.throughput() : 2_000;
        double half = sustained / 2;
        int seconds = options.quick() ? 10 : 60;
        Result open = want.contains("open") ? openLoop(String.format(Locale.ROOT,
                "open loop at %.0f/s (half of sustained), at-least-once", half), "at-least-once",
                Schedule.steady(half, seconds), List.of()) : null;
        Result openEo = want.contains("open-eo") ? openLoop(String.format(Locale.ROOT,
                "open loop at %.0f/s, exactly-once (replies visible per checkpoint, every 2 s)", half), "exactly-once",
                Schedule.steady(half, seconds), List.of()) : null;
        double peak = sustained * 0.8;
        Result spike = want.contains("spike") ? openLoop(String.format(Locale.ROOT,
                "spike: idle, then 0 → %.0f/s (0.8 × sustained) within 3 s, held %d s, at-least-once", peak, seconds / 2),
                "at-least-once", Schedule.spike(peak, 3, seconds / 2), List.of()) : null;
        Result tail = want.contains("tail") ? openLoop(String.format(Locale.ROOT,
                "long tail: open loop at %.0f/s, 10 %% of inferences delayed 1.2 s, at-least-once", half), "at-least-once",
                Schedule.steady(half, seconds), List.of("--inference-injected-delay-share", "0.1",
                        "--inference-injected-delay", "1200ms")) : null;
        for (Result r : Arrays.asList(bare, alo, eo)) {
            if (r != null) {
                results.add(r);
            }
        }
        results.addAll(growth);
        for (Result r : Arrays.asList(open, openEo, spike, tail)) {
            if (r != null) {
                results.add(r);
            }
        }
        double ceiling = bare != null ? bare.throughput() : Double.NaN;

        System.out.println();
        System.out.printf(Locale.ROOT, "bin/bench pipeline %s — %s, %d cores, %s%n", args, LocalDate.now(),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        System.out.printf(Locale.ROOT, "ceiling 2, raw inference (batch 64, 1 thread): %,.0f messages/s%n%n", inference);
        System.out.println("| scenario | inputs | throughput (inputs/s) | ÷ bare ceiling | p50 ms | p99 ms | p99.9 ms | answered | dead-lettered | deduplicated | lost | duplicate replies |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|");
        for (Result r : results) {
            boolean latency = r.latency().getTotalCount() > 0;
            System.out.printf(Locale.ROOT, "| %s | %,d | %,.0f | %.2f | %s | %s | %s | %,d | %,d | %,d | %,d | %,d |%n",
                    r.name(), r.inputs(), r.throughput(), r.throughput() / ceiling,
                    latency ? ms(r.latency(), 50) : "–", latency ? ms(r.latency(), 99) : "–", latency ? ms(r.latency(), 99.9) : "–",
                    r.answered(), r.deadLettered(), r.deduplicated(), r.lost(), r.duplicateReplies());
        }
        System.out.println();
        if (alo != null) {
            System.out.printf(Locale.ROOT, "at-least-once ÷ bare %.2f (goal ≥ 0.50)%n", alo.throughput() / ceiling);
        }
        if (eo != null) {
            System.out.printf(Locale.ROOT, "exactly-once ÷ bare %.2f%n", eo.throughput() / ceiling);
        }
        for (int i = 0; i < growth.size() && alo != null; i++) {
            System.out.printf(Locale.ROOT, "%,d conversations ÷ 1k %.2f (goal ≥ 0.70)%n", options.manyConversations().get(i),
                    growth.get(i).throughput() / alo.throughput());
        }
        if (open != null) {
            System.out.printf(Locale.ROOT, "open-loop p99 %s ms at %.0f/s (goal ≤ 50 at half the sustained rate)%n", ms(open.latency(), 99), half);
        }
        if (tail != null) {
            Histogram h = tail.latency();
            double over = 100.0 * h.getCountBetweenValues(1_000, h.getMaxValue()) / Math.max(1, h.getTotalCount());
            System.out.printf(Locale.ROOT, "long tail: %.1f %% of replies took over 1 s (10 %% of inferences delayed, plus the later "
                    + "messages of their sessions, which wait to keep order); p50 %s ms, p80 %s ms, p85 %s ms%s%n",
                    over, ms(h, 50), ms(h, 80), ms(h, 85), open == null ? "" : String.format(Locale.ROOT,
                            " (steady open loop: p50 %s ms, p80 %s ms, p85 %s ms)", ms(open.latency(), 50), ms(open.latency(), 80),
                            ms(open.latency(), 85)));
        }
        Path svg = Path.of("bench-results", "pipeline-" + LocalDate.now() + (options.quick() ? "-quick" : "") + ".svg");
        Files.createDirectories(svg.getParent());
        Files.writeString(svg, Chart.svg(results, ceiling));
        System.out.println("chart: " + svg);
        if (results.stream().anyMatch(r -> r.lost() > 0)) {
            System.out.println("LOST MESSAGES: see the table");
        }
    }

    /**
     * A job that runs for days runs compiled code, while a fresh JVM holding a broker, a mini-cluster and
     * the job spends a third of the two cores in the JIT compilers for minutes. Unmeasured runs first,
     * until the compilers use under 10 % of one core during a run (at most 1 round quick, 4 full; the
     * share they still use is printed, so a reader knows how warm the measured runs were).
     */
    private void warmUp() throws Exception {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        for (int round = 1; round <= (options.quick() ? 1 : 4) && options.warmUp() > 0; round++) {
            long compileMs = jit.getTotalCompilationTime();
            long start = System.currentTimeMillis();
            backlog("warm-up " + round + " (not measured)", options.warmUp(), 1_000, "at-least-once");
            bare(options.warmUp());
            double jitShare = (jit.getTotalCompilationTime() - compileMs) / (double) (System.currentTimeMillis() - start);
            System.out.printf(Locale.ROOT, "warm-up %d: JIT compilers busy %.2f of a core%n", round, jitShare);
            if (jitShare < 0.10) {
                break;
            }
        }
    }

    private static String ms(Histogram h, double percentile) {
        return Long.toString(h.getValueAtPercentile(percentile));
    }

    // --- ceilings ----------------------------------------------------------------------------------

    private static double inferenceCeiling(double seconds) throws Exception {
        try (OnnxIntentSession model = OnnxIntentSession.load(null, null)) {
            List<Featurizer.Features> batch = new ArrayList<>();
            String[] texts = {"where is my order?", "我要退款", "I need to talk to a human", "hello", "订单号 48213"};
            for (int i = 0; i < 64; i++) {
                batch.add(model.featurizer().featurize(texts[i % texts.length] + " " + i));
            }
            long end = System.nanoTime() + (long) (seconds * 1e9);
            long items = 0;
            long start = System.nanoTime();
            for (int warm = 0; warm < 50; warm++) {
                model.predict(batch);
            }
            start = System.nanoTime();
            while (System.nanoTime() < end) {
                model.predict(batch);
                items += batch.size();
            }
            return items / ((System.nanoTime() - start) / 1e9);
        }
    }

    /** The same records through a Flink job that only keys and forwards them. */
    private Result bare(int backlog) throws Exception {
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
        return new Result("ceiling 1: bare keyBy job, at-least-once", loaded.records, drain.throughput, new Histogram(3),
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

    // --- Switchboard -------------------------------------------------------------------------------

    /** Switchboard draining a backlog produced before it starts: sustained throughput. */
    private Result backlog(String name, int actions, int conversations, String guarantee) throws Exception {
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
    private Result openLoop(String name, String guarantee, Schedule schedule, List<String> jobArgs) throws Exception {
        Topics topics = new Topics("bench" + (++run) + ".");
        createTopics(topics);
        JobConfig config = config(topics, guarantee, jobArgs);
        StreamExecutionEnvironment env = SwitchboardJob.build(StreamExecutionEnvironment.getExecutionEnvironment(
                cluster(config)), config);
        JobClient job = env.executeAsync(name);
        DemoTraffic traffic = traffic(topics, 1_000, 11);
        // Not measured: the job's start. Light traffic until the replies to it are all back, so the job is up
        // and answering (sources assigned, model loaded, state open); then it idles until the schedule begins.
        Collector probe = new Collector(outputs(topics), guarantee.equals("exactly-once"));
        Thread probeReader = new Thread(probe, "bench-probe-reader");
        probeReader.start();
        Loaded probed = produce(traffic, 200, Schedule.steady(100, 2));
        awaitOutputs(probe, probed.expectedOutputs());
        probe.stop();
        probeReader.join();
        Collector collector = new Collector(outputs(topics), guarantee.equals("exactly-once"), probe.endOffsets);
        Thread reader = new Thread(collector, "bench-reader");
        reader.start();
        Thread.sleep(3_000);
        Loaded loaded = produce(traffic, schedule.actions(), schedule);
        awaitOutputs(collector, loaded.expectedOutputs());
        Thread.sleep(2_000);
        collector.stop();
        reader.join();
        job.cancel().get();
        deleteCheckpoints(topics);
        System.out.println(name + ": slowest reply per second of the schedule, ms: " + collector.maxBySecond.values());
        System.out.printf(Locale.ROOT, "%s: %,d answered, p50 %s ms, p99 %s ms%n", name, collector.answered.size(),
                ms(collector.latency, 50), ms(collector.latency, 99));
        return collector.result(name, loaded, loaded.records / schedule.seconds());
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
                MemorySize.parse(options.managedMemory()));
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

    private JobConfig config(Topics topics, String guarantee, List<String> extra) {
        List<String> args = new ArrayList<>(List.of("--bootstrap-servers", kafka.bootstrapServers(), "--topic-prefix", topics.prefix(),
                "--group-id", topics.prefix() + "job", "--transactional-id-prefix", topics.prefix() + "tx",
                "--delivery-guarantee", guarantee, "--parallelism", "2",
                // At-least-once: the job's default interval (10 s). Exactly-once replies become visible when
                // their checkpoint commits, so a deployment choosing it runs a short interval.
                "--checkpoint-interval", guarantee.equals("exactly-once") ? "2s" : "10s",
                "--checkpoint-dir", checkpointDir(topics).toUri().toString(),
                // Handoffs do not silence the bot here (0 ms: handed off until 'now', never after), so every valid
                // message has a reply to account for.
                "--handoff-duration", "0ms", "--partition-discovery-interval", "2s"));
        args.addAll(extra);
        args.addAll(options.jobArgs());
        return JobConfig.parse(args);
    }

    private void createTopics(Topics topics) throws Exception {
        List<NewTopic> list = new ArrayList<>();
        for (String t : topics.all(Platforms.SUPPORTED)) {
            list.add(new NewTopic(t, 2, (short) 1).configs(Map.of("message.timestamp.type", "LogAppendTime")));
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
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
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.LINGER_MS_CONFIG, 2, ProducerConfig.BATCH_SIZE_CONFIG, 65536,
                // Like a webhook receiver: acks from the leader, no idempotent sequences (a 2-core broker
                // under a backlog burst answered those with OutOfOrderSequence loops).
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false, ProducerConfig.ACKS_CONFIG, "1"));
    }

    /** The benchmark's traffic: skewed, 1 % malformed, 2 % redelivered. */
    private DemoTraffic traffic(Topics topics, int conversations, long seed) {
        return new DemoTraffic(kafka.bootstrapServers(), topics, 1_000, conversations, true, 0.01, 0.02, seed);
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
        Collector collector = new Collector(outputs, readCommitted);
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
    private static void awaitOutputs(Collector collector, long expected) throws InterruptedException {
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
        Collector collector;
        long outputs;
        double throughput;

        Result result(String name, Loaded loaded) {
            // Throughput in inputs/s: outputs per second scaled by inputs per output.
            double perInput = loaded.records / (double) Math.max(1, loaded.expectedOutputs());
            return collector.result(name, loaded, throughput * perInput);
        }
    }

    /** Reads the outputs: one entry per source message, dead letters, duplicates, latency, arrival times. */
    final class Collector implements Runnable {
        private final Pattern topics;
        private final boolean readCommitted;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Set<String> answered = new HashSet<>();
        /** The slowest reply per second of send time: periodic stalls (checkpoints) show as a beat. */
        final TreeMap<Long, Long> maxBySecond = new TreeMap<>();
        private final Set<String> idempotencyKeys = new HashSet<>();
        private final Histogram latency = new Histogram(3_600_000L, 3);
        private final List<Long> arrivals = new ArrayList<>();
        private volatile long firstOutputs;
        private long deadLettered;
        private long duplicateReplies;

        /** Where this reader stopped, per partition: a later reader of the same topics starts there. */
        private final Map<TopicPartition, Long> endOffsets = new ConcurrentHashMap<>();
        private final Map<TopicPartition, Long> startOffsets;

        Collector(Pattern topics, boolean readCommitted) {
            this(topics, readCommitted, Map.of());
        }

        Collector(Pattern topics, boolean readCommitted, Map<TopicPartition, Long> startOffsets) {
            this.topics = topics;
            this.readCommitted = readCommitted;
            this.startOffsets = startOffsets;
        }

        long firstOutputs() {
            return firstOutputs;
        }

        void stop() {
            running.set(false);
        }

        @Override
        public void run() {
            Map<String, Object> props = new HashMap<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                    ConsumerConfig.GROUP_ID_CONFIG, "bench-reader-" + System.nanoTime(),
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, readCommitted ? "read_committed" : "read_uncommitted",
                    ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                    ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                    ConsumerConfig.METADATA_MAX_AGE_CONFIG, 1000));
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
                consumer.subscribe(topics, new ConsumerRebalanceListener() {
                    @Override
                    public void onPartitionsRevoked(Collection<TopicPartition> partitions) { }

                    @Override
                    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                        partitions.forEach(tp -> {
                            Long start = startOffsets.get(tp);
                            if (start != null) {
                                consumer.seek(tp, start);
                            }
                        });
                    }
                });
                while (running.get()) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                        endOffsets.put(new TopicPartition(r.topic(), r.partition()), r.offset() + 1);
                        accept(r);
                    }
                }
            }
        }

        private void accept(ConsumerRecord<byte[], byte[]> r) {
            // A transactional reply is appended at once but visible only when its checkpoint commits it: with
            // read_committed, the moment it is read is when a platform client could have sent it.
            long at = readCommitted ? System.currentTimeMillis() : r.timestamp();
            if (r.topic().endsWith("dlq")) {
                deadLettered++;
                arrivals.add(at);
                firstOutputs++;
                return;
            }
            String source = header(r, Headers.SOURCE_MESSAGE_ID);
            if (source == null) { // the bare job's records, forwarded as they came
                arrivals.add(at);
                firstOutputs++;
                return;
            }
            String key = header(r, Headers.IDEMPOTENCY_KEY);
            if (key != null && !idempotencyKeys.add(key)) {
                duplicateReplies++;
            }
            // Message ids are unique per conversation only (Telegram's message_id, Slack's ts).
            if (answered.add(r.topic() + "|" + new String(r.key(), StandardCharsets.UTF_8) + "|" + source)) {
                String received = header(r, Headers.SOURCE_RECEIVED_AT);
                if (received != null) {
                    latency.recordValue(Math.max(0, Math.min(3_600_000L, at - Long.parseLong(received))));
                    maxBySecond.merge(Long.parseLong(received) / 1000, at - Long.parseLong(received), Math::max);
                }
                arrivals.add(at);
                firstOutputs++;
            }
        }

        /** Outputs per second between 10 % and 90 % of the expected outputs, by their append times. */
        double middleThroughput(long expected) {
            List<Long> sorted = new ArrayList<>(arrivals);
            sorted.sort(null);
            if (sorted.size() < 10) {
                return 0;
            }
            int from = (int) Math.min(sorted.size() - 1, expected / 10);
            int to = (int) Math.min(sorted.size() - 1, expected * 9 / 10);
            long span = Math.max(1, sorted.get(to) - sorted.get(from));
            return (to - from) * 1000.0 / span;
        }

        Result result(String name, Loaded loaded, double throughput) {
            return new Result(name, loaded.records, throughput, latency, answered.size(), deadLettered,
                    loaded.redeliveries, loaded.expectedAnswered(), duplicateReplies);
        }
    }

    private static String header(ConsumerRecord<?, ?> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** A bar chart of throughput (relative to the bare ceiling) and latency percentiles per scenario. */
    static final class Chart {
        static String svg(List<Result> results, double ceiling) throws IOException {
            int width = 900;
            int rowHeight = 46;
            int height = 60 + rowHeight * results.size() + 40;
            StringBuilder s = new StringBuilder();
            s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">%n", width, height));
            s.append("<text x=\"10\" y=\"20\" font-size=\"15\">Switchboard pipeline: throughput ÷ bare ceiling (bars), end-to-end latency p50/p99/p99.9</text>\n");
            int barX = 330;
            int barMax = 300;
            for (int i = 0; i < results.size(); i++) {
                Result r = results.get(i);
                int y = 50 + i * rowHeight;
                double ratio = r.throughput() / ceiling;
                s.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"%d\">%s</text>%n", y + 15, escape(r.name())));
                s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"18\" fill=\"#4a7fb5\"/>%n",
                        barX, y + 2, (int) Math.round(Math.min(1.2, ratio) / 1.2 * barMax)));
                s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%,.0f/s (%.2f)</text>%n",
                        barX + (int) Math.round(Math.min(1.2, ratio) / 1.2 * barMax) + 6, y + 15, r.throughput(), ratio));
                if (r.latency().getTotalCount() > 0) {
                    s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"#b5534a\">p50 %d ms · p99 %d ms · p99.9 %d ms</text>%n",
                            barX, y + 36, r.latency().getValueAtPercentile(50), r.latency().getValueAtPercentile(99),
                            r.latency().getValueAtPercentile(99.9)));
                }
            }
            s.append("</svg>\n");
            return s.toString();
        }

        private static String escape(String text) {
            return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
        }
    }
}
