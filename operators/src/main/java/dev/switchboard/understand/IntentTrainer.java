package dev.switchboard.understand;

import dev.switchboard.understand.Featurizer.Features;
import dev.switchboard.understand.Featurizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Multinomial logistic regression over hashed n-gram features, trained with AdaGrad on the softmax
 * cross-entropy. Plain Java and deterministic: a fixed shuffle seed and a fixed number of epochs give
 * the same weights on every machine.
 */
public final class IntentTrainer {
    /** Training parameters; {@link #DEFAULTS} is what the build uses. */
    public record Parameters(int epochs, double learningRate, double l2, long seed) {
        public static final Parameters DEFAULTS = new Parameters(20, 0.1, 1e-6, 20261121L);
    }

    /** A trained linear model: {@code weights[bucket * labels + label]}, {@code bias[label]}. */
    public record LinearModel(List<String> labels, Featurizer featurizer, float[] weights, float[] bias) {

        /** Probabilities per label, computed in float as the exported graph does. */
        public float[] predict(String text) {
            return predict(featurizer.featurize(text));
        }

        public float[] predict(Features x) {
            int c = labels.size();
            float[] logits = bias.clone();
            for (int t = 0; t < x.size(); t++) {
                int row = x.ids()[t] * c;
                float v = x.values()[t];
                for (int k = 0; k < c; k++) {
                    logits[k] += weights[row + k] * v;
                }
            }
            return softmax(logits);
        }

        public int argmax(float[] p) {
            return dev.switchboard.understand.OnnxIntentSession.argmax(p);
        }
    }

    private IntentTrainer() {}

    public static LinearModel train(List<Utterances.Utterance> examples, List<String> labels, Featurizer featurizer) {
        return train(examples, labels, featurizer, Parameters.DEFAULTS);
    }

    public static LinearModel train(List<Utterances.Utterance> examples, List<String> labels, Featurizer featurizer,
            Parameters parameters) {
        int c = labels.size();
        int b = featurizer.buckets();
        double[] w = new double[b * c];
        double[] bias = new double[c];
        double[] gw = new double[b * c];
        double[] gb = new double[c];
        List<Features> xs = new ArrayList<>();
        int[] ys = new int[examples.size()];
        for (int i = 0; i < examples.size(); i++) {
            xs.add(featurizer.featurize(examples.get(i).text()));
            ys[i] = labels.indexOf(examples.get(i).intent());
            if (ys[i] < 0) {
                throw new IllegalArgumentException("unknown intent '" + examples.get(i).intent() + "'");
            }
        }
        int[] order = new int[xs.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Random random = new Random(parameters.seed());
        double[] logits = new double[c];
        for (int epoch = 0; epoch < parameters.epochs(); epoch++) {
            for (int i = order.length - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int tmp = order[i];
                order[i] = order[j];
                order[j] = tmp;
            }
            for (int i : order) {
                Features x = xs.get(i);
                System.arraycopy(bias, 0, logits, 0, c);
                for (int t = 0; t < x.size(); t++) {
                    int row = x.ids()[t] * c;
                    for (int k = 0; k < c; k++) {
                        logits[k] += w[row + k] * x.values()[t];
                    }
                }
                double max = Double.NEGATIVE_INFINITY;
                for (double l : logits) {
                    max = Math.max(max, l);
                }
                double sum = 0;
                for (int k = 0; k < c; k++) {
                    logits[k] = Math.exp(logits[k] - max);
                    sum += logits[k];
                }
                for (int k = 0; k < c; k++) {
                    double grad = logits[k] / sum - (k == ys[i] ? 1 : 0);
                    gb[k] += grad * grad;
                    bias[k] -= parameters.learningRate() * grad / Math.sqrt(gb[k] + 1e-8);
                    for (int t = 0; t < x.size(); t++) {
                        int at = x.ids()[t] * c + k;
                        double g = grad * x.values()[t] + parameters.l2() * w[at];
                        gw[at] += g * g;
                        w[at] -= parameters.learningRate() * g / Math.sqrt(gw[at] + 1e-8);
                    }
                }
            }
        }
        float[] wf = new float[w.length];
        for (int i = 0; i < w.length; i++) {
            wf[i] = (float) w[i];
        }
        float[] bf = new float[c];
        for (int k = 0; k < c; k++) {
            bf[k] = (float) bias[k];
        }
        return new LinearModel(List.copyOf(labels), featurizer, wf, bf);
    }

    static float[] softmax(float[] logits) {
        float max = Float.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        float sum = 0;
        float[] p = new float[logits.length];
        for (int k = 0; k < p.length; k++) {
            p[k] = (float) Math.exp(logits[k] - max);
            sum += p[k];
        }
        for (int k = 0; k < p.length; k++) {
            p[k] /= sum;
        }
        return p;
    }
}
