package dev.switchboard.dialogue;

import dev.switchboard.bot.BotDefinition;
import dev.switchboard.bot.BotDefinition.Flow;
import dev.switchboard.bot.BotDefinition.Intent;
import dev.switchboard.bot.BotDefinition.Slot;
import dev.switchboard.bot.BotDefinition.Texts;
import dev.switchboard.bot.SlotValues;
import dev.switchboard.model.MarkupText;
import dev.switchboard.model.MessageKind;
import dev.switchboard.model.UnifiedMessage;
import dev.switchboard.understand.Understanding;

import java.io.Serializable;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The dialogue as a bot definition says it: maps a message, its understanding and the session's state to
 * the replies, updating the state. Plain Java, deterministic for a given definition, state, input and time,
 * so a replay after recovery produces the same replies.
 *
 * <p>Semantics (the README's "Bot definitions" section):
 * <ul>
 *   <li>Below the bot's {@code min_confidence}, or for a label the bot lacks, the intent is {@code other}.
 *   <li>A message that starts a flow fills every slot it contains; the flow asks for the slots still missing,
 *       in order, and says {@code done} when none is.
 *   <li>While a flow waits, a message that fills one of its slots continues it; one understood as another
 *       intent (not {@code other}, not the flow's own) leaves the flow and is answered as that intent; any
 *       other message is answered with {@code retry} until {@code max_attempts}, then {@code give_up}.
 *   <li>Filled slots stay until {@code reset}, expiry or erasure, and prefill later flows.
 *   <li>A message with an urgent keyword (any language) gets the {@code urgent} reply appended.
 * </ul>
 */
public final class BotPolicy implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The flow position the built-in policy of earlier releases stored: continued as the flow its intent names. */
    static final String LEGACY_AWAIT_ORDER_NUMBER = "await_order_number";

    private final BotDefinition bot;
    private transient ZoneId zone;
    private transient SlotValues.Extractor slots;
    /** The urgent keywords of every language, lowercased once. */
    private transient List<String> urgentKeywords;

    public BotPolicy(BotDefinition bot) {
        this.bot = bot;
    }

    public BotDefinition bot() {
        return bot;
    }

    private transient Boolean hasSensitiveSlots;

    /** Whether any of the bot's slots is sensitive (so a session's values need sealing and masking). */
    public boolean hasSensitiveSlots() {
        if (hasSensitiveSlots == null) {
            hasSensitiveSlots = bot.slots().values().stream().anyMatch(BotDefinition.Slot::sensitive);
        }
        return hasSensitiveSlots;
    }

    /** Decides the replies to {@code message} and updates {@code state}; {@code now} is epoch ms. */
    public Decision decide(DialogueState state, UnifiedMessage message, Understanding understanding, long now) {
        String text = message.text();
        Turn turn = new Turn(language(understanding.language(), state.language), message, state);
        state.language = turn.language;
        String intentName = intentOf(understanding);
        boolean urgent = urgent(text);

        if (state.handedOff(now)) {
            // A person has the conversation; the bot only listens.
            state.lastIntent = intentName;
            return new Decision(List.of(), turn.language, intentName, urgent, null);
        }
        migrateLegacyFlow(state);
        if (state.flow != null && !bot.flows().containsKey(state.flow)) {
            // The flow is gone from this version of the bot: end it and take the message as it comes.
            endFlow(state);
        }

        if (state.flow != null) {
            Flow waiting = bot.flows().get(state.flow);
            String flowIntent = state.flowIntent != null && bot.intents().containsKey(state.flowIntent)
                    ? state.flowIntent : intentName;
            Map<String, String> found = slotsOf(text, now);
            if (waiting.ask().stream().anyMatch(found::containsKey)) {
                state.slots.putAll(found);
                state.flowAttempts = 0;
                state.lastIntent = flowIntent;
                return finish(state, continueFlow(state, waiting, turn), turn, flowIntent, urgent, now);
            }
            if (knowledge(understanding) != null) {
                // A question the bot knows the answer to, asked mid-flow: answered; the flow keeps waiting.
                return knowledgeAnswer(state, understanding, turn, urgent);
            }
            if (BotDefinition.OTHER.equals(intentName) || intentName.equals(flowIntent)) {
                state.flowAttempts++;
                state.lastIntent = flowIntent;
                List<String> replies;
                if (state.flowAttempts >= waiting.maxAttempts()) {
                    endFlow(state);
                    replies = render(waiting.giveUp().isEmpty() ? bot.intents().get(BotDefinition.OTHER).reply()
                            : waiting.giveUp(), turn, null);
                } else {
                    String prompt = prompt(waiting, state, turn);
                    replies = waiting.retry().isEmpty() ? List.of(prompt) : render(waiting.retry(), turn, prompt);
                }
                return finish(state, new Step(replies, null), turn, flowIntent, urgent, now);
            }
            // Understood as something else: leave the flow and answer that.
            endFlow(state);
        }

        if (knowledge(understanding) != null) {
            return knowledgeAnswer(state, understanding, turn, urgent);
        }
        state.lastIntent = intentName;
        Intent intent = bot.intents().get(intentName);
        if (intent.reset()) {
            state.slots.clear();
        }
        if (BotDefinition.OTHER.equals(intentName) && (text == null || text.isBlank())
                && !MessageKind.TEXT.equals(message.kind()) && !bot.media().isEmpty()) {
            return finish(state, new Step(render(bot.media(), turn, null), null), turn, intentName, urgent, now);
        }
        if (intent.lookup() != null) {
            state.slots.putAll(slotsOf(text, now));
        }
        List<String> replies = new ArrayList<>(render(intent.reply(), turn, null));
        LookupRequest lookup = intent.lookup() == null || replies.isEmpty() ? null : lookup(intent.lookup(), turn);
        int lookupIndex = lookup == null ? -1 : 0;
        String handoff = intent.handoff() ? "intent " + intent.name() : null;
        if (intent.flow() != null) {
            Flow flow = bot.flows().get(intent.flow());
            state.slots.putAll(slotsOf(text, now));
            state.flow = flow.name();
            state.flowIntent = intent.name();
            state.flowAttempts = 0;
            Step step = continueFlow(state, flow, turn);
            if (step.lookup() != null) {
                lookup = step.lookup();
                lookupIndex = replies.size() + step.lookupIndex();
            }
            replies.addAll(step.replies());
            handoff = handoff != null ? handoff : step.handoffReason();
        }
        return finish(state, new Step(replies, handoff, lookup, lookupIndex), turn, intentName, urgent, now);
    }

    /** The knowledge entry the understanding found, when this version of the bot still has it. */
    private BotDefinition.KnowledgeEntry knowledge(Understanding understanding) {
        return understanding.knowledgeId() == null ? null : bot.knowledge().entry(understanding.knowledgeId());
    }

    private Decision knowledgeAnswer(DialogueState state, Understanding understanding, Turn turn, boolean urgent) {
        BotDefinition.KnowledgeEntry entry = knowledge(understanding);
        state.lastIntent = Decision.KNOWLEDGE_INTENT;
        List<String> out = new ArrayList<>(render(entry.answer(), turn, null));
        if (urgent && !out.isEmpty()) {
            out.addAll(render(bot.urgent().reply(), turn, null));
        }
        return new Decision(List.copyOf(out), turn.language, Decision.KNOWLEDGE_INTENT, urgent, null, null, -1, entry.id());
    }

    /** Replies decided so far, the handoff reason when the session goes to a person, the reply that looks data up. */
    private record Step(List<String> replies, String handoffReason, LookupRequest lookup, int lookupIndex) {
        Step(List<String> replies, String handoffReason) {
            this(replies, handoffReason, null, -1);
        }
    }

    /** The lookup with its key and its alternatives filled for this turn. */
    private LookupRequest lookup(BotDefinition.Lookup lookup, Turn turn) {
        String key = fill(lookup.redisHash(), turn, null, false);
        String notFound = lookup.notFound().isEmpty() ? builtIn(LookupRequest.NOT_FOUND, turn.language)
                : first(render(lookup.notFound(), turn, null), builtIn(LookupRequest.NOT_FOUND, turn.language));
        String unavailable = lookup.unavailable().isEmpty() ? builtIn(LookupRequest.UNAVAILABLE, turn.language)
                : first(render(lookup.unavailable(), turn, null), builtIn(LookupRequest.UNAVAILABLE, turn.language));
        return new LookupRequest(key, notFound, unavailable);
    }

    private static String builtIn(Map<String, String> texts, String language) {
        return texts.getOrDefault(language, texts.get("en"));
    }

    private static String first(List<String> texts, String fallback) {
        return texts.isEmpty() ? fallback : texts.get(0);
    }

    /** Asks for the next missing slot of {@code flow}, or says {@code done} when every slot is there. */
    private Step continueFlow(DialogueState state, Flow flow, Turn turn) {
        for (String slot : flow.ask()) {
            if (!state.slots.containsKey(slot)) {
                return new Step(List.of(prompt(flow, state, turn)), null);
            }
        }
        endFlow(state);
        List<String> done = render(flow.done(), turn, null);
        LookupRequest lookup = flow.doneLookup() == null || done.isEmpty() ? null : lookup(flow.doneLookup(), turn);
        return new Step(done, flow.doneHandoff() ? "flow " + flow.name() + " completed" : null, lookup, lookup == null ? -1 : 0);
    }

    private Decision finish(DialogueState state, Step step, Turn turn, String intentName, boolean urgent, long now) {
        List<String> out = new ArrayList<>(step.replies());
        if (urgent && !out.isEmpty()) {
            out.addAll(render(bot.urgent().reply(), turn, null));
        }
        if (step.handoffReason() != null) {
            state.handoffUntil = now + bot.settings().handoffQuietFor().toMillis();
            endFlow(state);
        }
        return new Decision(List.copyOf(out), turn.language, intentName, urgent, step.handoffReason(), step.lookup(),
                step.lookupIndex());
    }

    private String prompt(Flow flow, DialogueState state, Turn turn) {
        for (String slot : flow.ask()) {
            if (!state.slots.containsKey(slot)) {
                Map<String, String> byLanguage = flow.prompts().get(slot);
                return fill(byLanguage.getOrDefault(turn.language, byLanguage.get(bot.defaultLanguage())), turn, null);
            }
        }
        return "";
    }

    // --- understanding ------------------------------------------------------------------------------

    /** The intent the policy acts on: the model's, when sure enough and one of the bot's; else {@code other}. */
    public String intentOf(Understanding understanding) {
        String intent = understanding.intent();
        if (intent == null || !bot.intents().containsKey(intent)
                || understanding.confidence() < bot.settings().minConfidence()) {
            return BotDefinition.OTHER;
        }
        return intent;
    }

    /** The reply language: the message's when the bot speaks it, else the session's, else the bot's default. */
    public String language(String detected, String session) {
        if (detected != null && bot.languages().contains(detected)) {
            return detected;
        }
        if (session != null && bot.languages().contains(session)) {
            return session;
        }
        return bot.defaultLanguage();
    }

    /** Whether the text holds one of the bot's urgent keywords, in any of its languages. */
    public boolean urgent(String text) {
        if (text == null || text.isBlank() || bot.urgent().keywords().isEmpty()) {
            return false;
        }
        if (urgentKeywords == null) {
            List<String> lowered = new ArrayList<>();
            bot.urgent().keywords().values().forEach(words -> words.forEach(w -> lowered.add(w.toLowerCase(Locale.ROOT))));
            urgentKeywords = List.copyOf(lowered);
        }
        String lower = text.length() > SlotValues.MAX_INPUT ? text.substring(0, SlotValues.MAX_INPUT).toLowerCase(Locale.ROOT)
                : text.toLowerCase(Locale.ROOT);
        for (String k : urgentKeywords) {
            if (SlotValues.contains(lower, k)) {
                return true;
            }
        }
        return false;
    }

    private Map<String, String> slotsOf(String text, long now) {
        if (slots == null) {
            slots = new SlotValues.Extractor(bot.slots().values());
        }
        return slots.extractAll(text, today(now));
    }

    /** The bot's "today": the date at {@code now} in its time zone. */
    public LocalDate today(long now) {
        if (zone == null) {
            zone = ZoneId.of(bot.settings().timezone());
        }
        return Instant.ofEpochMilli(now).atZone(zone).toLocalDate();
    }

    private static void endFlow(DialogueState state) {
        state.flow = null;
        state.flowIntent = null;
        state.flowAttempts = 0;
    }

    /** Earlier releases waited for an order number under one position; its intent names the flow now. */
    private void migrateLegacyFlow(DialogueState state) {
        if (LEGACY_AWAIT_ORDER_NUMBER.equals(state.flow) && state.flowIntent != null
                && bot.flows().containsKey(state.flowIntent)) {
            state.flow = state.flowIntent;
        }
    }

    // --- templates ----------------------------------------------------------------------------------

    /** What a template may refer to: the reply's language, the user's name, the session's slots. */
    private static final class Turn {
        final String language;
        final String userName;
        final DialogueState state;

        Turn(String language, UnifiedMessage message, DialogueState state) {
            this.language = language;
            this.userName = message.sender() == null ? null : message.sender().name();
            this.state = state;
        }
    }

    private List<String> render(Texts texts, Turn turn, String prompt) {
        List<String> out = new ArrayList<>();
        for (String template : texts.in(turn.language, bot.defaultLanguage())) {
            out.add(fill(template, turn, prompt));
        }
        return out;
    }

    private static final Pattern PLACEHOLDER = Pattern.compile("(\\s?)\\{([A-Za-z_][A-Za-z0-9_.]*)}");

    /**
     * Fills a template: slots (a choice by its first synonym in the reply's language), {@code user.name}
     * (empty when unknown, and then without the space before it), {@code bot.version}, {@code prompt}. Values
     * are escaped for the markup; the template's own markup stays.
     */
    private String fill(String template, Turn turn, String prompt) {
        return fill(template, turn, prompt, true);
    }

    /** @param markup the template is a reply in the common markup (values escaped), not a Redis key */
    private String fill(String template, Turn turn, String prompt, boolean markup) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(2);
            String value;
            boolean escape = markup;
            if (name.startsWith("lookup.")) {
                // Filled by the lookup step, from the Redis hash.
                m.appendReplacement(out, Matcher.quoteReplacement(m.group()));
                continue;
            } else if (name.equals("user.name")) {
                value = turn.userName == null ? "" : turn.userName.strip();
            } else if (name.equals("bot.version")) {
                value = bot.version();
            } else if (name.equals("prompt")) {
                value = prompt == null ? "" : prompt;
                escape = false; // a prompt is a template of the bot's, already filled
            } else {
                Slot slot = bot.slots().get(name);
                String stored = turn.state.slots.get(name);
                value = slot == null ? "" : SlotValues.display(slot, stored, turn.language, bot.defaultLanguage());
            }
            String space = value.isEmpty() ? "" : m.group(1);
            m.appendReplacement(out, Matcher.quoteReplacement(space + (escape ? MarkupText.escape(value) : value)));
        }
        m.appendTail(out);
        return out.toString();
    }
}
