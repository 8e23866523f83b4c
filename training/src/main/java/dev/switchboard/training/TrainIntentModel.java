package dev.switchboard.training;

import dev.switchboard.understand.ModelEvaluation;
import dev.switchboard.understand.IntentTrainer;
import dev.switchboard.understand.OnnxExport;
import dev.switchboard.understand.Utterances;

import dev.switchboard.understand.Featurizer;
import dev.switchboard.understand.Intent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Trains the intent model from the labelled utterances, prints held-out accuracy per language and a
 * confusion summary, and writes the ONNX file. Run by the build ({@code training/pom.xml}); by hand:
 * {@code mvn -pl training -am process-classes} or {@code java ... TrainIntentModel <utterances.tsv> <out.onnx>}.
 */
public final class TrainIntentModel {
    public static final String MODEL_NAME = "switchboard-intent-v1";

    private TrainIntentModel() {}

    public static List<String> labels() {
        List<String> labels = new ArrayList<>();
        for (Intent i : Intent.values()) {
            labels.add(i.label());
        }
        return labels;
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: TrainIntentModel <utterances.tsv> <output.onnx>");
            System.exit(2);
        }
        List<Utterances.Utterance> all = Utterances.read(Path.of(args[0]));
        List<Utterances.Utterance> train = all.stream().filter(u -> !u.heldOut()).toList();
        List<Utterances.Utterance> heldOut = all.stream().filter(Utterances.Utterance::heldOut).toList();
        IntentTrainer.LinearModel model = IntentTrainer.train(train, labels(), Featurizer.defaults());

        System.out.printf(Locale.ROOT, "[intent model] %d utterances: %d for training, %d held out%n",
                all.size(), train.size(), heldOut.size());
        ModelEvaluation eval = ModelEvaluation.of(model, heldOut);
        for (String language : new TreeSet<>(eval.accuracyByLanguage().keySet())) {
            System.out.printf(Locale.ROOT, "[intent model] held-out accuracy %s: %.3f%n", language,
                    eval.accuracyByLanguage().get(language));
        }
        System.out.println("[intent model] confusions on held-out (expected -> predicted: count):");
        if (eval.confusions().isEmpty()) {
            System.out.println("[intent model]   none");
        }
        eval.confusions().forEach((pair, count) -> System.out.println("[intent model]   " + pair + ": " + count));

        byte[] onnx = OnnxExport.toOnnx(model, MODEL_NAME, Map.of(
                "switchboard.training.utterances", Integer.toString(train.size())));
        Path out = Path.of(args[1]);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.write(out, onnx);
        System.out.printf(Locale.ROOT, "[intent model] wrote %s (%,d bytes)%n", out.getFileName(), onnx.length);
    }
}
