package dev.switchboard.cli;

import dev.switchboard.bot.BotDefinition;
import dev.switchboard.bot.BotDefinitionReader;
import dev.switchboard.understand.BotModels;
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
    }
}
