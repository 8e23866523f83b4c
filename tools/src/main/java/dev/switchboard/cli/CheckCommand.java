package dev.switchboard.cli;

import dev.switchboard.bot.BotDefinition;
import dev.switchboard.bot.BotDefinitionReader;
import dev.switchboard.understand.BotModels;
import dev.switchboard.understand.BotSemantics;
import dev.switchboard.understand.BotUnderstander;
import dev.switchboard.understand.SentenceEncoder;
import dev.switchboard.understand.ModelEvaluation;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/**
 * {@code switchboard check --bot FILE [--bot FILE ...]}: reads and checks bot definitions, prints every
 * problem as {@code file:line:column: reason} on stderr, and for a valid one a summary and what its examples
 * teach the intent model (held-out accuracy per language, the worst confusions) on stdout. Exit 1 when any
 * definition has an error.
 */
final class CheckCommand {
    static final String USAGE = "usage: switchboard check --bot FILE [--bot FILE ...]   (a bot definition, YAML)";
    /** Below this held-out accuracy in a language the summary says the bot will be confused. */
    static final double WEAK_ACCURACY = 0.8;

    private CheckCommand() {}

    static int run(List<String> args, PrintStream out, PrintStream err) throws IOException {
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).equals("--bot") && i + 1 < args.size()) {
                files.add(Path.of(args.get(++i)));
            } else {
                err.println("switchboard check: unexpected argument '" + args.get(i) + "'\n" + USAGE);
                return SwitchboardCli.USAGE;
            }
        }
        if (files.isEmpty()) {
            err.println(USAGE);
            return SwitchboardCli.USAGE;
        }
        boolean failed = false;
        for (Path file : files) {
            BotFiles.Read read = BotFiles.read(file, err, true);
            if (read == null) {
                failed = true;
                continue;
            }
            BotDefinitionReader.Result result = read.result();
            if (!result.ok()) {
                err.println(file + ": " + result.errors().size() + " error" + (result.errors().size() == 1 ? "" : "s"));
                failed = true;
                continue;
            }
            summarize(result.definition(), file, out);
        }
        return failed ? SwitchboardCli.BAD_INPUT : SwitchboardCli.OK;
    }

    /** A duration as a definition writes it: 30min, 2h, 90s, 1d, 500ms. */
    static String duration(java.time.Duration d) {
        long ms = d.toMillis();
        if (ms != 0 && ms % 86_400_000L == 0) {
            return ms / 86_400_000L + "d";
        }
        if (ms != 0 && ms % 3_600_000L == 0) {
            return ms / 3_600_000L + "h";
        }
        if (ms != 0 && ms % 60_000L == 0) {
            return ms / 60_000L + "min";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }

    static void summarize(BotDefinition bot, Path file, PrintStream out) {
        out.printf(Locale.ROOT, "%s: bot '%s' version %s: ok%n", file, bot.id(), bot.version());
        out.printf(Locale.ROOT, "  languages: %s (default %s)%n", String.join(", ", bot.languages()), bot.defaultLanguage());
        out.printf(Locale.ROOT, "  settings: min_confidence %s, handoff_quiet_for %s, timezone %s%n",
                bot.settings().minConfidence(), duration(bot.settings().handoffQuietFor()), bot.settings().timezone());
        out.printf(Locale.ROOT, "  intents (%d):%n", bot.intents().size());
        for (BotDefinition.Intent intent : bot.intents().values()) {
            StringJoiner examples = new StringJoiner(", ");
            for (String language : bot.languages()) {
                examples.add(intent.examples().getOrDefault(language, List.of()).size() + " " + language);
            }
            List<String> does = new ArrayList<>();
            if (intent.flow() != null) {
                does.add("starts flow " + intent.flow());
            }
            if (intent.handoff()) {
                does.add("hands off");
            }
            if (intent.reset()) {
                does.add("resets slots");
            }
            if (!intent.reply().isEmpty()) {
                does.add("replies");
            }
            out.printf(Locale.ROOT, "    %-16s examples %s; %s%n", intent.name(), examples, String.join(", ", does));
        }
        if (!bot.slots().isEmpty()) {
            StringJoiner slots = new StringJoiner(", ");
            bot.slots().values().forEach(s -> slots.add(s.name() + " (" + s.type().name().toLowerCase(Locale.ROOT)
                    + (s.sensitive() ? ", sensitive" : "") + ")"));
            out.println("  slots: " + slots);
        }
        for (BotDefinition.Flow flow : bot.flows().values()) {
            out.printf(Locale.ROOT, "  flow %s asks %s (give up after %d)%s%n", flow.name(), String.join(", ", flow.ask()),
                    flow.maxAttempts(), flow.doneHandoff() ? ", hands off when done" : "");
        }
        if (!bot.urgent().keywords().isEmpty()) {
            StringJoiner urgent = new StringJoiner("; ");
            bot.urgent().keywords().forEach((l, k) -> urgent.add(l + ": " + String.join(", ", k)));
            out.println("  urgent keywords: " + urgent);
        }

        long start = System.nanoTime();
        ModelEvaluation eval = BotModels.evaluate(bot);
        long heldOut = BotModels.examples(bot).stream().filter(u -> u.heldOut()).count();
        StringJoiner accuracy = new StringJoiner(", ");
        List<String> weak = new ArrayList<>();
        for (Map.Entry<String, Double> a : eval.accuracyByLanguage().entrySet()) {
            accuracy.add(String.format(Locale.ROOT, "%s %.3f", a.getKey(), a.getValue()));
            if (a.getValue() < WEAK_ACCURACY) {
                weak.add(a.getKey());
            }
        }
        out.printf(Locale.ROOT, "  intent model: held-out accuracy %s (every 5th example per intent and language held out, %d"
                + " utterances; trained in %d ms)%n", accuracy.length() == 0 ? "(no held-out examples)" : accuracy,
                heldOut, (System.nanoTime() - start) / 1_000_000);
        List<Map.Entry<String, Integer>> worst = eval.worst(5);
        if (!worst.isEmpty()) {
            StringJoiner confusions = new StringJoiner(", ");
            worst.forEach(e -> confusions.add(e.getKey() + " (" + e.getValue() + ")"));
            out.println("  worst confusions (expected -> understood): " + confusions);
        }
        if (!weak.isEmpty()) {
            out.println("  note: below " + WEAK_ACCURACY + " in " + String.join(", ", weak)
                    + ": add examples that tell the confused intents apart");
        }
        if (bot.usesEncoder()) {
            encoderReport(bot, out);
        }
    }

    /** Two questions of different entries closer than this are reported as near-duplicates. */
    static final double NEAR_DUPLICATE = 0.93;
    /** A question this close to an intent's example is reported: the intent takes such messages when closer. */
    static final double LOOKS_LIKE_INTENT = 0.90;

    /**
     * For bots that use the encoder: its head's held-out accuracy, and per language the similarity distributions that
     * knowledge thresholds depend on, a suggested {@code min_similarity}, near-duplicate questions across entries and
     * questions that look like an intent's examples.
     */
    static void encoderReport(BotDefinition bot, PrintStream out) {
        long start = System.nanoTime();
        try (BotUnderstander understander = BotUnderstander.load(bot)) {
            BotSemantics semantics = understander.semantics();
            out.printf(Locale.ROOT, "  encoder: %s embedded %d examples and %d knowledge questions in %d ms%n",
                    String.join(", ", semantics.languages().stream().map(l -> SentenceEncoder.forLanguage(l).name()).toList()),
                    BotModels.examples(bot).size(), bot.knowledge().entries().stream()
                            .mapToInt(e -> e.questions().values().stream().mapToInt(List::size).sum()).sum(),
                    (System.nanoTime() - start) / 1_000_000);
            if (bot.settings().understanding() == BotDefinition.UnderstandingMode.ENCODER) {
                ModelEvaluation eval = BotModels.evaluateEncoder(bot, (model, texts) ->
                        understander.embed(model.language(), texts));
                StringJoiner accuracy = new StringJoiner(", ");
                eval.accuracyByLanguage().forEach((l, a) -> accuracy.add(String.format(Locale.ROOT, "%s %.3f", l, a)));
                out.println("  encoder intent head: held-out accuracy " + (accuracy.length() == 0 ? "(no held-out examples)" : accuracy));
            }
            if (bot.knowledge().entries().isEmpty()) {
                return;
            }
            out.printf(Locale.ROOT, "  knowledge: %d entries%n", bot.knowledge().entries().size());
            for (String language : semantics.languages()) {
                knowledgeReport(bot, semantics, language, out);
            }
        } catch (Exception e) {
            out.println("  encoder: cannot load (" + e.getMessage() + ")");
        }
    }

    private static void knowledgeReport(BotDefinition bot, BotSemantics semantics, String language, PrintStream out) {
        float[][] questions = semantics.questionVectors(language);
        float[][] examples = semantics.exampleVectors(language);
        if (questions.length == 0) {
            return;
        }
        // A question against the other questions of its own entry: how a paraphrase of it scores.
        List<Double> paraphrase = new ArrayList<>();
        // Each intent example's best question: how the intents' messages score against knowledge ('other' apart).
        List<Double> intentToKnowledge = new ArrayList<>();
        List<Double> offTopic = new ArrayList<>();
        List<String> duplicates = new ArrayList<>();
        List<String> lookAlikes = new ArrayList<>();
        for (int q = 0; q < questions.length; q++) {
            double best = -1;
            for (int r = 0; r < questions.length; r++) {
                if (r == q) {
                    continue;
                }
                double sim = SentenceEncoder.similarity(questions[q], questions[r]);
                boolean same = semantics.questionEntry(language, q).equals(semantics.questionEntry(language, r));
                if (same) {
                    best = Math.max(best, sim);
                } else if (r > q && sim >= NEAR_DUPLICATE) {
                    duplicates.add(String.format(Locale.ROOT, "%s ~ %s %.2f", semantics.questionEntry(language, q),
                            semantics.questionEntry(language, r), sim));
                }
            }
            if (best > -1) {
                paraphrase.add(best);
            }
            for (int i = 0; i < examples.length; i++) {
                double sim = SentenceEncoder.similarity(questions[q], examples[i]);
                if (sim >= LOOKS_LIKE_INTENT && !BotDefinition.OTHER.equals(semantics.exampleIntent(language, i))) {
                    lookAlikes.add(String.format(Locale.ROOT, "%s ~ intent %s %.2f", semantics.questionEntry(language, q),
                            semantics.exampleIntent(language, i), sim));
                }
            }
        }
        for (int i = 0; i < examples.length; i++) {
            double best = -1;
            for (float[] q : questions) {
                best = Math.max(best, SentenceEncoder.similarity(examples[i], q));
            }
            (BotDefinition.OTHER.equals(semantics.exampleIntent(language, i)) ? offTopic : intentToKnowledge).add(best);
        }
        out.printf(Locale.ROOT, "    %s (min_similarity %.2f): a question vs its entry's others %s; intents' examples vs"
                        + " questions %s%s%n", language, bot.knowledge().minSimilarity(language), distribution(paraphrase),
                distribution(intentToKnowledge), offTopic.isEmpty() ? "" : "; other's examples vs questions " + distribution(offTopic));
        // Above what unrelated messages reach (p95 of other's examples; without them, the median intent example: the
        // intents' own messages are kept from knowledge by the closer-than-the-examples rule), below most paraphrases.
        double noise = offTopic.isEmpty() ? percentile(intentToKnowledge, 0.5) : percentile(offTopic, 0.95);
        double signal = percentile(paraphrase, 0.25);
        if (!Double.isNaN(noise) && !Double.isNaN(signal)) {
            double suggested = signal > noise ? (noise + signal) / 2 : signal;
            out.printf(Locale.ROOT, "    %s: suggested min_similarity %.2f (between %s %.2f and p25 of paraphrases %.2f)%s%n",
                    language, suggested, offTopic.isEmpty() ? "p50 of intents' examples" : "p95 of other's examples", noise, signal,
                    signal > noise ? "" : "; paraphrases score no higher than unrelated messages: add questions");
        }
        duplicates.stream().limit(10).forEach(d -> out.println("    " + language + ": near-duplicate questions across entries: " + d));
        lookAlikes.stream().distinct().limit(10).forEach(d -> out.println("    " + language
                + ": a question that looks like an intent's examples (the intent answers when closer): " + d));
    }

    static String distribution(List<Double> values) {
        if (values.isEmpty()) {
            return "(none)";
        }
        return String.format(Locale.ROOT, "p5 %.2f p50 %.2f p95 %.2f (n %d)", percentile(values, 0.05), percentile(values, 0.5),
                percentile(values, 0.95), values.size());
    }

    static double percentile(List<Double> values, double p) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return sorted.get((int) Math.min(sorted.size() - 1, Math.round(p * (sorted.size() - 1))));
    }
}
