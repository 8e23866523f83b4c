package dev.switchboard.understand;

import java.io.Serializable;
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
        StringBuilder out = new StringBuilder(s.length());
        boolean space = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                space = out.length() > 0;
            } else {
                if (space) {
                    out.append(' ');
                    space = false;
                }
                out.append(c);
            }
        }
        return out.toString();
    }

    public Features featurize(String text) {
        String normalized = normalize(text);
        // " " + text + " " as code points, without building the padded string.
        int[] cps = new int[Math.min(normalized.codePointCount(0, normalized.length()), MAX_CODE_POINTS) + 2];
        cps[0] = ' ';
        int n0 = 1;
        for (int i = 0; i < normalized.length() && n0 < cps.length - 1; ) {
            int cp = normalized.codePointAt(i);
            cps[n0++] = cp;
            i += Character.charCount(cp);
        }
        cps[n0] = ' ';
        int grams = 0;
        for (int n = minN; n <= maxN; n++) {
            grams += Math.max(0, cps.length - n + 1);
        }
        int words = 0;
        for (int i = 1; i < cps.length - 1; i++) {
            if (cps[i] != ' ' && cps[i - 1] == ' ') {
                words++;
            }
        }
        int[] hashed = new int[grams + words];
        int k = 0;
        for (int n = minN; n <= maxN; n++) {
            // Prefix "c<n>:" (n is one digit: maxN <= 8).
            int prefix = fnv(fnv(fnv(FNV_OFFSET, 'c'), '0' + n), ':');
            for (int i = 0; i + n <= cps.length; i++) {
                int h = prefix;
                for (int j = i; j < i + n; j++) {
                    h = fnvCodePoint(h, cps[j]);
                }
                hashed[k++] = bucket(h);
            }
        }
        int wordPrefix = fnv(fnv(FNV_OFFSET, 'w'), ':');
        for (int i = 1; i < cps.length - 1; i++) {
            if (cps[i] != ' ' && cps[i - 1] == ' ') {
                int h = wordPrefix;
                for (int j = i; cps[j] != ' '; j++) {
                    h = fnvCodePoint(h, cps[j]);
                }
                hashed[k++] = bucket(h);
            }
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

    private static final int FNV_OFFSET = 0x811c9dc5;
    private static final int FNV_PRIME = 0x01000193;

    private static int fnv(int h, int b) {
        return (h ^ (b & 0xff)) * FNV_PRIME;
    }

    /** Feeds the UTF-8 bytes of one code point into a 32-bit FNV-1a hash. */
    private static int fnvCodePoint(int h, int cp) {
        if (cp < 0x80) {
            return fnv(h, cp);
        }
        if (cp < 0x800) {
            return fnv(fnv(h, 0xc0 | cp >> 6), 0x80 | cp & 0x3f);
        }
        if (cp < 0x10000) {
            if (cp >= 0xd800 && cp <= 0xdfff) {
                return fnv(h, '?'); // a lone surrogate encodes as '?' in UTF-8 conversion
            }
            return fnv(fnv(fnv(h, 0xe0 | cp >> 12), 0x80 | cp >> 6 & 0x3f), 0x80 | cp & 0x3f);
        }
        return fnv(fnv(fnv(fnv(h, 0xf0 | cp >> 18), 0x80 | cp >> 12 & 0x3f), 0x80 | cp >> 6 & 0x3f), 0x80 | cp & 0x3f);
    }

    private int bucket(int h) {
        return 1 + (int) (Integer.toUnsignedLong(h) % (buckets - 1));
    }
}
