package dev.switchboard.bot;

import com.fasterxml.jackson.core.JsonToken;
import dev.switchboard.bot.BotDefinition.Flow;
import dev.switchboard.bot.BotDefinition.Intent;
import dev.switchboard.bot.BotDefinition.Lookup;
import dev.switchboard.bot.BotDefinition.Settings;
import dev.switchboard.bot.BotDefinition.Slot;
import dev.switchboard.bot.BotDefinition.SlotType;
import dev.switchboard.bot.BotDefinition.Texts;
import dev.switchboard.bot.BotDefinition.Urgent;
import dev.switchboard.bot.BotDefinition.Generate;
import dev.switchboard.bot.BotDefinition.Knowledge;
import dev.switchboard.bot.BotDefinition.KnowledgeEntry;
import dev.switchboard.bot.BotDefinition.UnderstandingMode;
import dev.switchboard.bot.YamlTree.Entry;
import dev.switchboard.bot.YamlTree.ListNode;
import dev.switchboard.bot.YamlTree.MapNode;
import dev.switchboard.bot.YamlTree.Node;
import dev.switchboard.bot.YamlTree.Scalar;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads a bot definition (YAML) and checks it: every problem is reported with its {@code file:line:column}
 * and a plain reason, all of them at once, so an owner fixes a file in one pass. A definition with errors
 * is never returned; warnings (a flow no intent starts, say) do not stop it.
 */
public final class BotDefinitionReader {
    /** Training examples each intent needs per language (except {@code other}, whose examples are optional). */
    public static final int MIN_EXAMPLES = 5;

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");
    private static final Pattern BOT_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    private static final Pattern LANGUAGE = Pattern.compile("[a-z]{2,3}(-[A-Za-z0-9]{2,8})*");
    private static final Pattern VALUE_KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})\\s*(ms|s|min|h|d)");
    /** A template placeholder: {slot}, {user.name}, {bot.version}, {prompt}. */
    static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z_][A-Za-z0-9_.]*)}");

    private static final Set<String> TOP = Set.of("bot", "version", "languages", "settings", "intents", "slots", "flows", "knowledge", "generate",
            "urgent", "media");
    private static final Set<String> SETTINGS = Set.of("min_confidence", "handoff_quiet_for", "timezone", "understanding");
    private static final Set<String> KNOWLEDGE = Set.of("min_similarity", "entries");
    private static final Set<String> KNOWLEDGE_ENTRY = Set.of("id", "questions", "answer");
    private static final Set<String> GENERATE = Set.of("endpoint", "model", "api_key_env", "system", "max_tokens", "timeout",
            "daily_token_budget", "for");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Set<String> INTENT = Set.of("examples", "keywords", "reply", "flow", "handoff", "reset", "lookup",
            "not_found", "unavailable");
    private static final Set<String> SLOT = Set.of("type", "values", "pattern", "sensitive");
    private static final Set<String> FLOW = Set.of("ask", "prompts", "retry", "max_attempts", "give_up", "done");
    private static final Set<String> DONE = Set.of("reply", "handoff", "lookup", "not_found", "unavailable");
    private static final Set<String> LOOKUP = Set.of("redis_hash");
    /** In {@code extra}: any {@code {lookup.<field>}} placeholder is allowed. */
    private static final String LOOKUP_FIELDS = "lookup.<field>";
    private static final Set<String> URGENT = Set.of("keywords", "reply");

    /** What reading a file gave: the definition (null when there are errors), errors, warnings. */
    public record Result(BotDefinition definition, List<Problem> errors, List<Problem> warnings) {
        public boolean ok() {
            return errors.isEmpty();
        }

        /** The definition, or an exception listing every error. */
        public BotDefinition orThrow() {
            if (!ok()) {
                throw new InvalidBotDefinitionException(errors);
            }
            return definition;
        }
    }

    private final String file;
    private final List<Problem> errors = new ArrayList<>();
    private final List<Problem> warnings = new ArrayList<>();
    private List<String> languages = List.of();
    /** Every slot the file declares, valid or not: a reference to an invalid one is not a second error. */
    private final Set<String> declaredSlots = new LinkedHashSet<>();

    private BotDefinitionReader(String file) {
        this.file = file;
    }

    /** Reads and checks a definition; {@code file} names it in problems. */
    public static Result read(byte[] yaml, String file) {
        return new BotDefinitionReader(file).run(yaml);
    }

    private Result run(byte[] yaml) {
        Node root = YamlTree.parse(yaml, file, errors);
        if (root == null) {
            return result(null);
        }
        if (!(root instanceof MapNode top)) {
            error(root, "a bot definition is a map with bot, version, languages, intents, ...; found " + root.describe());
            return result(null);
        }
        unknownKeys(top, TOP, "a bot definition");

        String id = requiredText(top, "bot", "the bot id");
        if (id != null && !BOT_ID.matcher(id).matches()) {
            error(top.get("bot").value(), "bot id '" + id + "' may use letters, digits, '_', '.', '-' (no ':'), at most 64");
        }
        String version = requiredText(top, "version", "the version (free text, carried by every reply)");
        languages = languages(top.get("languages"), top);
        Settings settings = settings(top.get("settings"));
        Map<String, Slot> slots = slots(top.get("slots"));
        Map<String, Flow> flows = flows(top.get("flows"), slots);
        Map<String, Intent> intents = intents(top.get("intents"), top, flows, slots);
        Urgent urgent = urgent(top.get("urgent"), slots);
        Texts media = top.get("media") == null ? Texts.NONE
                : texts(top.get("media").value(), "media", slots, Set.of(), true);
        Knowledge knowledge = knowledge(top.get("knowledge"), slots);
        Generate generate = generate(top.get("generate"), intents);

        Set<String> started = new LinkedHashSet<>();
        intents.values().forEach(i -> {
            if (i.flow() != null) {
                started.add(i.flow());
            }
        });
        MapNode flowsNode = map(top.get("flows"));
        for (String flow : flows.keySet()) {
            if (!started.contains(flow) && flowsNode != null) {
                Entry e = flowsNode.get(flow);
                warnings.add(new Problem(file, e.line(), e.column(), "flow '" + flow + "' is started by no intent"));
            }
        }
        if (!errors.isEmpty()) {
            return result(null);
        }
        return result(new BotDefinition(id, version, languages, settings, intents, slots, flows, urgent, media, knowledge, generate));
    }

    private Result result(BotDefinition definition) {
        List<Problem> sortedErrors = new ArrayList<>(errors);
        sortedErrors.sort((a, b) -> a.line() != b.line() ? Integer.compare(a.line(), b.line()) : Integer.compare(a.column(), b.column()));
        return new Result(definition, List.copyOf(sortedErrors), List.copyOf(warnings));
    }

    // --- sections ---------------------------------------------------------------------------------

    private List<String> languages(Entry entry, MapNode top) {
        if (entry == null) {
            error(top, "missing 'languages': the languages the bot speaks, the default first (e.g. [en, zh])");
            return List.of();
        }
        ListNode list = list(entry.value(), "languages");
        if (list == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (Node item : list.items()) {
            String code = text(item, "a language code");
            if (code == null) {
                continue;
            }
            if (!LANGUAGE.matcher(code).matches()) {
                error(item, "'" + code + "' is not a language code (like en, zh, pt-BR)");
            } else if (out.contains(code)) {
                error(item, "language '" + code + "' is listed twice");
            } else {
                out.add(code);
            }
        }
        if (out.isEmpty() && list.items().isEmpty()) {
            error(list, "'languages' is empty: name at least one");
        }
        return List.copyOf(out);
    }

    private Settings settings(Entry entry) {
        double minConfidence = Settings.DEFAULT_MIN_CONFIDENCE;
        Duration quiet = Settings.DEFAULT_HANDOFF_QUIET_FOR;
        String timezone = Settings.DEFAULT_TIMEZONE;
        UnderstandingMode understanding = Settings.DEFAULT_UNDERSTANDING;
        MapNode node = entry == null ? null : map(entry.value(), "settings");
        if (node != null) {
            unknownKeys(node, SETTINGS, "settings");
            Entry min = node.get("min_confidence");
            if (min != null) {
                Double d = number(min.value(), "min_confidence");
                if (d != null && (d < 0 || d > 1)) {
                    error(min.value(), "min_confidence must be within 0..1, was " + d);
                } else if (d != null) {
                    minConfidence = d;
                }
            }
            Entry q = node.get("handoff_quiet_for");
            if (q != null) {
                String raw = text(q.value(), "a duration");
                if (raw != null) {
                    Duration d = duration(raw);
                    if (d == null) {
                        error(q.value(), "'" + raw + "' is not a duration (like 30min, 2h, 90s, 1d)");
                    } else {
                        quiet = d;
                    }
                }
            }
            Entry tz = node.get("timezone");
            if (tz != null) {
                String raw = text(tz.value(), "an IANA time zone");
                if (raw != null) {
                    try {
                        timezone = ZoneId.of(raw).getId();
                    } catch (DateTimeException e) {
                        error(tz.value(), "'" + raw + "' is not an IANA time zone (like UTC, Europe/Berlin, Asia/Shanghai)");
                    }
                }
            }
            Entry u = node.get("understanding");
            if (u != null) {
                String raw = text(u.value(), "ngram or encoder");
                if (raw != null) {
                    try {
                        understanding = UnderstandingMode.valueOf(raw.strip().toUpperCase(java.util.Locale.ROOT));
                    } catch (IllegalArgumentException e) {
                        error(u.value(), "understanding '" + raw + "' is not one of: ngram, encoder");
                    }
                }
            }
        }
        return new Settings(minConfidence, quiet, timezone, understanding);
    }

    private Map<String, Slot> slots(Entry entry) {
        Map<String, Slot> out = new LinkedHashMap<>();
        MapNode node = entry == null ? null : map(entry.value(), "slots");
        if (node == null) {
            return out;
        }
        for (Entry e : node.entries().values()) {
            declaredSlots.add(e.key());
            if (!name(e, "slot")) {
                continue;
            }
            MapNode slot = map(e.value(), "slot '" + e.key() + "'");
            if (slot == null) {
                continue;
            }
            unknownKeys(slot, SLOT, "slot '" + e.key() + "'");
            String typeName = requiredText(slot, "type", "its type (choice, date, number, pattern, email)");
            SlotType type = null;
            if (typeName != null) {
                try {
                    type = SlotType.valueOf(typeName.toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException ex) {
                    error(slot.get("type").value(), "slot type '" + typeName + "' is not one of choice, date, number, pattern, email");
                }
            }
            Map<String, Map<String, List<String>>> values = Map.of();
            String pattern = null;
            if (type == SlotType.CHOICE) {
                values = choiceValues(slot, e.key());
            } else if (slot.get("values") != null) {
                error(slot.get("values").value(), "only a choice slot has values");
            }
            if (type == SlotType.PATTERN) {
                pattern = requiredText(slot, "pattern", "its regular expression");
                if (pattern != null) {
                    try {
                        Pattern.compile(pattern);
                    } catch (PatternSyntaxException ex) {
                        error(slot.get("pattern").value(), "bad regular expression: " + ex.getDescription()
                                + (ex.getIndex() >= 0 ? " near index " + ex.getIndex() : ""));
                    }
                }
            } else if (slot.get("pattern") != null) {
                error(slot.get("pattern").value(), "only a pattern slot has a pattern");
            }
            boolean sensitive = bool(slot.get("sensitive"), false);
            if (type != null) {
                out.put(e.key(), new Slot(e.key(), type, values, pattern, sensitive));
            }
        }
        return Collections.unmodifiableMap(out);
    }

    private Map<String, Map<String, List<String>>> choiceValues(MapNode slot, String name) {
        Entry entry = slot.get("values");
        if (entry == null) {
            error(slot, "choice slot '" + name + "' needs values: value → {language: [synonyms]}");
            return Map.of();
        }
        MapNode values = map(entry.value(), "values");
        if (values == null) {
            return Map.of();
        }
        if (values.entries().isEmpty()) {
            error(values, "choice slot '" + name + "' has no values");
        }
        Map<String, Map<String, List<String>>> out = new LinkedHashMap<>();
        Map<String, String> seen = new HashMap<>();
        for (Entry v : values.entries().values()) {
            if (!VALUE_KEY.matcher(v.key()).matches()) {
                error(v, "value '" + v.key() + "' may use letters, digits, '_', '.', '-'");
                continue;
            }
            Map<String, List<String>> synonyms = perLanguageLists(v.value(), "value '" + v.key() + "'", false);
            for (Map.Entry<String, List<String>> l : synonyms.entrySet()) {
                for (String s : l.getValue()) {
                    String other = seen.putIfAbsent(s.toLowerCase(Locale.ROOT), v.key());
                    if (other != null && !other.equals(v.key())) {
                        error(v, "synonym '" + s + "' of value '" + v.key() + "' is also a synonym of '" + other + "'");
                    }
                }
            }
            out.put(v.key(), synonyms);
        }
        return Collections.unmodifiableMap(out);
    }

    private Map<String, Flow> flows(Entry entry, Map<String, Slot> slots) {
        Map<String, Flow> out = new LinkedHashMap<>();
        MapNode node = entry == null ? null : map(entry.value(), "flows");
        if (node == null) {
            return out;
        }
        for (Entry e : node.entries().values()) {
            if (!name(e, "flow")) {
                continue;
            }
            String what = "flow '" + e.key() + "'";
            MapNode flow = map(e.value(), what);
            if (flow == null) {
                continue;
            }
            unknownKeys(flow, FLOW, what);
            List<String> ask = new ArrayList<>();
            Entry askEntry = flow.get("ask");
            if (askEntry == null) {
                error(flow, what + " needs 'ask': the slots it asks for, in order");
            } else {
                ListNode list = list(askEntry.value(), "ask");
                if (list != null) {
                    if (list.items().isEmpty()) {
                        error(list, what + " asks for nothing");
                    }
                    for (Node item : list.items()) {
                        String slot = text(item, "a slot name");
                        if (slot == null) {
                            continue;
                        }
                        if (!declaredSlots.contains(slot)) {
                            error(item, what + " asks for unknown slot '" + slot + "'" + suggestion(slot, declaredSlots));
                        } else if (ask.contains(slot)) {
                            error(item, what + " asks for '" + slot + "' twice");
                        } else {
                            ask.add(slot);
                        }
                    }
                }
            }
            Map<String, Map<String, String>> prompts = new LinkedHashMap<>();
            Entry promptsEntry = flow.get("prompts");
            MapNode promptsNode = promptsEntry == null ? null : map(promptsEntry.value(), "prompts");
            if (promptsEntry == null) {
                error(flow, what + " needs 'prompts': the question for each slot it asks, per language");
            }
            if (promptsNode != null) {
                for (Entry p : promptsNode.entries().values()) {
                    if (!ask.contains(p.key())) {
                        // Listed in ask but unknown or invalid: that is reported where it is listed.
                        if (!askNames(flow).contains(p.key())) {
                            error(p, "a prompt for '" + p.key() + "', which " + what + " does not ask for");
                        }
                        continue;
                    }
                    Map<String, String> byLanguage = new LinkedHashMap<>();
                    Texts texts = texts(p.value(), "prompt for '" + p.key() + "'", slots, Set.of(), true);
                    for (Map.Entry<String, List<String>> t : texts.byLanguage().entrySet()) {
                        byLanguage.put(t.getKey(), String.join("\n", t.getValue()));
                    }
                    prompts.put(p.key(), byLanguage);
                }
                for (String slot : ask) {
                    if (!prompts.containsKey(slot) && promptsNode.get(slot) == null) {
                        error(promptsNode, what + " has no prompt for '" + slot + "'");
                    }
                }
            }
            Texts retry = flow.get("retry") == null ? Texts.NONE
                    : texts(flow.get("retry").value(), what + " retry", slots, Set.of("prompt"), true);
            int maxAttempts = Flow.DEFAULT_MAX_ATTEMPTS;
            Entry max = flow.get("max_attempts");
            if (max != null) {
                Double d = number(max.value(), "max_attempts");
                if (d != null && (d != Math.rint(d) || d < 1 || d > 20)) {
                    error(max.value(), "max_attempts must be a whole number within 1..20");
                } else if (d != null) {
                    maxAttempts = d.intValue();
                }
            }
            Texts giveUp = flow.get("give_up") == null ? Texts.NONE
                    : texts(flow.get("give_up").value(), what + " give_up", slots, Set.of(), true);
            Texts done = Texts.NONE;
            boolean doneHandoff = false;
            Lookup doneLookup = null;
            Entry doneEntry = flow.get("done");
            if (doneEntry == null) {
                error(flow, what + " needs 'done' with the reply once every slot is filled");
            } else {
                MapNode doneNode = map(doneEntry.value(), "done");
                if (doneNode != null) {
                    unknownKeys(doneNode, DONE, what + " done");
                    doneLookup = lookup(doneNode, what + " done", slots);
                    if (doneNode.get("reply") == null) {
                        error(doneNode, what + " done needs a reply");
                    } else {
                        done = texts(doneNode.get("reply").value(), what + " done reply", slots,
                                doneLookup == null ? Set.of() : Set.of(LOOKUP_FIELDS), true);
                        if (doneLookup != null) {
                            oneMessage(doneNode.get("reply").value(), done, what + " done reply");
                        }
                    }
                    doneHandoff = bool(doneNode.get("handoff"), false);
                }
            }
            out.put(e.key(), new Flow(e.key(), List.copyOf(ask), Collections.unmodifiableMap(prompts), retry, maxAttempts,
                    giveUp, done, doneHandoff, doneLookup));
        }
        return Collections.unmodifiableMap(out);
    }

    private Map<String, Intent> intents(Entry entry, MapNode top, Map<String, Flow> flows, Map<String, Slot> slots) {
        Map<String, Intent> out = new LinkedHashMap<>();
        if (entry == null) {
            error(top, "missing 'intents': at least 'other', what the bot says when it does not understand");
            return out;
        }
        MapNode node = map(entry.value(), "intents");
        if (node == null) {
            return out;
        }
        // example (normalized, per language) → the intent and line that has it first
        Map<String, String[]> examplesSeen = new HashMap<>();
        for (Entry e : node.entries().values()) {
            if (!name(e, "intent")) {
                continue;
            }
            if (e.key().equals("knowledge")) {
                error(e, "'knowledge' is the intent name replies from knowledge entries carry; name this intent otherwise");
                continue;
            }
            String what = "intent '" + e.key() + "'";
            boolean other = BotDefinition.OTHER.equals(e.key());
            MapNode intent = map(e.value(), what);
            if (intent == null) {
                continue;
            }
            unknownKeys(intent, INTENT, what);
            Map<String, List<String>> examples = Map.of();
            Entry ex = intent.get("examples");
            if (ex == null) {
                if (!other) {
                    error(intent, what + " needs examples: at least " + MIN_EXAMPLES + " utterances per language");
                }
            } else {
                examples = perLanguageLists(ex.value(), what + " examples", false);
                if (!other) {
                    for (String language : languages) {
                        int n = examples.getOrDefault(language, List.of()).size();
                        if (n < MIN_EXAMPLES) {
                            error(ex.value(), what + " has " + n + " '" + language + "' example" + (n == 1 ? "" : "s")
                                    + "; it needs at least " + MIN_EXAMPLES + " per language");
                        }
                    }
                }
                duplicates(ex.value(), e.key(), examplesSeen);
            }
            Map<String, List<String>> keywords = intent.get("keywords") == null ? Map.of()
                    : perLanguageLists(intent.get("keywords").value(), what + " keywords", false);
            String flow = null;
            Entry flowEntry = intent.get("flow");
            if (flowEntry != null) {
                flow = text(flowEntry.value(), "a flow name");
                if (flow != null && !flows.containsKey(flow)) {
                    error(flowEntry.value(), what + " starts unknown flow '" + flow + "'" + suggestion(flow, flows.keySet()));
                }
            }
            boolean handoff = bool(intent.get("handoff"), false);
            boolean reset = bool(intent.get("reset"), false);
            Lookup lookup = lookup(intent, what, slots);
            Texts reply = intent.get("reply") == null ? Texts.NONE
                    : texts(intent.get("reply").value(), what + " reply", slots, lookup == null ? Set.of() : Set.of(LOOKUP_FIELDS), true);
            if (lookup != null) {
                if (intent.get("reply") == null) {
                    error(intent, what + " has a lookup but no reply to show it in");
                } else {
                    oneMessage(intent.get("reply").value(), reply, what + " reply");
                }
                if (flowEntry != null) {
                    error(intent.get("lookup"), what + " cannot both look something up and start a flow: put the lookup"
                            + " in the flow's done");
                }
            }
            if (reply.isEmpty() && flow == null && !handoff && intent.get("reply") == null) {
                error(intent, what + " says nothing: give it a reply, a flow or handoff");
            }
            if (flow != null && handoff) {
                error(intent, what + " cannot both start a flow and hand off: hand off when the flow is done"
                        + " (done: {handoff: true})");
            }
            if (other && (flow != null || handoff)) {
                error(intent, "'other' only replies: it cannot start a flow or hand off");
            }
            out.put(e.key(), new Intent(e.key(), examples, keywords, reply, flow, handoff, reset, lookup));
        }
        if (!out.containsKey(BotDefinition.OTHER) && node.get(BotDefinition.OTHER) == null) {
            error(node, "missing intent 'other': what the bot says when it does not understand");
        }
        if (out.size() < 2 && !node.entries().isEmpty() && errors.isEmpty()) {
            error(node, "a bot needs at least one intent besides 'other'");
        }
        return Collections.unmodifiableMap(out);
    }

    private void duplicates(Node examplesNode, String intent, Map<String, String[]> seen) {
        if (!(examplesNode instanceof MapNode byLanguage)) {
            return;
        }
        for (Entry l : byLanguage.entries().values()) {
            if (!(l.value() instanceof ListNode list)) {
                continue;
            }
            for (Node item : list.items()) {
                if (!(item instanceof Scalar s) || s.text() == null) {
                    continue;
                }
                String key = l.key() + "\u0000" + normalize(s.text());
                String[] first = seen.putIfAbsent(key, new String[] {intent, Integer.toString(item.line())});
                if (first != null) {
                    error(item, "example '" + s.text() + "' is also an example of intent '" + first[0] + "' (line "
                            + first[1] + ")" + (first[0].equals(intent) ? ": listed twice" : ""));
                }
            }
        }
    }

    private Urgent urgent(Entry entry, Map<String, Slot> slots) {
        MapNode node = entry == null ? null : map(entry.value(), "urgent");
        if (node == null) {
            return Urgent.NONE;
        }
        unknownKeys(node, URGENT, "urgent");
        Map<String, List<String>> keywords = node.get("keywords") == null ? Map.of()
                : perLanguageLists(node.get("keywords").value(), "urgent keywords", false);
        if (node.get("keywords") == null) {
            error(node, "urgent needs keywords per language");
        }
        Texts reply = node.get("reply") == null ? Texts.NONE : texts(node.get("reply").value(), "urgent reply", slots, Set.of(), true);
        return new Urgent(keywords, reply);
    }

    // --- values ------------------------------------------------------------------------------------

    /**
     * Messages per language: {@code {en: "text", zh: ["text", "text"]}}; with {@code allLanguages} every
     * declared language must be there. Placeholders must name a slot, {@code user.name}, {@code bot.version}
     * or one of {@code extra}.
     */
    /** {@code knowledge: {min_similarity: 0.7 | {en: .., zh: ..}, entries: [{id, questions: {lang: [..]}, answer: {lang: ..}}]}}. */
    private Knowledge knowledge(Entry entry, Map<String, Slot> slots) {
        MapNode node = entry == null ? null : map(entry.value(), "knowledge");
        if (node == null) {
            return Knowledge.NONE;
        }
        unknownKeys(node, KNOWLEDGE, "knowledge");
        Map<String, Double> perLanguage = new LinkedHashMap<>();
        double fallback = Knowledge.DEFAULT_MIN_SIMILARITY;
        Entry min = node.get("min_similarity");
        if (min != null && min.value() instanceof MapNode byLanguage) {
            for (Entry l : byLanguage.entries().values()) {
                if (!languages.contains(l.key())) {
                    error(l, "knowledge min_similarity has language '" + l.key() + "', which the bot does not declare " + languages);
                    continue;
                }
                Double d = similarity(l.value());
                if (d != null) {
                    perLanguage.put(l.key(), d);
                }
            }
        } else if (min != null) {
            Double d = similarity(min.value());
            if (d != null) {
                fallback = d;
            }
        }
        List<KnowledgeEntry> entries = new ArrayList<>();
        Entry list = node.get("entries");
        if (list == null) {
            error(node, "knowledge needs 'entries': a list of {id, questions, answer}");
        } else {
            ListNode items = list(list.value(), "knowledge entries");
            Set<String> ids = new LinkedHashSet<>();
            for (Node item : items == null ? List.<Node>of() : items.items()) {
                MapNode e = map(item, "a knowledge entry ({id, questions, answer})");
                if (e == null) {
                    continue;
                }
                unknownKeys(e, KNOWLEDGE_ENTRY, "a knowledge entry");
                String id = requiredText(e, "id", "the entry's id (shown as the reply's knowledge-id)");
                if (id != null && !VALUE_KEY.matcher(id).matches()) {
                    error(e.get("id").value(), "knowledge id '" + id + "' may use letters, digits, '_', '.', '-'");
                } else if (id != null && !ids.add(id)) {
                    error(e.get("id").value(), "knowledge id '" + id + "' is used twice");
                }
                String what = "knowledge entry '" + id + "'";
                Map<String, List<String>> questions = e.get("questions") == null ? Map.of()
                        : perLanguageLists(e.get("questions").value(), what + " questions", false);
                if (e.get("questions") == null) {
                    error(e, what + " needs 'questions': per language, the questions it answers");
                } else if (questions.values().stream().allMatch(List::isEmpty)) {
                    error(e.get("questions").value(), what + " has no question");
                }
                Texts answer = Texts.NONE;
                if (e.get("answer") == null) {
                    error(e, what + " needs 'answer': per language, what the bot says");
                } else {
                    answer = texts(e.get("answer").value(), what + " answer", slots, Set.of(), false);
                    for (String language : questions.keySet()) {
                        if (!answer.byLanguage().containsKey(language) && !answer.byLanguage().containsKey(languages.get(0))) {
                            error(e.get("answer").value(), what + " has '" + language + "' questions but no '" + language
                                    + "' answer (nor one in the default language " + languages.get(0) + ")");
                        }
                    }
                }
                if (id != null) {
                    entries.add(new KnowledgeEntry(id, questions, answer));
                }
            }
        }
        return new Knowledge(Collections.unmodifiableMap(perLanguage), fallback, List.copyOf(entries));
    }

    private Double similarity(Node node) {
        Double d = number(node, "min_similarity");
        if (d != null && (d <= 0 || d >= 1)) {
            error(node, "min_similarity must be between 0 and 1 (a cosine similarity), was " + d);
            return null;
        }
        return d;
    }

    /** {@code generate: {endpoint, model, api_key_env, system, max_tokens, timeout, daily_token_budget, for}}, or null. */
    private Generate generate(Entry entry, Map<String, Intent> intents) {
        MapNode node = entry == null ? null : map(entry.value(), "generate");
        if (node == null) {
            return null;
        }
        unknownKeys(node, GENERATE, "generate");
        String endpoint = requiredText(node, "endpoint", "the chat-completions URL (http://host:port/v1/chat/completions)");
        if (endpoint != null) {
            try {
                java.net.URI uri = new java.net.URI(endpoint);
                if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                    error(node.get("endpoint").value(), "endpoint '" + endpoint + "' is not an http(s) URL");
                }
            } catch (java.net.URISyntaxException e) {
                error(node.get("endpoint").value(), "endpoint '" + endpoint + "' is not a URL: " + e.getReason());
            }
        }
        String model = requiredText(node, "model", "the model name the endpoint serves");
        String keyEnv = null;
        if (node.get("api_key_env") != null) {
            keyEnv = text(node.get("api_key_env").value(), "the name of an environment variable");
            if (keyEnv != null && !ENV_NAME.matcher(keyEnv).matches()) {
                error(node.get("api_key_env").value(), "api_key_env '" + keyEnv + "' is not an environment variable's name"
                        + " (the key itself never goes in this file)");
            }
        }
        Map<String, String> system = new LinkedHashMap<>();
        if (node.get("system") != null) {
            MapNode byLanguage = map(node.get("system").value(), "generate system (per language: {en: ..., zh: ...})");
            if (byLanguage != null) {
                for (Entry l : byLanguage.entries().values()) {
                    if (!languages.contains(l.key())) {
                        error(l, "generate system has language '" + l.key() + "', which the bot does not declare " + languages);
                        continue;
                    }
                    String t = text(l.value(), "a system prompt");
                    if (t != null) {
                        system.put(l.key(), t);
                    }
                }
            }
        }
        int maxTokens = Generate.DEFAULT_MAX_TOKENS;
        if (node.get("max_tokens") != null) {
            Double d = number(node.get("max_tokens").value(), "max_tokens");
            if (d != null && (d < 1 || d > 32_768 || d != Math.rint(d))) {
                error(node.get("max_tokens").value(), "max_tokens must be a whole number within 1..32768, was " + d);
            } else if (d != null) {
                maxTokens = d.intValue();
            }
        }
        Duration timeout = Generate.DEFAULT_TIMEOUT;
        if (node.get("timeout") != null) {
            String raw = text(node.get("timeout").value(), "a duration");
            Duration d = raw == null ? null : duration(raw);
            if (raw != null && (d == null || d.isZero() || d.compareTo(Duration.ofMinutes(2)) > 0)) {
                error(node.get("timeout").value(), "timeout '" + raw + "' must be a duration up to 2min (like 8s, 1500ms)");
            } else if (d != null) {
                timeout = d;
            }
        }
        long budget = 0;
        if (node.get("daily_token_budget") != null) {
            Double d = number(node.get("daily_token_budget").value(), "daily_token_budget");
            if (d != null && (d < 0 || d != Math.rint(d))) {
                error(node.get("daily_token_budget").value(), "daily_token_budget must be a whole number of tokens (0: no limit)");
            } else if (d != null) {
                budget = d.longValue();
            }
        }
        List<String> forIntents = new ArrayList<>();
        if (node.get("for") != null) {
            ListNode list = list(node.get("for").value(), "for");
            for (Node item : list == null ? List.<Node>of() : list.items()) {
                String name = text(item, "an intent name");
                if (name != null && !intents.containsKey(name)) {
                    error(item, "generate for names unknown intent '" + name + "'" + suggestion(name, intents.keySet()));
                } else if (name != null) {
                    forIntents.add(name);
                }
            }
        } else {
            forIntents.add(BotDefinition.OTHER);
        }
        return new Generate(endpoint, model, keyEnv, Collections.unmodifiableMap(system), maxTokens, timeout, budget,
                List.copyOf(forIntents));
    }

    private Texts texts(Node node, String what, Map<String, Slot> slots, Set<String> extra, boolean allLanguages) {
        MapNode map = map(node, what + " (per language: {" + String.join(": ..., ", languages.isEmpty() ? List.of("en") : languages)
                + ": ...})");
        if (map == null) {
            return Texts.NONE;
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Entry l : map.entries().values()) {
            if (!languages.contains(l.key())) {
                error(l, what + " has language '" + l.key() + "', which the bot does not declare " + languages);
                continue;
            }
            List<String> texts = new ArrayList<>();
            if (l.value() instanceof ListNode list) {
                if (list.items().isEmpty()) {
                    error(list, what + " has no '" + l.key() + "' message");
                }
                for (Node item : list.items()) {
                    String t = text(item, "a message");
                    if (t != null) {
                        checkTemplate(item, t, what, slots, extra);
                        texts.add(t);
                    }
                }
            } else {
                String t = text(l.value(), "a message or a list of messages");
                if (t != null) {
                    checkTemplate(l.value(), t, what, slots, extra);
                    texts.add(t);
                }
            }
            if (!texts.isEmpty()) {
                out.put(l.key(), List.copyOf(texts));
            }
        }
        if (allLanguages) {
            for (String language : languages) {
                if (!out.containsKey(language) && map.get(language) == null) {
                    error(map, what + " has no '" + language + "' text (the bot declares " + languages + ")");
                }
            }
        }
        return new Texts(Collections.unmodifiableMap(out));
    }

    /**
     * The {@code lookup} of a flow's done or of an intent ({@code lookup: {redis_hash: "order:{order_number}"}}, with
     * optional {@code not_found} and {@code unavailable} replies beside it), or null when there is none. Without a
     * lookup, {@code not_found} and {@code unavailable} are errors.
     */
    private Lookup lookup(MapNode owner, String what, Map<String, Slot> slots) {
        Entry entry = owner.get("lookup");
        if (entry == null) {
            for (String k : List.of("not_found", "unavailable")) {
                if (owner.get(k) != null) {
                    error(owner.get(k), what + " has '" + k + "' but no lookup");
                }
            }
            return null;
        }
        // A broken lookup is still a lookup for the replies beside it: its mistakes are named once, here.
        Lookup broken = new Lookup("", Texts.NONE, Texts.NONE);
        MapNode node = map(entry.value(), what + " lookup ({redis_hash: \"order:{order_number}\"})");
        if (node == null) {
            return broken;
        }
        unknownKeys(node, LOOKUP, what + " lookup");
        String key = node.get("redis_hash") == null ? null : text(node.get("redis_hash").value(), "a Redis key");
        if (key == null) {
            error(node, what + " lookup needs redis_hash: the key of a Redis hash, with slots in braces (\"order:{order_number}\")");
            return broken;
        }
        checkTemplate(node.get("redis_hash").value(), key, what + " lookup redis_hash", slots, Set.of());
        Texts notFound = owner.get("not_found") == null ? Texts.NONE
                : texts(owner.get("not_found").value(), what + " not_found", slots, Set.of(), false);
        Texts unavailable = owner.get("unavailable") == null ? Texts.NONE
                : texts(owner.get("unavailable").value(), what + " unavailable", slots, Set.of(), false);
        if (owner.get("not_found") != null) {
            oneMessage(owner.get("not_found").value(), notFound, what + " not_found");
        }
        if (owner.get("unavailable") != null) {
            oneMessage(owner.get("unavailable").value(), unavailable, what + " unavailable");
        }
        return new Lookup(key, notFound, unavailable);
    }

    /** A reply with a lookup is one message per language. */
    private void oneMessage(Node at, Texts texts, String what) {
        texts.byLanguage().forEach((language, messages) -> {
            if (messages.size() > 1) {
                error(at, what + " has " + messages.size() + " '" + language + "' messages; with a lookup it is one message");
            }
        });
    }

    private void checkTemplate(Node at, String text, String what, Map<String, Slot> slots, Set<String> extra) {
        if (text.isBlank()) {
            error(at, what + " is empty");
        }
        Matcher m = PLACEHOLDER.matcher(text);
        while (m.find()) {
            String name = m.group(1);
            if (extra.contains(LOOKUP_FIELDS) && name.startsWith("lookup.") && name.length() > "lookup.".length()) {
                continue;
            }
            if (!declaredSlots.contains(name) && !extra.contains(name) && !name.equals("user.name") && !name.equals("bot.version")) {
                error(at, what + " names unknown {" + name + "}: a template may use a slot, {user.name}, {bot.version}"
                        + (extra.isEmpty() ? "" : ", {" + String.join("}, {", extra) + "}")
                        + suggestion(name, declaredSlots));
            }
        }
    }

    /** {@code {language: [strings]}} (a single string is a list of one). */
    private Map<String, List<String>> perLanguageLists(Node node, String what, boolean allLanguages) {
        MapNode map = map(node, what + " (per language: {en: [...], ...})");
        if (map == null) {
            return Map.of();
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Entry l : map.entries().values()) {
            if (!languages.contains(l.key())) {
                error(l, what + " has language '" + l.key() + "', which the bot does not declare " + languages);
                continue;
            }
            List<String> items = new ArrayList<>();
            if (l.value() instanceof ListNode list) {
                for (Node item : list.items()) {
                    String t = text(item, "a string");
                    if (t != null && !t.isBlank()) {
                        items.add(t.strip());
                    } else if (t != null) {
                        error(item, what + " has an empty entry");
                    }
                }
            } else {
                String t = text(l.value(), "a string or a list of strings");
                if (t != null && !t.isBlank()) {
                    items.add(t.strip());
                }
            }
            out.put(l.key(), List.copyOf(items));
        }
        if (allLanguages) {
            for (String language : languages) {
                if (!out.containsKey(language)) {
                    error(map, what + " has no '" + language + "' entry");
                }
            }
        }
        return Collections.unmodifiableMap(out);
    }

    private String requiredText(MapNode map, String key, String what) {
        Entry e = map.get(key);
        if (e == null) {
            error(map, "missing '" + key + "': " + what);
            return null;
        }
        return text(e.value(), what);
    }

    private String text(Node node, String what) {
        if (node instanceof Scalar s && !s.isNull() && s.token() != JsonToken.VALUE_TRUE && s.token() != JsonToken.VALUE_FALSE) {
            return s.text();
        }
        error(node, "expected " + what + ", found " + node.describe());
        return null;
    }

    private Double number(Node node, String what) {
        if (node instanceof Scalar s && (s.token() == JsonToken.VALUE_NUMBER_INT || s.token() == JsonToken.VALUE_NUMBER_FLOAT)) {
            return Double.parseDouble(s.text());
        }
        error(node, what + " must be a number, found " + node.describe());
        return null;
    }

    private boolean bool(Entry entry, boolean fallback) {
        if (entry == null) {
            return fallback;
        }
        if (entry.value() instanceof Scalar s && (s.token() == JsonToken.VALUE_TRUE || s.token() == JsonToken.VALUE_FALSE)) {
            return s.token() == JsonToken.VALUE_TRUE;
        }
        error(entry.value(), "'" + entry.key() + "' must be true or false, found " + entry.value().describe());
        return fallback;
    }

    private MapNode map(Entry entry) {
        return entry != null && entry.value() instanceof MapNode m ? m : null;
    }

    private MapNode map(Node node, String what) {
        if (node instanceof MapNode m) {
            return m;
        }
        error(node, what + " must be a map, found " + node.describe());
        return null;
    }

    private ListNode list(Node node, String what) {
        if (node instanceof ListNode l) {
            return l;
        }
        error(node, "'" + what + "' must be a list, found " + node.describe());
        return null;
    }

    private boolean name(Entry e, String what) {
        if (NAME.matcher(e.key()).matches()) {
            return true;
        }
        error(e, what + " name '" + e.key() + "' must start with a lowercase letter and use a-z, 0-9, '_'");
        return false;
    }

    private void unknownKeys(MapNode map, Set<String> known, String where) {
        for (Entry e : map.entries().values()) {
            if (!known.contains(e.key())) {
                error(e, "unknown key '" + e.key() + "' in " + where + suggestion(e.key(), known)
                        + " (known: " + String.join(", ", known.stream().sorted().toList()) + ")");
            }
        }
    }

    private void error(Node at, String message) {
        errors.add(new Problem(file, at.line(), at.column(), message));
    }

    private void error(Entry at, String message) {
        errors.add(new Problem(file, at.line(), at.column(), message));
    }

    // --- helpers -----------------------------------------------------------------------------------

    /** The names a flow's {@code ask} lists, whatever they are. */
    private static List<String> askNames(MapNode flow) {
        Entry ask = flow.get("ask");
        List<String> names = new ArrayList<>();
        if (ask != null && ask.value() instanceof ListNode list) {
            for (Node item : list.items()) {
                if (item instanceof Scalar s && s.text() != null) {
                    names.add(s.text());
                }
            }
        }
        return names;
    }

    static Duration duration(String raw) {
        Matcher m = DURATION.matcher(raw.strip());
        if (!m.matches()) {
            return null;
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "min" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    /** Lowercased, trimmed, inner whitespace collapsed: two examples that differ only so are the same. */
    static String normalize(String text) {
        return text.strip().toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
    }

    /** " (did you mean 'x'?)" when a known name is one or two edits away. */
    static String suggestion(String given, Set<String> known) {
        String best = null;
        int bestDistance = 3;
        int bestPrefix = -1;
        for (String k : known) {
            int d = distance(given, k);
            int prefix = commonPrefix(given, k);
            if (d < bestDistance || (d == bestDistance && best != null && prefix > bestPrefix)) {
                bestDistance = d;
                bestPrefix = prefix;
                best = k;
            }
        }
        return best == null ? "" : " (did you mean '" + best + "'?)";
    }

    private static int commonPrefix(String a, String b) {
        int n = 0;
        while (n < a.length() && n < b.length() && a.charAt(n) == b.charAt(n)) {
            n++;
        }
        return n;
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
