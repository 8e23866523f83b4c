package dev.switchboard.dialogue;

import java.util.List;

/**
 * What the policy decided for one message.
 *
 * @param replies reply texts to send, in order (empty when the bot stays quiet)
 * @param language the language they are written in
 * @param intent the intent acted on
 * @param urgent the message was flagged urgent: replies go out with {@code priority: urgent}
 * @param handoffReason non-null when the session was just handed to a person (the reason for the
 *     handoff record)
 * @param lookup the live data reply {@code lookupIndex} shows, or null
 * @param knowledgeId the knowledge entry the replies answer with, or null
 */
public record Decision(List<String> replies, String language, String intent, boolean urgent, String handoffReason,
                       LookupRequest lookup, int lookupIndex, String knowledgeId) {

    /** The intent of a reply that answers with a knowledge entry. */
    public static final String KNOWLEDGE_INTENT = "knowledge";

    public Decision(List<String> replies, String language, String intent, boolean urgent, String handoffReason) {
        this(replies, language, intent, urgent, handoffReason, null, -1, null);
    }

    public Decision(List<String> replies, String language, String intent, boolean urgent, String handoffReason,
            LookupRequest lookup, int lookupIndex) {
        this(replies, language, intent, urgent, handoffReason, lookup, lookupIndex, null);
    }


    public boolean handoff() {
        return handoffReason != null;
    }
}
