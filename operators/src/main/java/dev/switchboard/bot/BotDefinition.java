package dev.switchboard.bot;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A bot as its owner wrote it: what it understands (intents with examples and keywords per language), what
 * it collects (slots), how it asks for them (flows) and what it says (replies per language, in the common
 * markup). Read and checked by {@link BotDefinitionReader}; immutable; every map keeps the file's order.
 *
 * @param id the bot id: records whose {@code bot-id} header is this id are answered by it
 * @param version free text, carried by every reply record
 * @param languages the languages the bot speaks; the first is the default
 */
public record BotDefinition(
        String id,
        String version,
        List<String> languages,
        Settings settings,
        Map<String, Intent> intents,
        Map<String, Slot> slots,
        Map<String, Flow> flows,
        Urgent urgent,
        Texts media) implements Serializable {

    /** The intent every bot has: what it says when it does not understand. */
    public static final String OTHER = "other";

    public String defaultLanguage() {
        return languages.get(0);
    }

    /**
     * @param minConfidence below this probability a message is understood as {@code other}
     * @param handoffQuietFor how long the bot stays quiet after a handoff
     * @param timezone the IANA zone that defines "today" for date slots
     */
    public record Settings(double minConfidence, Duration handoffQuietFor, String timezone) implements Serializable {
        public static final double DEFAULT_MIN_CONFIDENCE = 0.5;
        public static final Duration DEFAULT_HANDOFF_QUIET_FOR = Duration.ofMinutes(30);
        public static final String DEFAULT_TIMEZONE = "UTC";
    }

    /**
     * @param examples training utterances per language
     * @param keywords what the fallback matcher looks for per language when the model is unavailable
     * @param reply what the bot says (may be empty when the intent starts a flow or hands off)
     * @param flow the flow it starts, or null
     * @param handoff hand the session to a person, then stay quiet
     * @param reset forget the session's slots
     * @param lookup live data the reply shows, or null
     */
    public record Intent(String name, Map<String, List<String>> examples, Map<String, List<String>> keywords,
                         Texts reply, String flow, boolean handoff, boolean reset, Lookup lookup) implements Serializable {}

    /**
     * Live business data a reply shows: the Redis hash named by {@code redisHash} (its placeholders filled with the
     * session's slots), whose fields the reply names as {@code {lookup.<field>}}. A reply with a lookup is one
     * message per language.
     *
     * @param notFound said instead when the hash does not exist (empty: the built-in words)
     * @param unavailable said instead when Redis does not answer in time (empty: the built-in words)
     */
    public record Lookup(String redisHash, Texts notFound, Texts unavailable) implements Serializable {}

    public enum SlotType { CHOICE, DATE, NUMBER, PATTERN, EMAIL }

    /**
     * @param values a choice's values: value key → language → synonyms (the first synonym of the reply's
     *     language is how a reply shows it)
     * @param pattern a pattern slot's regular expression, found anywhere in the message
     * @param sensitive kept encrypted in state and masked wherever it is shown
     */
    public record Slot(String name, SlotType type, Map<String, Map<String, List<String>>> values, String pattern,
                       boolean sensitive) implements Serializable {}

    /**
     * @param ask the slots asked for, in this order, only those still missing
     * @param prompts per slot, the question per language
     * @param retry said when a message fills nothing; {@code {prompt}} is the question again
     * @param maxAttempts consecutive messages that fill nothing; the last is answered with {@code giveUp}
     * @param done what is said when every slot is filled
     * @param doneHandoff hand off when the flow completes
     * @param doneLookup live data the {@code done} reply shows, or null
     */
    public record Flow(String name, List<String> ask, Map<String, Map<String, String>> prompts, Texts retry,
                       int maxAttempts, Texts giveUp, Texts done, boolean doneHandoff, Lookup doneLookup) implements Serializable {
        public static final int DEFAULT_MAX_ATTEMPTS = 3;
    }

    /** Keywords per language that make a message urgent, and what is appended to the reply then. */
    public record Urgent(Map<String, List<String>> keywords, Texts reply) implements Serializable {
        public static final Urgent NONE = new Urgent(Map.of(), Texts.NONE);
    }

    /** Messages per language, in order (a reply may be several messages). */
    public record Texts(Map<String, List<String>> byLanguage) implements Serializable {
        public static final Texts NONE = new Texts(Map.of());

        public boolean isEmpty() {
            return byLanguage.isEmpty();
        }

        /** The messages in {@code language}, else in {@code fallback}, else none. */
        public List<String> in(String language, String fallback) {
            List<String> texts = byLanguage.get(language);
            return texts != null ? texts : byLanguage.getOrDefault(fallback, List.of());
        }
    }
}
