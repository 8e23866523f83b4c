package dev.switchboard.bench;

import dev.switchboard.bot.BotDefinition;
import dev.switchboard.bot.Bots;
import dev.switchboard.understand.BotClassifier;
import dev.switchboard.understand.BotModels;
import dev.switchboard.understand.EncoderService;
import dev.switchboard.understand.InferenceSettings;
import dev.switchboard.understand.ModelEvaluation;
import dev.switchboard.understand.SentenceEncoder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code settings.understanding: ngram} against {@code encoder} on real bot definitions: held-out accuracy per language
 * (every fifth example of each intent and language held out, as {@code check} does) and the cost per message of each
 * way of understanding on one thread, in one run.
 *
 * <p>Run: {@code bin/bench understanding [BOT.yaml ...]} (default: the shipped bots and {@code bots/examples/clinic.yaml}).
 */
public final class UnderstandingBenchmark {

    public static void main(String[] args) throws Exception {
        List<Path> files = new ArrayList<>();
        for (String a : args) {
            files.add(Path.of(a));
        }
        if (files.isEmpty()) {
            files = List.of(Path.of("bots/support.yaml"), Path.of("bots/trattoria.yaml"), Path.of("bots/examples/clinic.yaml"));
        }
        System.out.printf(Locale.ROOT, "# Understanding: n-gram model vs encoder head, %s, %d cores, bin/bench understanding %s%n",
                LocalDate.now(), Runtime.getRuntime().availableProcessors(), String.join(" ", args));
        Map<SentenceEncoder.Model, SentenceEncoder> encoders = new HashMap<>();
        try {
            System.out.println("| bot | language | held-out | n-gram accuracy | encoder accuracy |");
            System.out.println("|---|---|---:|---:|---:|");
            for (Path file : files) {
                BotDefinition bot = Bots.read(List.of(file), List.of()).all().iterator().next();
                ModelEvaluation ngram = BotModels.evaluate(bot);
                ModelEvaluation encoder = BotModels.evaluateEncoder(bot, (model, texts) ->
                        encoders.computeIfAbsent(model, m -> SentenceEncoder.load(m, null)).embed(texts));
                long heldOut = BotModels.examples(bot).stream().filter(u -> u.heldOut()).count();
                for (String language : ngram.accuracyByLanguage().keySet()) {
                    long n = BotModels.examples(bot).stream().filter(u -> u.heldOut() && u.language().equals(language)).count();
                    System.out.printf(Locale.ROOT, "| %s | %s | %d | %.3f | %.3f |%n", bot.id(), language, n,
                            ngram.accuracyByLanguage().get(language), encoder.accuracyByLanguage().getOrDefault(language, Double.NaN));
                }
                System.out.println("<!-- " + bot.id() + " encoder confusions: " + encoder.worst(5) + "; n-gram: " + ngram.worst(5) + " (" + heldOut + " held out) -->");
            }
            throughput(Bots.read(List.of(files.get(0)), List.of()).all().iterator().next(), encoders.get(SentenceEncoder.ENGLISH));
        } finally {
            for (SentenceEncoder e : encoders.values()) {
                e.close();
            }
        }
    }

    /**
     * Messages/s of each way of understanding the English held-out-style texts, distinct texts (no cache hits): the
     * n-gram model one message per call, the encoder one message per call (naive), and the encoder service with 16
     * callers in flight (batched, cache off), all in this run.
     */
    static void throughput(BotDefinition bot, SentenceEncoder encoder) throws Exception {
        List<String> texts = new ArrayList<>();
        for (var u : BotModels.examples(bot)) {
            if (u.language().equals("en")) {
                texts.add(u.text());
            }
        }
        double seconds = 5;
        try (BotClassifier ngram = BotClassifier.trained(bot)) {
            double ngramRate = rate(seconds, i -> ngram.classify(texts.get(i % texts.size()) + " " + i));
            double naive = rate(seconds, i -> {
                try {
                    encoder.embed(List.of(texts.get(i % texts.size()) + " " + i));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            InferenceSettings settings = new InferenceSettings(null, null, false, 32, Duration.ofMillis(2), 10_000, 2, 0);
            EncoderService service = EncoderService.acquire(SentenceEncoder.ENGLISH, settings, null);
            double batched;
            try {
                batched = serviceRate(service, texts, seconds);
            } finally {
                service.release();
            }
            System.out.println();
            System.out.printf(Locale.ROOT, "| way of understanding (bot %s, English, distinct texts) | messages/s | ÷ n-gram |%n", bot.id());
            System.out.println("|---|---:|---:|");
            System.out.printf(Locale.ROOT, "| n-gram model, one message per call | %,.0f | 1.00 |%n", ngramRate);
            System.out.printf(Locale.ROOT, "| encoder, one message per call (naive) | %,.0f | %.4f |%n", naive, naive / ngramRate);
            System.out.printf(Locale.ROOT, "| encoder service, 16 callers, batches ≤ 32, 2 workers, cache off | %,.0f | %.4f |%n",
                    batched, batched / ngramRate);
            System.out.printf(Locale.ROOT, "encoder service ÷ naive %.2f%n", batched / naive);
        }
    }

    private static double rate(double seconds, java.util.function.IntConsumer call) {
        for (int i = 0; i < 50; i++) {
            call.accept(i);
        }
        long start = System.nanoTime();
        int n = 0;
        while (System.nanoTime() - start < seconds * 1e9) {
            call.accept(n++);
        }
        return n / ((System.nanoTime() - start) / 1e9);
    }

    private static double serviceRate(EncoderService service, List<String> texts, double seconds) throws Exception {
        java.util.concurrent.atomic.AtomicLong done = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicLong next = new java.util.concurrent.atomic.AtomicLong();
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(16);
        while (System.nanoTime() < end) {
            inFlight.acquire();
            long i = next.getAndIncrement();
            service.embed(texts.get((int) (i % texts.size())) + " #" + i).whenComplete((v, e) -> {
                done.incrementAndGet();
                inFlight.release();
            });
        }
        inFlight.acquire(16);
        return done.get() / ((System.nanoTime() - start) / 1e9);
    }

    private UnderstandingBenchmark() {}
}
