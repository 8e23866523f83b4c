package dev.switchboard.model;

/**
 * Reply texts are written in the common markup ({@code **bold**}, {@code _italic_}, {@code `code`},
 * {@code [text](url)}, bullets, fenced code), which each platform's formatter renders in its own flavour.
 * This class holds what every stage that writes such text needs: which characters the markup reserves and
 * how to put an arbitrary value (a user's name, an order number) into a template so that it is taken
 * literally. The parser lives in {@code dev.switchboard.markup}; the dialogue only writes markup, so it
 * depends on this part alone.
 */
public final class MarkupText {
    /** Characters that a backslash makes literal. */
    public static final String RESERVED = "\\*_`[]";

    private MarkupText() {}

    /** Escapes text so that it is taken literally inside markup (for values put into templates). */
    public static String escape(String text) {
        StringBuilder sb = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (RESERVED.indexOf(c) >= 0) {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.toString();
    }
}
