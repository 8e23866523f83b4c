package dev.switchboard.markup;

import dev.switchboard.markup.Markup.Block;
import dev.switchboard.markup.Markup.Bullet;
import dev.switchboard.markup.Markup.CodeBlock;
import dev.switchboard.markup.Markup.Inline;
import dev.switchboard.markup.Markup.Line;
import dev.switchboard.markup.Markup.Text;
import dev.switchboard.markup.TextSplitter;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * Renders markup in a flavour and cuts it into parts that fit a platform's limit without cutting inside
 * an escape sequence, a link, a styled span or a code block: parts are made of whole rendered blocks;
 * a block too long for one part is cut between its inline spans (plain text on word boundaries); a
 * code block too long for one part is closed and reopened in the next.
 */
public final class MarkupSplitter {
    private MarkupSplitter() {}

    /** Limits in UTF-16 code units. */
    public static List<String> split(String source, Flavor flavor, int limit) {
        return split(Markup.parse(source.strip()), flavor, limit, String::length);
    }

    /** Limits in bytes of UTF-8. */
    public static List<String> splitUtf8(String source, Flavor flavor, int maxBytes) {
        return splitUtf8(Markup.parse(source.strip()), flavor, maxBytes);
    }

    /** Already parsed markup, limits in bytes of UTF-8. */
    public static List<String> splitUtf8(List<Block> blocks, Flavor flavor, int maxBytes) {
        return split(blocks, flavor, maxBytes, s -> s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
    }

    /** Already parsed markup, limits in UTF-16 code units. */
    public static List<String> split(List<Block> blocks, Flavor flavor, int limit) {
        return split(blocks, flavor, limit, String::length);
    }

    static List<String> split(List<Block> blocks, Flavor flavor, int limit, ToIntFunction<String> size) {
        List<String> pieces = new ArrayList<>();
        for (Block block : blocks) {
            String rendered = flavor.render(block);
            if (size.applyAsInt(rendered) <= limit) {
                pieces.add(rendered);
            } else {
                pieces.addAll(cutBlock(block, flavor, limit, size));
            }
        }
        // Pack whole pieces into parts, joined by newlines.
        List<String> parts = new ArrayList<>();
        StringBuilder part = new StringBuilder();
        for (String piece : pieces) {
            String candidate = part.length() == 0 ? piece : part + "\n" + piece;
            if (size.applyAsInt(candidate) <= limit) {
                part.setLength(0);
                part.append(candidate);
            } else {
                if (!part.toString().isBlank()) {
                    parts.add(part.toString().strip());
                }
                part.setLength(0);
                part.append(piece);
            }
        }
        if (!part.toString().isBlank() || parts.isEmpty()) {
            parts.add(part.toString().strip());
        }
        return parts;
    }

    private static List<String> cutBlock(Block block, Flavor flavor, int limit, ToIntFunction<String> size) {
        List<String> out = new ArrayList<>();
        if (block instanceof CodeBlock code) {
            // Close and reopen: each piece is a complete code block of whole lines where possible.
            int overhead = size.applyAsInt(flavor.codeBlock(""));
            int room = Math.max(8, limit - overhead);
            StringBuilder chunk = new StringBuilder();
            for (String line : code.code().split("\n", -1)) {
                for (String piece : size.applyAsInt(line) <= room ? List.of(line) : hardCut(line, room, size)) {
                    String candidate = chunk.length() == 0 ? piece : chunk + "\n" + piece;
                    if (size.applyAsInt(candidate) > room && chunk.length() > 0) {
                        out.add(flavor.codeBlock(chunk.toString()));
                        chunk.setLength(0);
                        chunk.append(piece);
                    } else {
                        chunk.setLength(0);
                        chunk.append(candidate);
                    }
                }
            }
            if (chunk.length() > 0) {
                out.add(flavor.codeBlock(chunk.toString()));
            }
            return out;
        }
        List<Inline> inlines = block instanceof Line l ? l.inlines() : ((Bullet) block).inlines();
        boolean bullet = block instanceof Bullet;
        // Inline spans as separate units; plain text further cut on word boundaries.
        List<Block> units = new ArrayList<>();
        for (Inline in : inlines) {
            if (in instanceof Text t && size.applyAsInt(flavor.render(new Line(List.of(t)))) > limit / 2) {
                for (String words : TextSplitter.split(t.text(), Math.max(2, limit / 4))) {
                    units.add(new Line(List.of(new Text(words + " "))));
                }
            } else {
                units.add(new Line(List.of(in)));
            }
        }
        StringBuilder current = new StringBuilder(bullet ? "• " : "");
        for (Block unit : units) {
            String rendered = flavor.render(unit);
            if (size.applyAsInt(current + rendered) > limit && current.length() > 0) {
                out.add(current.toString().strip());
                current.setLength(0);
            }
            if (size.applyAsInt(rendered) > limit) {
                // A single span longer than a whole part (a giant link): cut it as text.
                out.addAll(hardCut(rendered, limit, size));
            } else {
                current.append(rendered);
            }
        }
        if (!current.toString().isBlank()) {
            out.add(current.toString().strip());
        }
        return out;
    }

    /** Cuts at the largest prefix that fits, never inside a surrogate pair. */
    private static List<String> hardCut(String s, int limit, ToIntFunction<String> size) {
        List<String> out = new ArrayList<>();
        int start = 0;
        while (start < s.length()) {
            int end = start;
            int next = start;
            while (next < s.length()) {
                int cp = s.codePointAt(next);
                int after = next + Character.charCount(cp);
                if (size.applyAsInt(s.substring(start, after)) > limit) {
                    break;
                }
                next = after;
                end = after;
            }
            if (end == start) {
                end = start + Character.charCount(s.codePointAt(start));
            }
            out.add(s.substring(start, end));
            start = end;
        }
        return out;
    }
}
