package dev.switchboard.bench;

import dev.switchboard.testkit.EmbeddedKafka;
import dev.switchboard.understand.Featurizer;
import dev.switchboard.understand.OnnxIntentSession;
import org.HdrHistogram.Histogram;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

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
 * Run: {@code bin/bench pipeline [--quick]}. The scenarios are in {@link Scenarios}, the output reader in
 * {@link ReplyCollector}, the chart in {@link Chart}.
 */
public final class PipelineBenchmark {
    static final List<String> SCENARIOS = List.of("bare", "alo", "eo", "many", "open", "spike", "tail", "open-eo");
    /**
     * Named with --scenarios only: four more backlogs comparing ways of understanding; the open loop with the broker
     * in its own JVM and the job started by {@code bin/switchboard run} in another (this JVM generates the load).
     */
    static final List<String> OPTIONAL_SCENARIOS = List.of("understanding", "external", "cold");

    private final Scenarios scenarios;
    private final Options options;

    private PipelineBenchmark(Scenarios scenarios, Options options) {
        this.scenarios = scenarios;
        this.options = options;
    }

    /** Command-line options; sizes default to the quick or the full run. */
    record Options(boolean quick, int warmUp, Set<String> scenarios, int backlog, List<Integer> manyConversations,
                   double openRate, String managedMemory, List<String> jobArgs, int externalSeconds, int externalWarmUp) {
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
            int externalSeconds = quick ? 10 : 60;
            int externalWarmUp = -1;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--quick" -> { }
                    case "--scenarios" -> {
                        scenarios = new LinkedHashSet<>(List.of(value(args, ++i, a).split(",")));
                        for (String s : scenarios) {
                            if (!SCENARIOS.contains(s) && !OPTIONAL_SCENARIOS.contains(s)) {
                                throw new IllegalArgumentException("unknown scenario '" + s + "'; known: " + String.join(",", SCENARIOS)
                                        + "," + String.join(",", OPTIONAL_SCENARIOS));
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
                    case "--external-seconds" -> externalSeconds = Integer.parseInt(value(args, ++i, a));
                    case "--external-warm-up" -> externalWarmUp = Integer.parseInt(value(args, ++i, a));
                    default -> throw new IllegalArgumentException("unknown option '" + a + "'");
                }
            }
            // By default the first half of the external schedule is its warm-up, at most 30 s of it.
            int warm = externalWarmUp >= 0 ? externalWarmUp : Math.min(30, externalSeconds / 2);
            return new Options(quick, warmUp, scenarios, backlog, manyConversations, openRate, managedMemory, jobArgs,
                    externalSeconds, warm);
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
                    + "] [--warm-up ACTIONS] [--managed-memory SIZE] [--backlog N] [--conversations N[,N...]] [--open-rate R] [--job-arg --name=value]"
                    + " [--external-seconds S] [--external-warm-up S]");
            System.exit(2);
            return;
        }
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            new PipelineBenchmark(new Scenarios(kafka, options.managedMemory(), options.jobArgs()), options).runAll(String.join(" ", args));
        }
        System.exit(0);
    }

    private void runAll(String args) throws Exception {
        Set<String> want = options.scenarios();
        List<ScenarioResult> results = new ArrayList<>();
        double inference = inferenceCeiling(options.quick() ? 2 : 5);
        warmUp();
        ScenarioResult bare = want.contains("bare") ? scenarios.bare(options.backlog()) : null;
        ScenarioResult alo = want.contains("alo") ? scenarios.backlog("steady backlog, 1k conversations, at-least-once", options.backlog(), 1_000,
                "at-least-once") : null;
        ScenarioResult eo = want.contains("eo") ? scenarios.backlog("steady backlog, 1k conversations, exactly-once", options.backlog(), 1_000,
                "exactly-once") : null;
        // Session growth: each size gets 1.2 actions per conversation (at least the 1k backlog).
        List<ScenarioResult> growth = new ArrayList<>();
        if (want.contains("many")) {
            for (int conversations : options.manyConversations()) {
                growth.add(scenarios.backlog(String.format(Locale.ROOT, "steady backlog, %,d conversations, at-least-once", conversations),
                        Math.max(options.backlog(), conversations / 5 * 6), conversations, "at-least-once"));
            }
        }
        double sustained = options.openRate() > 0 ? options.openRate() * 2 : alo != null ? alo.throughput() : 2_000;
        double half = sustained / 2;
        int seconds = options.quick() ? 10 : 60;
        ScenarioResult open = want.contains("open") ? scenarios.openLoop(String.format(Locale.ROOT,
                "open loop at %.0f/s (half of sustained), at-least-once", half), "at-least-once",
                Scenarios.Schedule.steady(half, seconds), null) : null;
        ScenarioResult openEo = want.contains("open-eo") ? scenarios.openLoop(String.format(Locale.ROOT,
                "open loop at %.0f/s, exactly-once (replies visible per checkpoint, every 2 s)", half), "exactly-once",
                Scenarios.Schedule.steady(half, seconds), null) : null;
        double peak = sustained * 0.8;
        ScenarioResult spike = want.contains("spike") ? scenarios.openLoop(String.format(Locale.ROOT,
                "spike: idle, then 0 → %.0f/s (0.8 × sustained) within 3 s, held %d s, at-least-once", peak, seconds / 2),
                "at-least-once", Scenarios.Schedule.spike(peak, 3, seconds / 2), null) : null;
        ScenarioResult tail = want.contains("tail") ? scenarios.openLoop(String.format(Locale.ROOT,
                "long tail: open loop at %.0f/s, 10 %% of inferences delayed 1.2 s, at-least-once", half), "at-least-once",
                Scenarios.Schedule.steady(half, seconds), new DelayedClassifier(0.1, Duration.ofMillis(1200))) : null;
        // Understanding by meaning: the same backlog with the support bot without knowledge (n-gram only), as shipped
        // (n-gram intents, knowledge by the encoder), without the encoder's cache, and with the encoder head.
        List<ScenarioResult> understanding = new ArrayList<>();
        if (want.contains("understanding")) {
            java.util.function.UnaryOperator<String> noKnowledge = yaml -> yaml.replaceAll("(?s)\n# Answers written once.*?\nurgent:", "\nurgent:");
            understanding.add(scenarios.variant(noKnowledge, List.of()).backlog("understanding: n-gram, no knowledge (no encoder)",
                    options.backlog(), 1_000, "at-least-once"));
            understanding.add(scenarios.variant(yaml -> yaml, List.of()).backlog("understanding: n-gram + knowledge (encoder), as shipped",
                    options.backlog(), 1_000, "at-least-once"));
            understanding.add(scenarios.variant(yaml -> yaml, List.of("--encoder-cache-size", "0")).backlog(
                    "understanding: n-gram + knowledge, encoder cache off", options.backlog(), 1_000, "at-least-once"));
            understanding.add(scenarios.variant(yaml -> yaml.replace("  timezone: UTC\n", "  timezone: UTC\n  understanding: encoder\n"),
                    List.of()).backlog("understanding: encoder head + knowledge", options.backlog(), 1_000, "at-least-once"));
        }
        for (ScenarioResult r : Arrays.asList(bare, alo, eo)) {
            if (r != null) {
                results.add(r);
            }
        }
        results.addAll(understanding);
        results.addAll(growth);
        ScenarioResult external = !want.contains("external") ? null : withOwnBroker(outside -> outside.externalOpenLoop(
                String.format(Locale.ROOT, "external JVMs (broker, job, load): open loop at %.0f/s, at-least-once", half),
                "at-least-once", Scenarios.Schedule.steady(half, options.externalSeconds()), options.externalWarmUp(),
                Path.of("").toAbsolutePath(), taskManagerJvmOptions()));
        ScenarioResult cold = !want.contains("cold") ? null : withOwnBroker(outside -> outside.coldBacklog(
                "cold start (broker and job in their own JVMs): a backlog drained from the job's first record, at-least-once",
                options.backlog(), Path.of("").toAbsolutePath(), taskManagerJvmOptions()));
        for (ScenarioResult r : Arrays.asList(open, openEo, spike, tail, external, cold)) {
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
        for (ScenarioResult r : results) {
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
        for (int i = 1; i < understanding.size(); i++) {
            System.out.printf(Locale.ROOT, "%s ÷ n-gram without knowledge %.2f%n", understanding.get(i).name(),
                    understanding.get(i).throughput() / understanding.get(0).throughput());
        }
        if (external != null) {
            System.out.printf(Locale.ROOT, "external JVMs: p99 %s ms, p99.9 %s ms at %.0f/s (goals ≤ 50 and ≤ 100)%n",
                    ms(external.latency(), 99), ms(external.latency(), 99.9), half);
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
            scenarios.backlog("warm-up " + round + " (not measured)", options.warmUp(), 1_000, "at-least-once");
            scenarios.bare(options.warmUp());
            double jitShare = (jit.getTotalCompilationTime() - compileMs) / (double) (System.currentTimeMillis() - start);
            System.out.printf(Locale.ROOT, "warm-up %d: JIT compilers busy %.2f of a core%n", round, jitShare);
            if (jitShare < 0.10) {
                break;
            }
        }
    }

    static String ms(Histogram h, double percentile) {
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

    /** A scenario that needs the broker in a JVM of its own (started for it, stopped after). */
    private interface OwnBrokerScenario {
        ScenarioResult run(Scenarios outside) throws Exception;
    }

    private ScenarioResult withOwnBroker(OwnBrokerScenario scenario) throws Exception {
        Path brokerDir = Files.createTempDirectory("switchboard-bench-broker");
        try (dev.switchboard.testkit.KafkaProcess broker = dev.switchboard.testkit.KafkaProcess.start(brokerDir)) {
            return scenario.run(new Scenarios(broker.bootstrapServers(), options.managedMemory(), options.jobArgs(), true));
        }
    }

    /** The TaskManager JVM flags of {@code flink-conf/config.yaml} ({@code env.java.opts.all}), for the job's own JVM. */
    static String taskManagerJvmOptions() throws java.io.IOException {
        com.fasterxml.jackson.databind.JsonNode conf = new com.fasterxml.jackson.databind.ObjectMapper(
                new com.fasterxml.jackson.dataformat.yaml.YAMLFactory()).readTree(Path.of("flink-conf", "config.yaml").toFile());
        return conf.path("env").path("java").path("opts").path("all").asText("");
    }
}
