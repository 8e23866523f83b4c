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
 * @param knowledgeId the knowledge entry that answers the message (its best question cleared the language's
 *     {@code min_similarity} and is closer than every intent's examples), or null
 * @param knowledgeSimilarity the cosine similarity of the message to that entry's closest question (0 when none)
 * @param relatedKnowledge the knowledge entries closest to the message, closest first, whether or not one answers (at
 *     most {@value #RELATED}; what a generated reply's prompt is given), empty when the bot has none
 */
public record Understanding(String intent, double confidence, boolean urgent, String language, String source,
                            String knowledgeId, double knowledgeSimilarity, java.util.List<String> relatedKnowledge) {
    public static final int RELATED = 3;

    public Understanding(String intent, double confidence, boolean urgent, String language, String source) {
        this(intent, confidence, urgent, language, source, null, 0, java.util.List.of());
    }

    public Understanding withSource(String newSource) {
        return new Understanding(intent, confidence, urgent, language, newSource, knowledgeId, knowledgeSimilarity, relatedKnowledge);
    }

    public Understanding withKnowledge(String id, double similarity) {
        return new Understanding(intent, confidence, urgent, language, source, id, similarity, relatedKnowledge);
    }

    public Understanding withRelatedKnowledge(java.util.List<String> related) {
        return new Understanding(intent, confidence, urgent, language, source, knowledgeId, knowledgeSimilarity,
                java.util.List.copyOf(related));
    }
}
