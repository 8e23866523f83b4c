package dev.switchboard.understand;

/** The reply languages and how a message's language is told. */
public final class Languages {
    public static final String ENGLISH = "en";
    public static final String CHINESE = "zh";

    private Languages() {}

    /** {@code zh} when the text has Han characters, {@code en} when it has Latin letters, else null. */
    public static String detect(String text) {
        if (text == null) {
            return null;
        }
        boolean latin = false;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            Character.UnicodeScript script = Character.UnicodeScript.of(cp);
            if (script == Character.UnicodeScript.HAN) {
                return CHINESE;
            }
            latin |= script == Character.UnicodeScript.LATIN;
            i += Character.charCount(cp);
        }
        return latin ? ENGLISH : null;
    }
}
