package dev.switchboard.intent;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.Arrays;
import java.util.Locale;

/**
 * Hashed character n-gram features, shared by the trainer and the job so that both see the same
 * numbers. Works for Chinese without a segmenter: every run of 1 to 4 characters is a feature.
 *
 * <p>Version {@code char-ngram-v1}: the text is NFKC-normalized, lower-cased, whitespace collapsed and
 * wrapped in one space on each side; every n-gram of {@code minN..maxN} code points and every
 * whitespace-separated word is hashed (32-bit FNV-1a of its UTF-8 bytes, with a kind prefix) into
 * {@code 1..buckets-1} (0 is padding); counts per bucket are L2-normalized. Output ids are sorted, so
 * the same text always gives the same arrays.
 */
public final class Featurizer implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final String NAME = "char-ngram-v1";
    public static final int DEFAULT_BUCKETS = 1 << 16;
    public static final int DEFAULT_MIN_N = 1;
    public static final int DEFAULT_MAX_N = 4;
    /** Longest text featurized, in code points; the rest of a very long message adds nothing useful. */
    public static final int MAX_CODE_POINTS = 1000;

    private final int buckets;
    private final int minN;
    private final int maxN;

    public Featurizer(int buckets, int minN, int maxN) {
        if (buckets < 2 || minN < 1 || maxN < minN || maxN > 8) {
            throw new IllegalArgumentException("invalid featurizer parameters: buckets=" + buckets
                    + " n=" + minN + ".." + maxN);
        }
        this.buckets = buckets;
        this.minN = minN;
        this.maxN = maxN;
    }

    public static Featurizer defaults() {
        return new Featurizer(DEFAULT_BUCKETS, DEFAULT_MIN_N, DEFAULT_MAX_N);
    }

    public int buckets() {
        return buckets;
    }

    public int minN() {
        return minN;
    }

    public int maxN() {
        return maxN;
    }

    /** Sparse features of one text: bucket ids (ascending, no repeats) and their weights. */
    public record Features(int[] ids, float[] values) {
        public int size() {
            return ids.length;
        }
    }

    public static String normalize(String text) {
        String s = Normalizer.normalize(text == null ? "" : text, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
        return s.trim().replaceAll("\\s+", " ");
    }

    public Features featurize(String text) {
        String normalized = normalize(text);
        int[] cps = (" " + normalized + " ").codePoints().limit(MAX_CODE_POINTS + 2L).toArray();
        int grams = 0;
        for (int n = minN; n <= maxN; n++) {
            grams += Math.max(0, cps.length - n + 1);
        }
        String[] words = normalized.isEmpty() ? new String[0] : normalized.split(" ");
        int[] hashed = new int[grams + words.length];
        int k = 0;
        StringBuilder gram = new StringBuilder(2 + 4 * maxN);
        for (int n = minN; n <= maxN; n++) {
            for (int i = 0; i + n <= cps.length; i++) {
                gram.setLength(0);
                gram.append('c').append(n).append(':');
                for (int j = i; j < i + n; j++) {
                    gram.appendCodePoint(cps[j]);
                }
                hashed[k++] = bucket(gram);
            }
        }
        for (String word : words) {
            gram.setLength(0);
            gram.append("w:").append(word);
            hashed[k++] = bucket(gram);
        }
        Arrays.sort(hashed, 0, k);
        int[] ids = new int[k];
        float[] counts = new float[k];
        int distinct = 0;
        for (int i = 0; i < k; i++) {
            if (distinct > 0 && ids[distinct - 1] == hashed[i]) {
                counts[distinct - 1]++;
            } else {
                ids[distinct] = hashed[i];
                counts[distinct] = 1;
                distinct++;
            }
        }
        double norm = 0;
        for (int i = 0; i < distinct; i++) {
            norm += (double) counts[i] * counts[i];
        }
        float scale = distinct == 0 ? 0f : (float) (1.0 / Math.sqrt(norm));
        float[] values = new float[distinct];
        for (int i = 0; i < distinct; i++) {
            values[i] = counts[i] * scale;
        }
        return new Features(Arrays.copyOf(ids, distinct), values);
    }

    private int bucket(CharSequence gram) {
        byte[] bytes = gram.toString().getBytes(StandardCharsets.UTF_8);
        int h = 0x811c9dc5;
        for (byte b : bytes) {
            h ^= b & 0xff;
            h *= 0x01000193;
        }
        return 1 + (int) (Integer.toUnsignedLong(h) % (buckets - 1));
    }
}
