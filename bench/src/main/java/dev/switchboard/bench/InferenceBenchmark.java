package dev.switchboard.bench;

import dev.switchboard.understand.Utterances;
import dev.switchboard.understand.Featurizer;
import dev.switchboard.understand.InferenceService;
import dev.switchboard.understand.InferenceSettings;
import dev.switchboard.understand.OnnxIntentSession;
import dev.switchboard.understand.Understanding;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Intent inference throughput, three ways, in one run on one machine:
 *
 * <ol>
 *   <li>raw: one ONNX Runtime session at batch sizes 1 to 512, inputs featurized beforehand — the ceiling;
 *   <li>naive: every caller featurizes and runs its own message alone, synchronously;
 *   <li>service: the shared {@link InferenceService}, callers featurize and queue asynchronously with a
 *       window of in-flight requests as the async operator does.
 * </ol>
 *
 * Prints a table with the ratios service / best raw and service / naive. Run: {@code bin/bench inference}.
 */
public final class InferenceBenchmark {

    public static void main(String[] args) throws Exception {
        double seconds = 3;
        int callers = 8;
        int window = 64;
        Path data = Path.of("training/data/utterances.tsv");
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--seconds" -> seconds = Double.parseDouble(args[i + 1]);
                case "--callers" -> callers = Integer.parseInt(args[i + 1]);
                case "--window" -> window = Integer.parseInt(args[i + 1]);
                case "--data" -> data = Path.of(args[i + 1]);
                default -> {
                    System.err.println("usage: bin/bench inference [--seconds 3] [--callers 8] [--window 64] [--data FILE]");
                    System.exit(2);
                }
            }
        }
        List<String> texts = new ArrayList<>();
        for (Utterances.Utterance u : Utterances.read(data)) {
            texts.add(u.text());
        }
        System.out.printf(Locale.ROOT, "# Intent inference benchmark, %s, %d cores (%s), %d texts, %.0f s per measurement%n",
                LocalDate.now(), Runtime.getRuntime().availableProcessors(), cpuModel(), texts.size(), seconds);

        List<String[]> rows = new ArrayList<>();
        double bestRaw = 0;
        int bestBatch = 1;
        try (OnnxIntentSession model = OnnxIntentSession.load(null, null)) {
            System.out.println("# model " + model.name() + " on " + model.provider().describe());
            List<Featurizer.Features> features = new ArrayList<>();
            for (String t : texts) {
                features.add(model.featurizer().featurize(t));
            }
            for (int batch = 1; batch <= 512; batch *= 2) {
                double rate = raw(model, features, batch, seconds);
                rows.add(new String[] {"raw session, batch " + batch, fmt(rate), null, null});
                if (rate > bestRaw) {
                    bestRaw = rate;
                    bestBatch = batch;
                }
            }
            // The same best batch on two calling threads: the ceiling for two workers.
            int best = bestBatch;
            double raw2 = parallel(2, seconds, (id, running, count) -> {
                List<Featurizer.Features> in = new ArrayList<>(best);
                int next = id * 7;
                while (running.get()) {
                    in.clear();
                    for (int i = 0; i < best; i++) {
                        in.add(features.get(next));
                        next = (next + 1) % features.size();
                    }
                    model.predict(in);
                    count.addAndGet(best);
                }
            });
            rows.add(new String[] {"raw session, batch " + best + ", 2 threads", fmt(raw2), null, null});
            double featurize = parallel(1, seconds, (id, running, count) -> {
                int i = 0;
                while (running.get()) {
                    model.featurizer().featurize(texts.get(i++ % texts.size()));
                    count.incrementAndGet();
                }
            });
            rows.add(new String[] {"featurization alone, 1 thread", fmt(featurize), null, null});
            double naive = naive(model, texts, callers, seconds);
            rows.add(new String[] {"naive: featurize + run alone, " + callers + " callers", fmt(naive), null, null});
            double naiveOne = naive(model, texts, 1, seconds);
            rows.add(new String[] {"naive: featurize + run alone, 1 caller", fmt(naiveOne), null, null});

            for (int workers : new int[] {1, 2}) {
                for (int maxBatch : new int[] {64, 256}) {
                    InferenceSettings settings = new InferenceSettings(null, null, false, maxBatch, Duration.ofMillis(2),
                            100_000, workers);
                    double service = service(settings, texts, callers, window, seconds);
                    double ceiling = workers == 1 ? bestRaw : Math.max(bestRaw, raw2);
                    rows.add(new String[] {"service: " + workers + " worker(s), batch ≤ " + maxBatch + ", delay ≤ 2 ms, "
                            + callers + " callers × " + window + " in flight", fmt(service), ratio(service, ceiling),
                            ratio(service, naive)});
                }
            }
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "| path | items/s | service ÷ best raw (batch %d, as many threads as workers) | service ÷ naive (%d callers) |%n", bestBatch, callers);
        System.out.println("|---|---:|---:|---:|");
        for (String[] r : rows) {
            System.out.printf(Locale.ROOT, "| %s | %s | %s | %s |%n", r[0], r[1], r[2] == null ? "" : r[2], r[3] == null ? "" : r[3]);
        }
        System.out.println();
        System.out.println("raw excludes featurization; naive and service include it.");
    }

    private static double raw(OnnxIntentSession model, List<Featurizer.Features> features, int batch, double seconds) throws Exception {
        List<Featurizer.Features> in = new ArrayList<>(batch);
        int next = 0;
        long items = 0;
        long warmupEnd = System.nanoTime() + 500_000_000L;
        long start = 0;
        long end = Long.MAX_VALUE;
        while (System.nanoTime() < end) {
            in.clear();
            for (int i = 0; i < batch; i++) {
                in.add(features.get(next));
                next = (next + 1) % features.size();
            }
            model.predict(in);
            long now = System.nanoTime();
            if (start == 0 && now >= warmupEnd) {
                start = now;
                end = now + (long) (seconds * 1e9);
            } else if (start != 0) {
                items += batch;
            }
        }
        return items / ((System.nanoTime() - start) / 1e9);
    }

    private static double naive(OnnxIntentSession model, List<String> texts, int callers, double seconds) throws Exception {
        return parallel(callers, seconds, (id, running, count) -> {
            int i = id;
            while (running.get()) {
                String t = texts.get(i % texts.size());
                model.predict(List.of(model.featurizer().featurize(t)));
                count.incrementAndGet();
                i += callers;
            }
        });
    }

    private static double service(InferenceSettings settings, List<String> texts, int callers, int window, double seconds)
            throws Exception {
        InferenceService service = InferenceService.acquire(settings, null);
        try {
            return parallel(callers, seconds, (id, running, count) -> {
                int i = id;
                List<CompletableFuture<Understanding>> inFlight = new ArrayList<>(window);
                while (running.get()) {
                    inFlight.clear();
                    for (int k = 0; k < window; k++) {
                        inFlight.add(service.classify(texts.get(i % texts.size())));
                        i += callers;
                    }
                    // Like the async operator: keep the window in flight, do not block on each result.
                    CompletableFuture.allOf(inFlight.toArray(new CompletableFuture[0])).join();
                    count.addAndGet(inFlight.size());
                }
            });
        } finally {
            service.release();
        }
    }

    interface Caller {
        void run(int id, AtomicBoolean running, AtomicLong count) throws Exception;
    }

    /** Runs callers for a warm-up of 1 s, then counts completions for {@code seconds}. */
    private static double parallel(int callers, double seconds, Caller caller) throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong count = new AtomicLong();
        CountDownLatch done = new CountDownLatch(callers);
        for (int c = 0; c < callers; c++) {
            int id = c;
            Thread t = new Thread(() -> {
                try {
                    caller.run(id, running, count);
                } catch (Exception e) {
                    e.printStackTrace();
                } finally {
                    done.countDown();
                }
            }, "bench-caller-" + c);
            t.setDaemon(true);
            t.start();
        }
        Thread.sleep(1_000);
        long c0 = count.get();
        long t0 = System.nanoTime();
        Thread.sleep((long) (seconds * 1000));
        long c1 = count.get();
        long t1 = System.nanoTime();
        running.set(false);
        done.await();
        return (c1 - c0) / ((t1 - t0) / 1e9);
    }

    private static String fmt(double rate) {
        return String.format(Locale.ROOT, "%,.0f", rate);
    }

    private static String ratio(double a, double b) {
        return String.format(Locale.ROOT, "%.2f", a / b);
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (Exception e) {
            // not Linux
        }
        return System.getProperty("os.arch");
    }
}
