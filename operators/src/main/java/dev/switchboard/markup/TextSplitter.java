package dev.switchboard.markup;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits long replies into parts of at most {@code limit} UTF-16 code units, preferring paragraph and
 * line breaks, then spaces, then the end of a CJK sentence or clause, then any point between two CJK
 * characters (Chinese and Japanese have no spaces), and only when none exists a hard cut that never
 * separates a surrogate pair.
 */
public final class TextSplitter {
    private TextSplitter() {}

    public static List<String> split(String text, int limit) {
        if (limit < 2) {
            throw new IllegalArgumentException("limit must be at least 2");
        }
        return split(text, rest -> limit);
    }

    /** Parts of at most {@code maxBytes} bytes of UTF-8 (WeCom and WeChat count bytes, not characters). */
    public static List<String> splitUtf8(String text, int maxBytes) {
        if (maxBytes < 8) {
            throw new IllegalArgumentException("maxBytes must be at least 8");
        }
        return split(text, rest -> {
            int bytes = 0;
            for (int i = 0; i < rest.length(); ) {
                int cp = rest.codePointAt(i);
                int size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
                if (bytes + size > maxBytes) {
                    return Math.max(i, 1);
                }
                bytes += size;
                i += Character.charCount(cp);
            }
            return rest.length();
        });
    }

    /** {@code limitOf} gives, for the remaining text, how many UTF-16 units the next part may hold. */
    private static List<String> split(String text, java.util.function.ToIntFunction<String> limitOf) {
        List<String> parts = new ArrayList<>();
        String rest = text.strip();
        int limit;
        while (rest.length() > (limit = limitOf.applyAsInt(rest))) {
            int cut = breakPoint(rest, limit);
            String part = rest.substring(0, cut).stripTrailing();
            if (!part.isEmpty()) {
                parts.add(part);
            }
            rest = rest.substring(cut).stripLeading();
        }
        if (!rest.isEmpty() || parts.isEmpty()) {
            parts.add(rest);
        }
        return parts;
    }

    /** The index to cut at: the text before it fits, and it is never 0. */
    private static int breakPoint(String s, int limit) {
        int floor = limit / 2; // do not make tiny parts just to reach a space
        int best = -1;
        int bestRank = 0;
        for (int i = limit; i > floor; i--) {
            // Cutting at i means s[0, i) is the part; rank the boundary between s[i-1] and s[i].
            int rank = rank(s, i);
            if (rank > bestRank) {
                best = i;
                bestRank = rank;
                if (rank == 4) {
                    break;
                }
            }
        }
        if (best > 0) {
            return best;
        }
        int cut = limit;
        if (Character.isHighSurrogate(s.charAt(cut - 1)) && Character.isLowSurrogate(s.charAt(cut))) {
            cut--;
        }
        return cut;
    }

    private static int rank(String s, int i) {
        char before = s.charAt(i - 1);
        char after = s.charAt(i);
        if (after == '\n' && before == '\n') {
            return 4;
        }
        if (after == '\n' || before == '\n') {
            return 3;
        }
        if (Character.isWhitespace(after)) {
            return 2;
        }
        if ("。！？；，、．!?;".indexOf(before) >= 0 && !Character.isLowSurrogate(after)) {
            return 2;
        }
        if (isCjk(before) && isCjk(after)) {
            return 1;
        }
        return 0;
    }

    private static boolean isCjk(char c) {
        Character.UnicodeScript script = Character.UnicodeScript.of(c);
        return script == Character.UnicodeScript.HAN || script == Character.UnicodeScript.HIRAGANA
                || script == Character.UnicodeScript.KATAKANA || script == Character.UnicodeScript.HANGUL;
    }
}
