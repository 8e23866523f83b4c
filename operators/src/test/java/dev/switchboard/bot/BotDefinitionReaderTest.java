package dev.switchboard.bot;

import dev.switchboard.bot.BotDefinition.SlotType;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BotDefinitionReaderTest {

    /** A small valid bot; each test breaks one thing in it. */
    private static final String VALID = String.join("\n",
            "bot: garage",
            "version: \"1\"",
            "languages: [en, zh]",
            "intents:",
            "  service:",
            "    examples:",
            "      en: [book a service, my car needs a service, service appointment, oil change please, car check]",
            "      zh: [保养预约, 我要保养, 换机油, 车辆检查, 预约保养]",
            "    flow: service",
            "  other:",
            "    reply: {en: \"Sorry?\", zh: \"抱歉？\"}",
            "slots:",
            "  plate:",
            "    type: pattern",
            "    pattern: '[A-Z]{2}-\\d{3,4}'",
            "  day:",
            "    type: date",
            "flows:",
            "  service:",
            "    ask: [plate, day]",
            "    prompts:",
            "      plate: {en: \"Your plate?\", zh: \"车牌号？\"}",
            "      day: {en: \"Which day?\", zh: \"哪天？\"}",
            "    done:",
            "      reply: {en: \"Booked {plate} on {day}.\", zh: \"已预约 {plate}，{day}。\"}",
            "");

    private static BotDefinitionReader.Result read(String yaml) {
        return BotDefinitionReader.read(yaml.getBytes(StandardCharsets.UTF_8), "garage.yaml");
    }

    /** The only error of {@code yaml}, as {@code line:column: message}. */
    private static String onlyError(String yaml) {
        BotDefinitionReader.Result r = read(yaml);
        assertThat(r.errors()).as("errors of the changed definition").hasSize(1);
        Problem p = r.errors().get(0);
        assertThat(p.file()).isEqualTo("garage.yaml");
        return p.line() + ":" + p.column() + ": " + p.message();
    }

    @Test
    void theValidExampleReadsWithItsDefaults() {
        BotDefinitionReader.Result r = read(VALID);
        assertThat(r.errors()).isEmpty();
        BotDefinition bot = r.definition();
        assertThat(bot.id()).isEqualTo("garage");
        assertThat(bot.defaultLanguage()).isEqualTo("en");
        assertThat(bot.settings().minConfidence()).isEqualTo(0.5);
        assertThat(bot.settings().handoffQuietFor()).isEqualTo(Duration.ofMinutes(30));
        assertThat(bot.settings().timezone()).isEqualTo("UTC");
        assertThat(bot.flows().get("service").ask()).containsExactly("plate", "day");
        assertThat(bot.flows().get("service").maxAttempts()).isEqualTo(3);
        assertThat(bot.intents().get("other").reply().in("zh", "en")).containsExactly("抱歉？");
    }

    @Test
    void theShippedBotsRead() throws IOException {
        BotDefinition support = shipped("support.yaml");
        assertThat(support.id()).isEqualTo("support");
        assertThat(support.intents().keySet()).containsExactly("greeting", "order_status", "refund", "human_handoff",
                "complaint", "goodbye", "thanks", "other");
        assertThat(support.intents().get("order_status").examples().get("en")).hasSizeGreaterThan(50);
        assertThat(support.slots().get("order_number").type()).isEqualTo(SlotType.PATTERN);
        assertThat(support.urgent().keywords().get("zh")).contains("紧急");

        BotDefinition trattoria = shipped("trattoria.yaml");
        assertThat(trattoria.defaultLanguage()).isEqualTo("zh");
        assertThat(trattoria.settings().timezone()).isEqualTo("Asia/Shanghai");
        assertThat(trattoria.settings().handoffQuietFor()).isEqualTo(Duration.ofHours(2));
        assertThat(trattoria.slots().values()).extracting(BotDefinition.Slot::type)
                .containsExactly(SlotType.NUMBER, SlotType.DATE, SlotType.CHOICE, SlotType.PATTERN, SlotType.EMAIL);
        assertThat(trattoria.slots().get("phone").sensitive()).isTrue();
        assertThat(trattoria.intents().get("menu").reply().in("en", "zh")).hasSize(2);
        assertThat(trattoria.urgent()).isEqualTo(BotDefinition.Urgent.NONE);
    }

    private static BotDefinition shipped(String name) throws IOException {
        Path file = Path.of("..", "bots", name);
        BotDefinitionReader.Result r = BotDefinitionReader.read(Files.readAllBytes(file), name);
        assertThat(r.errors()).as("%s", r.errors()).isEmpty();
        assertThat(r.warnings()).isEmpty();
        return r.definition();
    }

    @Test
    void anUnknownKeyIsNamedWithAGuess() {
        assertThat(onlyError(VALID.replace("    flow: service", "    flow: service\n    exampels: {}")))
                .isEqualTo("10:5: unknown key 'exampels' in intent 'service' (did you mean 'examples'?)"
                        + " (known: examples, flow, handoff, keywords, lookup, not_found, reply, reset, unavailable)");
    }

    @Test
    void aReplyMissingADeclaredLanguage() {
        assertThat(onlyError(VALID.replace("reply: {en: \"Sorry?\", zh: \"抱歉？\"}", "reply: {en: \"Sorry?\"}")))
                .isEqualTo("11:12: intent 'other' reply has no 'zh' text (the bot declares [en, zh])");
    }

    @Test
    void aFlowAskingForAnUnknownSlot() {
        assertThat(onlyError(VALID.replace("ask: [plate, day]", "ask: [plate, dya]").replace("      day: {en: \"Which day?\", zh: \"哪天？\"}\n", "")
                .replace(" on {day}.", ".").replace("，{day}。", "。")))
                .isEqualTo("20:18: flow 'service' asks for unknown slot 'dya' (did you mean 'day'?)");
    }

    @Test
    void aTemplateNamingAnUnknownSlot() {
        assertThat(onlyError(VALID.replace("Booked {plate} on {day}.", "Booked {plate} on {date}.")))
                .startsWith("25:19: flow 'service' done reply names unknown {date}: a template may use a slot, "
                        + "{user.name}, {bot.version} (did you mean 'day'?)");
    }

    @Test
    void aBadRegularExpression() {
        assertThat(onlyError(VALID.replace("'[A-Z]{2}-\\d{3,4}'", "'([A-Z]{2}-\\d{3,4}'")))
                .startsWith("15:14: bad regular expression: Unclosed group");
    }

    @Test
    void anIntentWithTooFewExamples() {
        assertThat(onlyError(VALID.replace("[保养预约, 我要保养, 换机油, 车辆检查, 预约保养]", "[保养预约, 我要保养]")))
                .isEqualTo("7:7: intent 'service' has 2 'zh' examples; it needs at least 5 per language");
    }

    @Test
    void otherIsRequired() {
        assertThat(onlyError(VALID.replace("  other:\n    reply: {en: \"Sorry?\", zh: \"抱歉？\"}\n", "")))
                .isEqualTo("5:3: missing intent 'other': what the bot says when it does not understand");
    }

    @Test
    void anExampleInTwoIntents() {
        String twice = VALID.replace("  other:\n", "  greet:\n    examples:\n"
                + "      en: [hi, hello, hey, Book a  Service, good day]\n      zh: [你好, 您好, 嗨, 早, 哈喽]\n"
                + "    reply: {en: Hi, zh: 你好}\n  other:\n");
        assertThat(onlyError(twice)).isEqualTo(
                "12:28: example 'Book a  Service' is also an example of intent 'service' (line 7)");
    }

    @Test
    void moreProblemsAreAllReportedInFileOrder() {
        BotDefinitionReader.Result r = read(VALID.replace("version: \"1\"\n", "")
                .replace("flow: service", "flow: servise")
                .replace("type: date", "type: weekday"));
        assertThat(r.definition()).isNull();
        assertThat(r.errors()).extracting(Problem::toString).containsExactly(
                "garage.yaml:1:1: missing 'version': the version (free text, carried by every reply)",
                "garage.yaml:8:11: intent 'service' starts unknown flow 'servise' (did you mean 'service'?)",
                "garage.yaml:16:11: slot type 'weekday' is not one of choice, date, number, pattern, email");
        assertThatThrownBy(r::orThrow).isInstanceOf(InvalidBotDefinitionException.class)
                .hasMessageStartingWith("3 problems in the bot definition:\ngarage.yaml:1:1: missing 'version'");
    }

    @Test
    void yamlMistakesAndValueMistakesHaveTheirPlaceToo() {
        assertThat(onlyError(VALID.replace("languages: [en, zh]", "languages: [en, zh")))
                .startsWith("4:8: not valid YAML");
        assertThat(onlyError(VALID.replace("version: \"1\"", "version: \"1\"\nbot: again")))
                .isEqualTo("3:1: duplicate key 'bot' (first at line 1)");
        assertThat(onlyError(VALID.replace("languages: [en, zh]", "languages: [en, zh]\nsettings: {handoff_quiet_for: soon}")))
                .isEqualTo("4:31: 'soon' is not a duration (like 30min, 2h, 90s, 1d)");
        assertThat(onlyError(VALID.replace("languages: [en, zh]", "languages: [en, zh]\nsettings: {timezone: Mars/Olympus}")))
                .isEqualTo("4:22: 'Mars/Olympus' is not an IANA time zone (like UTC, Europe/Berlin, Asia/Shanghai)");
        assertThat(onlyError(VALID.replace("languages: [en, zh]", "languages: [en, zh]\nsettings: {min_confidence: 2}")))
                .isEqualTo("4:28: min_confidence must be within 0..1, was 2.0");
        assertThat(onlyError(VALID.replace("bot: garage", "bot: \"acme:garage\"")))
                .startsWith("1:6: bot id 'acme:garage' may use letters, digits");
        assertThat(onlyError(VALID.replace("reply: {en: \"Sorry?\", zh: \"抱歉？\"}", "reply: {en: \"Sorry?\", zh: \"抱歉？\", fr: Pardon}")))
                .isEqualTo("11:38: intent 'other' reply has language 'fr', which the bot does not declare [en, zh]");
    }

    @Test
    void aFlowNoIntentStartsIsAWarning() {
        BotDefinitionReader.Result r = read(VALID.replace("    flow: service", "    reply: {en: ok, zh: 好}"));
        assertThat(r.errors()).isEmpty();
        assertThat(r.warnings()).extracting(Problem::toString).containsExactly("garage.yaml:19:3: flow 'service' is started by no intent");
    }

    @Test
    void listsOfMessagesAndSingleStringsAreBothReplies() {
        BotDefinition bot = read(VALID.replace("reply: {en: \"Sorry?\", zh: \"抱歉？\"}",
                "reply:\n      en: [\"Sorry?\", \"Try 'service'.\"]\n      zh: 抱歉？")).orThrow();
        assertThat(bot.intents().get("other").reply().in("en", "en")).containsExactly("Sorry?", "Try 'service'.");
        assertThat(bot.intents().get("other").reply().in("zh", "en")).containsExactly("抱歉？");
    }

    @Test
    void junkIsRefusedNotThrown() {
        for (String junk : List.of("", "- a\n- b", "just text", "bot: [1, 2]", "{", "bot: x\n---\nbot: y")) {
            assertThat(read(junk).errors()).as(junk).isNotEmpty();
        }
    }

    /** The garage with its booking looked up when the flow is done, and an intent that looks a car's service up. */
    private static final String WITH_LOOKUPS = VALID
            .replace("      reply: {en: \"Booked {plate} on {day}.\", zh: \"已预约 {plate}，{day}。\"}",
                    "      lookup: {redis_hash: \"bay:{day}\"}\n"
                            + "      reply: {en: \"Booked {plate} on {day}, bay {lookup.bay}.\", zh: \"已预约 {plate}，{day}，{lookup.bay} 号工位。\"}\n"
                            + "      not_found: {en: \"No bay is free on {day}.\"}")
            .replace("  other:\n", "  car_status:\n"
                    + "    examples:\n"
                    + "      en: [is my car ready, car status, when can I pick up my car, is the service done, status of my car]\n"
                    + "      zh: [车修好了吗, 车辆状态, 什么时候取车, 保养好了吗, 我的车怎么样了]\n"
                    + "    lookup: {redis_hash: \"car:{plate}\"}\n"
                    + "    reply: {en: \"{plate}: {lookup.state}\", zh: \"{plate}：{lookup.state}\"}\n"
                    + "    unavailable: {en: \"The workshop system is down; try again soon.\", zh: \"系统暂时不可用。\"}\n"
                    + "  other:\n");

    @Test
    void lookupsInADoneAndAnIntent() {
        BotDefinition bot = read(WITH_LOOKUPS).orThrow();
        BotDefinition.Lookup done = bot.flows().get("service").doneLookup();
        assertThat(done.redisHash()).isEqualTo("bay:{day}");
        assertThat(done.notFound().in("en", "en")).containsExactly("No bay is free on {day}.");
        assertThat(done.unavailable().isEmpty()).isTrue();
        BotDefinition.Lookup status = bot.intents().get("car_status").lookup();
        assertThat(status.redisHash()).isEqualTo("car:{plate}");
        assertThat(status.unavailable().in("zh", "en")).containsExactly("系统暂时不可用。");
        assertThat(bot.intents().get("other").lookup()).isNull();
    }

    @Test
    void lookupMistakesAreNamed() {
        assertThat(onlyError(VALID.replace("Booked {plate} on {day}.\"", "Booked {plate} in bay {lookup.bay}.\"")))
                .contains("names unknown {lookup.bay}");
        assertThat(onlyError(WITH_LOOKUPS.replace("      not_found:", "      oops:")))
                .contains("unknown key 'oops'");
        assertThat(onlyError(VALID.replace("    done:\n", "    done:\n      not_found: {en: \"none\"}\n")))
                .contains("done has 'not_found' but no lookup");
        assertThat(onlyError(WITH_LOOKUPS.replace("redis_hash: \"car:{plate}\"", "redis_hash: \"car:{plates}\"")))
                .contains("names unknown {plates}");
        assertThat(onlyError(WITH_LOOKUPS.replace("{lookup.state}\", zh", "{lookup.state}\", \"second\"], zh")
                .replace("reply: {en: \"{plate}: ", "reply: {en: [\"{plate}: ")))
                .contains("with a lookup it is one message");
        assertThat(onlyError(WITH_LOOKUPS.replace("    lookup: {redis_hash: \"car:{plate}\"}\n",
                        "    lookup: {redis_hash: \"car:{plate}\"}\n    flow: service\n")))
                .contains("cannot both look something up and start a flow");
        assertThat(read(WITH_LOOKUPS.replace("lookup: {redis_hash: \"car:{plate}\"}", "lookup: {hash: \"car:{plate}\"}")).errors())
                .extracting(Problem::message)
                .containsExactlyInAnyOrder("unknown key 'hash' in intent 'car_status' lookup (known: redis_hash)",
                        "intent 'car_status' lookup needs redis_hash: the key of a Redis hash, with slots in braces (\"order:{order_number}\")");
    }

    static final String KNOWLEDGE = String.join("\n",
            "knowledge:",
            "  min_similarity: {en: 0.7, zh: 0.6}",
            "  entries:",
            "    - id: hours",
            "      questions: {en: [when are you open], zh: [几点开门]}",
            "      answer: {en: \"8 to 6\", zh: \"8 点到 6 点\"}",
            "generate:",
            "  endpoint: http://llm.internal:8000/v1/chat/completions",
            "  model: small-model",
            "  api_key_env: GARAGE_LLM_KEY",
            "  system: {en: \"Be brief.\"}",
            "  timeout: 3s",
            "  daily_token_budget: 1000",
            "  for: [other, service]",
            "");

    @Test
    void knowledgeAndGenerateRead() {
        BotDefinitionReader.Result r = read(VALID + KNOWLEDGE);
        assertThat(r.errors()).isEmpty();
        BotDefinition bot = r.definition();
        assertThat(bot.settings().understanding()).isEqualTo(BotDefinition.UnderstandingMode.NGRAM);
        assertThat(bot.usesEncoder()).isTrue();
        assertThat(bot.knowledge().minSimilarity("en")).isEqualTo(0.7);
        assertThat(bot.knowledge().minSimilarity("zh")).isEqualTo(0.6);
        assertThat(bot.knowledge().entry("hours").questions().get("zh")).containsExactly("几点开门");
        assertThat(bot.knowledge().entry("hours").answer().in("en", "en")).containsExactly("8 to 6");
        BotDefinition.Generate g = bot.generate();
        assertThat(g.endpoint()).isEqualTo("http://llm.internal:8000/v1/chat/completions");
        assertThat(g.apiKeyEnv()).isEqualTo("GARAGE_LLM_KEY");
        assertThat(g.timeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(g.maxTokens()).isEqualTo(BotDefinition.Generate.DEFAULT_MAX_TOKENS);
        assertThat(g.dailyTokenBudget()).isEqualTo(1000);
        assertThat(g.forIntents()).containsExactly("other", "service");

        BotDefinition plain = read(VALID.replace("languages: [en, zh]\n", "languages: [en, zh]\nsettings: {understanding: encoder}\n"))
                .definition();
        assertThat(plain.settings().understanding()).isEqualTo(BotDefinition.UnderstandingMode.ENCODER);
        assertThat(plain.knowledge().entries()).isEmpty();
        assertThat(plain.generate()).isNull();
        // One number applies to every language.
        assertThat(read(VALID + KNOWLEDGE.replace("{en: 0.7, zh: 0.6}", "0.66")).definition().knowledge().minSimilarity("zh"))
                .isEqualTo(0.66);
    }

    @Test
    void knowledgeAndGenerateMistakesArePlaced() {
        int k = (int) VALID.lines().count();
        assertThat(onlyError(VALID + KNOWLEDGE.replace("{en: 0.7, zh: 0.6}", "{en: 1.2, zh: 0.6}")))
                .isEqualTo((k + 2) + ":24: min_similarity must be between 0 and 1 (a cosine similarity), was 1.2");
        assertThat(onlyError(VALID + KNOWLEDGE.replace("      answer: {en: \"8 to 6\", zh: \"8 点到 6 点\"}\n", "")))
                .startsWith((k + 4) + ":7: knowledge entry 'hours' needs 'answer'");
        assertThat(onlyError(VALID + KNOWLEDGE.replace("api_key_env: GARAGE_LLM_KEY", "api_key_env: sk-abc123")))
                .startsWith((k + 10) + ":16: api_key_env 'sk-abc123' is not an environment variable's name");
        assertThat(onlyError(VALID + KNOWLEDGE.replace("for: [other, service]", "for: [other, servise]")))
                .startsWith((k + 14) + ":16: generate for names unknown intent 'servise'");
        assertThat(onlyError(VALID + KNOWLEDGE.replace("timeout: 3s", "timeout: 3 hours")))
                .startsWith((k + 12) + ":12: timeout '3 hours' must be a duration");
        assertThat(onlyError(VALID + KNOWLEDGE.replace("endpoint: http://llm.internal:8000/v1/chat/completions", "endpoint: llm.internal")))
                .startsWith((k + 8) + ":13: endpoint 'llm.internal' is not an http(s) URL");
        assertThat(onlyError(VALID.replace("languages: [en, zh]\n", "languages: [en, zh]\nsettings: {understanding: bert}\n")))
                .isEqualTo("4:27: understanding 'bert' is not one of: ngram, encoder");
        assertThat(onlyError(VALID + KNOWLEDGE.replace("    - id: hours", "    - id: hours\n" + KNOWLEDGE.substring(
                KNOWLEDGE.indexOf("      questions"), KNOWLEDGE.indexOf("generate:")) + "    - id: hours")))
                .contains("knowledge id 'hours' is used twice");
    }
}
