package dev.switchboard.bench;

import dev.switchboard.bot.BotDefinition;
import dev.switchboard.bot.Bots;
import dev.switchboard.understand.BotModels;
import dev.switchboard.understand.ModelEvaluation;
import dev.switchboard.understand.SentenceEncoder;

import java.nio.file.Files;
import java.nio.file.Path;
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
        } finally {
            for (SentenceEncoder e : encoders.values()) {
                e.close();
            }
        }
    }

    private UnderstandingBenchmark() {}
}
