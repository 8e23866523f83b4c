package dev.switchboard.understand;

import java.util.List;

/**
 * A linear softmax classifier over sentence embeddings: the intent head of {@code understanding: encoder}, trained when
 * a bot version loads from its examples' embeddings. Deterministic: zero initial weights, full-batch gradient descent
 * for a fixed number of steps, examples in the definition's order, so the same examples give the same head everywhere.
 *
 * <p>The embeddings are unit vectors whose pairwise cosines sit in a narrow band, so they are scaled by
 * {@value #SCALE} before the linear layer (a temperature): without it the probabilities stay near uniform and no
 * {@code min_confidence} would be reached.
 */
public final class IntentHead {
    static final float SCALE = 20f;
    static final int STEPS = 150;
    static final double LEARNING_RATE = 0.5;
    static final double L2 = 1e-4;

    private final List<String> labels;
    private final int dimension;
    /** {@code weights[label * dimension + d]}. */
    private final double[] weights;
    private final double[] bias;

    private IntentHead(List<String> labels, int dimension, double[] weights, double[] bias) {
        this.labels = labels;
        this.dimension = dimension;
        this.weights = weights;
        this.bias = bias;
    }

    /**
     * Trains on unit-length {@code vectors} labelled {@code classes} (indexes into {@code labels}). Labels without
     * examples keep zero weights and a bias that makes them unlikely.
     */
    public static IntentHead train(List<String> labels, float[][] vectors, int[] classes) {
        int c = labels.size();
        int n = vectors.length;
        int dim = n == 0 ? 0 : vectors[0].length;
        double[] w = new double[c * dim];
        double[] b = new double[c];
        int[] counts = new int[c];
        for (int y : classes) {
            counts[y]++;
        }
        double[] logits = new double[c];
        double[] gw = new double[c * dim];
        double[] gb = new double[c];
        for (int step = 0; step < STEPS && n > 0; step++) {
            java.util.Arrays.fill(gw, 0);
            java.util.Arrays.fill(gb, 0);
            for (int i = 0; i < n; i++) {
                float[] x = vectors[i];
                probabilities(w, b, dim, x, logits);
                for (int k = 0; k < c; k++) {
                    double g = logits[k] - (classes[i] == k ? 1 : 0);
                    if (g == 0) {
                        continue;
                    }
                    gb[k] += g;
                    int row = k * dim;
                    for (int d = 0; d < dim; d++) {
                        gw[row + d] += g * x[d] * SCALE;
                    }
                }
            }
            for (int j = 0; j < w.length; j++) {
                w[j] -= LEARNING_RATE * (gw[j] / n + L2 * w[j]);
            }
            for (int k = 0; k < c; k++) {
                b[k] -= LEARNING_RATE * gb[k] / n;
            }
        }
        for (int k = 0; k < c; k++) {
            if (counts[k] == 0) {
                b[k] = -30;
            }
        }
        return new IntentHead(List.copyOf(labels), dim, w, b);
    }

    /** Probabilities per label for one unit-length embedding. */
    public float[] predict(float[] x) {
        int c = labels.size();
        double[] logits = new double[c];
        probabilities(weights, bias, dimension, x, logits);
        float[] p = new float[c];
        for (int k = 0; k < c; k++) {
            p[k] = (float) logits[k];
        }
        return p;
    }

    public List<String> labels() {
        return labels;
    }

    /** Softmax of {@code w · (x · SCALE) + b}, into {@code out}. */
    private static void probabilities(double[] w, double[] b, int dim, float[] x, double[] out) {
        for (int k = 0; k < out.length; k++) {
            double z = b[k];
            int row = k * dim;
            for (int d = 0; d < dim; d++) {
                z += w[row + d] * x[d] * SCALE;
            }
            out[k] = z;
        }
        softmaxInPlace(out);
    }

    private static void softmaxInPlace(double[] z) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (int k = 0; k < z.length; k++) {
            z[k] = Math.exp(z[k] - max);
            sum += z[k];
        }
        for (int k = 0; k < z.length; k++) {
            z[k] /= sum;
        }
    }
}
