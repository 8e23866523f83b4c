package dev.switchboard.bench;

import dev.switchboard.redis.SampleOrders;
import dev.switchboard.redis.RedisService;
import dev.switchboard.testkit.DemoTraffic;
import dev.switchboard.testkit.EmbeddedKafka;
import dev.switchboard.testkit.RedisProcess;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What Redis costs the pipeline: the same backlog of the demo's traffic over many conversations drained by the job
 * without Redis and with it (identity step with its near cache, routing table writes, order lookups), rounds
 * interleaved (off, on, off, on ...) so that drift on a shared machine hits both alike; then open-loop latency at
 * one fixed rate, off and on. Prints throughputs, their ratio, p50/p99 and the near cache's hit ratio.
 * The traffic is the demo's: conversations picked with probability ∝ 1/(i+1), or uniformly with {@code --uniform};
 * a conversation that finished its script is replaced by a new user's, so most messages of a skewed run over many
 * conversations are an account's first (a near-cache miss), and a uniform run has more returning users.
 * Run: {@code bin/bench identity [--actions 60000] [--conversations 100000] [--rounds 3] [--open-rate 600] [--uniform]}.
 */
public final class IdentityBenchmark {

    public static void main(String[] args) throws Exception {
        int actions = 100_000;
        int conversations = 100_000;
        int rounds = 2;
        double openRate = 600;
        int openSeconds = 20;
        boolean skewed = true;
        for (int i = 0; i < args.length; i++) {
            String v = i + 1 < args.length ? args[i + 1] : null;
            if (args[i].equals("--uniform")) {
                skewed = false;
                continue;
            }
            switch (args[i]) {
                case "--actions" -> actions = Integer.parseInt(v);
                case "--conversations" -> conversations = Integer.parseInt(v);
                case "--rounds" -> rounds = Integer.parseInt(v);
                case "--open-rate" -> openRate = Double.parseDouble(v);
                case "--open-seconds" -> openSeconds = Integer.parseInt(v);
                default -> {
                    System.err.println("usage: bin/bench identity [--actions N] [--conversations N] [--rounds N] [--open-rate R]"
                            + " [--open-seconds S] [--uniform]");
                    System.exit(2);
                }
            }
            i++;
        }
        String command = "bin/bench identity " + String.join(" ", args);
        Path dir = Files.createTempDirectory("switchboard-bench-redis");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(); RedisProcess redis = RedisProcess.start(dir)) {
            // The orders the support bot's order-status flow looks up (the demo's 5,000).
            SampleOrders.fill(redis.address(), DemoTraffic.FIRST_ORDER, 5_000);
            Scenarios off = new Scenarios(kafka, "594m", List.of(), skewed);
            Scenarios on = new Scenarios(kafka, "594m", List.of("--redis", redis.address()), skewed);
            System.out.println("warm-up (not measured) ...");
            off.backlog("warm-up off", actions, conversations, "at-least-once");
            on.backlog("warm-up on", actions, conversations, "at-least-once");

            List<ScenarioResult> offRuns = new ArrayList<>();
            List<ScenarioResult> onRuns = new ArrayList<>();
            List<Double> redisCpu = new ArrayList<>();
            long[] before = RedisService.jvmCacheCounts();
            for (int round = 1; round <= rounds; round++) {
                System.out.printf(Locale.ROOT, "round %d/%d: %,d actions over %,d conversations, without Redis, then with it%n",
                        round, rounds, actions, conversations);
                offRuns.add(off.backlog("backlog without Redis, round " + round, actions, conversations, "at-least-once"));
                long[] start = RedisService.jvmCacheCounts();
                long cpuBefore = redis.cpuMillis();
                long wallBefore = System.currentTimeMillis();
                onRuns.add(on.backlog("backlog with Redis, round " + round, actions, conversations, "at-least-once"));
                double cores = (redis.cpuMillis() - cpuBefore) / (double) (System.currentTimeMillis() - wallBefore);
                redisCpu.add(cores);
                long[] end = RedisService.jvmCacheCounts();
                System.out.printf(Locale.ROOT, "  near cache this round: %,d hits, %,d misses; redis-server used %.2f cores%n",
                        end[0] - start[0], end[1] - start[1], cores);
            }
            long[] after = RedisService.jvmCacheCounts();
            long hits = after[0] - before[0];
            long misses = after[1] - before[1];

            System.out.printf(Locale.ROOT, "open loop at %.0f actions/s for %d s, without Redis, then with it ...%n", openRate, openSeconds);
            ScenarioResult openOff = off.openLoop("open loop without Redis", "at-least-once",
                    Scenarios.Schedule.steady(openRate, openSeconds), null);
            ScenarioResult openOn = on.openLoop("open loop with Redis", "at-least-once",
                    Scenarios.Schedule.steady(openRate, openSeconds), null);

            double offMedian = median(offRuns.stream().map(ScenarioResult::throughput).toList());
            double onMedian = median(onRuns.stream().map(ScenarioResult::throughput).toList());
            System.out.println();
            System.out.println("=== " + command + " ===");
            List<Double> ratios = new ArrayList<>();
            for (int i = 0; i < rounds; i++) {
                double ratio = onRuns.get(i).throughput() / offRuns.get(i).throughput();
                ratios.add(ratio);
                System.out.printf(Locale.ROOT, "round %d: without Redis %,.0f/s, with Redis %,.0f/s, ratio %.3f (lost %d / %d)%n", i + 1,
                        offRuns.get(i).throughput(), onRuns.get(i).throughput(), ratio, offRuns.get(i).lost(), onRuns.get(i).lost());
            }
            double medianRatio = median(ratios);
            System.out.printf(Locale.ROOT, "median of the rounds' ratios (with ÷ without Redis): %.3f%n", medianRatio);
            System.out.printf(Locale.ROOT, "sustained throughput, median: without Redis %,.0f inputs/s, with Redis %,.0f inputs/s,"
                    + " ratio %.3f (identity + routes + lookups cost %.1f %%)%n", offMedian, onMedian, onMedian / offMedian,
                    100 * (1 - onMedian / offMedian));
            System.out.printf(Locale.ROOT, "redis-server, on the same %d cores as the job, broker and generator: %.2f cores on"
                    + " average during the runs with Redis (start to end of each run, job start included)%n",
                    Runtime.getRuntime().availableProcessors(), redisCpu.stream().mapToDouble(Double::doubleValue).average().orElse(0));
            System.out.printf(Locale.ROOT, "near cache: %,d hits, %,d misses, hit ratio %.3f (%,d conversations)%n", hits, misses,
                    hits + misses == 0 ? 0.0 : (double) hits / (hits + misses), conversations);
            System.out.printf(Locale.ROOT, "open loop at %.0f/s: p50 %s ms / p99 %s ms without Redis, p50 %s ms / p99 %s ms with Redis;"
                            + " lost %d / %d%n", openRate,
                    PipelineBenchmark.ms(openOff.latency(), 50), PipelineBenchmark.ms(openOff.latency(), 99),
                    PipelineBenchmark.ms(openOn.latency(), 50), PipelineBenchmark.ms(openOn.latency(), 99), openOff.lost(), openOn.lost());
        }
        System.exit(0);
    }

    private static double median(List<Double> values) {
        double[] t = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return t.length % 2 == 1 ? t[t.length / 2] : (t[t.length / 2 - 1] + t[t.length / 2]) / 2;
    }
}
