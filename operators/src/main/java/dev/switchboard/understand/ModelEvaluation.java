package dev.switchboard.understand;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Held-out accuracy per language and the confusions behind it.
 *
 * @param confusions "expected -> predicted" → count, for the held-out utterances the model got wrong
 */
public record ModelEvaluation(Map<String, Double> accuracyByLanguage, Map<String, Integer> confusions) {

    public static ModelEvaluation of(IntentTrainer.LinearModel model, List<Utterances.Utterance> heldOut) {
        return of(u -> model.labels().get(model.argmax(model.predict(u.text()))), heldOut);
    }

    /** Held-out accuracy of any classifier: {@code predictor} names the intent of one utterance. */
    public static ModelEvaluation of(java.util.function.Function<Utterances.Utterance, String> predictor,
            List<Utterances.Utterance> heldOut) {
        Map<String, int[]> counts = new TreeMap<>();
        Map<String, Integer> confusions = new TreeMap<>();
        for (Utterances.Utterance u : heldOut) {
            String predicted = predictor.apply(u);
            int[] c = counts.computeIfAbsent(u.language(), l -> new int[2]);
            c[1]++;
            if (predicted.equals(u.intent())) {
                c[0]++;
            } else {
                confusions.merge(u.intent() + " -> " + predicted, 1, Integer::sum);
            }
        }
        Map<String, Double> accuracy = new TreeMap<>();
        counts.forEach((l, c) -> accuracy.put(l, c[0] / (double) c[1]));
        return new ModelEvaluation(accuracy, confusions);
    }

    /** The {@code n} most frequent confusions, most frequent first. */
    public List<Map.Entry<String, Integer>> worst(int n) {
        List<Map.Entry<String, Integer>> all = new ArrayList<>(confusions.entrySet());
        all.sort((a, b) -> b.getValue() != a.getValue().intValue() ? Integer.compare(b.getValue(), a.getValue())
                : a.getKey().compareTo(b.getKey()));
        return all.subList(0, Math.min(n, all.size()));
    }
}
