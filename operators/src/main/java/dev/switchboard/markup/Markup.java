package dev.switchboard.markup;

import dev.switchboard.model.MarkupText;

import java.util.ArrayList;
import java.util.List;

/**
 * The small common markup replies are written in, rendered by each platform's formatter in its own
 * flavour:
 *
 * <pre>
 * **bold**   _italic_   `code`   [text](https://url)   \* (a literal markup character)
 * - a bullet item (a line starting with "- ")
 * ```
 * a code block (fenced lines)
 * ```
 * </pre>
 *
 * Inline spans do not nest. Text without markup parses to one plain paragraph per line, so plain
 * replies render unchanged (apart from each platform's escaping).
 */
public final class Markup {
    private Markup() {}

    public sealed interface Inline permits Text, Bold, Italic, Code, Link {}

    public record Text(String text) implements Inline {}

    public record Bold(String text) implements Inline {}

    public record Italic(String text) implements Inline {}

    public record Code(String text) implements Inline {}

    public record Link(String text, String url) implements Inline {}

    public sealed interface Block permits Line, Bullet, CodeBlock {}

    /** One line of text (an empty list is an empty line). */
    public record Line(List<Inline> inlines) implements Block {}

    public record Bullet(List<Inline> inlines) implements Block {}

    public record CodeBlock(String code) implements Block {}

    public static List<Block> parse(String source) {
        List<Block> blocks = new ArrayList<>();
        String[] lines = source.replace("\r\n", "\n").split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.strip().equals("```")) {
                StringBuilder code = new StringBuilder();
                int j = i + 1;
                while (j < lines.length && !lines[j].strip().equals("```")) {
                    if (code.length() > 0) {
                        code.append('\n');
                    }
                    code.append(lines[j]);
                    j++;
                }
                if (j < lines.length) {
                    blocks.add(new CodeBlock(code.toString()));
                    i = j;
                    continue;
                }
                // An unclosed fence is just text.
            }
            if (line.startsWith("- ")) {
                blocks.add(new Bullet(inlines(line.substring(2))));
            } else {
                blocks.add(new Line(inlines(line)));
            }
        }
        return blocks;
    }

    static List<Inline> inlines(String s) {
        List<Inline> out = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length() && MarkupText.RESERVED.indexOf(s.charAt(i + 1)) >= 0) {
                text.append(s.charAt(i + 1));
                i += 2;
                continue;
            }
            Inline span = null;
            int end = -1;
            if (s.startsWith("**", i)) {
                end = closing(s, "**", i + 2);
                if (end > i + 2) {
                    span = new Bold(unescape(s.substring(i + 2, end)));
                    end += 2;
                }
            } else if (c == '_' || c == '`') {
                end = closing(s, String.valueOf(c), i + 1);
                if (end > i + 1) {
                    String inner = s.substring(i + 1, end);
                    span = c == '_' ? new Italic(unescape(inner)) : new Code(inner);
                    end += 1;
                }
            } else if (c == '[') {
                int close = closing(s, "]", i + 1);
                if (close > i + 1 && s.startsWith("(", close + 1)) {
                    int paren = s.indexOf(')', close + 2);
                    String url = paren < 0 ? null : s.substring(close + 2, paren);
                    if (url != null && (url.startsWith("https://") || url.startsWith("http://")) && !url.contains(" ")) {
                        span = new Link(unescape(s.substring(i + 1, close)), url);
                        end = paren + 1;
                    }
                }
            }
            if (span != null) {
                if (text.length() > 0) {
                    out.add(new Text(text.toString()));
                    text.setLength(0);
                }
                out.add(span);
                i = end;
            } else {
                text.append(c);
                i++;
            }
        }
        if (text.length() > 0) {
            out.add(new Text(text.toString()));
        }
        return out;
    }

    /** Index of the unescaped {@code marker} at or after {@code from}, or -1. */
    private static int closing(String s, String marker, int from) {
        for (int i = from; i < s.length(); i++) {
            if (s.charAt(i) == '\\') {
                i++;
            } else if (s.startsWith(marker, i)) {
                return i;
            }
        }
        return -1;
    }

    private static String unescape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length() && MarkupText.RESERVED.indexOf(s.charAt(i + 1)) >= 0) {
                sb.append(s.charAt(++i));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** Whether the blocks use any markup beyond plain lines of text. */
    public static boolean hasMarkup(List<Block> blocks) {
        for (Block b : blocks) {
            if (!(b instanceof Line l) || l.inlines().stream().anyMatch(in -> !(in instanceof Text))) {
                return true;
            }
        }
        return false;
    }

    /** The text a reader sees, without any markup: for plain-text platforms and for length checks. */
    public static String plain(List<Block> blocks) {
        return Flavor.PLAIN.render(blocks);
    }
}
