package dev.switchboard.understand;

/**
 * What the understand step concluded about one message.
 *
 * @param intent the intent label: one of the bot's intents (or of {@link Intent} for the earlier releases' model)
 * @param confidence in [0, 1]: the model's probability of its top intent, or the keywords' share of hits
 * @param urgent a classifier's own urgency signal (the earlier releases' keyword rules); a bot's urgency is
 *     decided by its policy from its {@code urgent} keywords
 * @param language {@code en} or {@code zh}, or null when the text has no letters to tell
 * @param source which classifier decided ({@code keywords}, a fallback reason, or a model name)
 */
public record Understanding(String intent, double confidence, boolean urgent, String language, String source) {

    public Understanding withSource(String newSource) {
        return new Understanding(intent, confidence, urgent, language, newSource);
    }
}
