package dev.switchboard.understand;

/**
 * What the understand step concluded about one message.
 *
 * @param intent the intent label ({@link Intent#label()})
 * @param confidence in [0, 1]
 * @param urgent the user flagged urgency (紧急, urgent, asap, ...)
 * @param language {@code en} or {@code zh}, or null when the text has no letters to tell
 * @param source which classifier decided ({@code rules}, or a model name)
 */
public record Understanding(String intent, double confidence, boolean urgent, String language, String source) {

    public Understanding withSource(String newSource) {
        return new Understanding(intent, confidence, urgent, language, newSource);
    }

    public Intent intentValue() {
        return Intent.ofLabel(intent);
    }
}
