package dev.switchboard.properties;

import dev.switchboard.bot.BotDefinition;
import dev.switchboard.bot.BotDefinitionReader;
import dev.switchboard.dialogue.BotPolicy;
import dev.switchboard.dialogue.Decision;
import dev.switchboard.dialogue.DialogueState;
import dev.switchboard.model.ChatType;
import dev.switchboard.model.MessageKind;
import dev.switchboard.model.Sender;
import dev.switchboard.model.UnifiedMessage;
import dev.switchboard.understand.BotKeywordRules;
import dev.switchboard.understand.Understanding;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Any definition the checker accepts never throws at run time, whatever the users write: generated
 * definitions (intents, slot types, flows, templates with placeholders) and the shipped bots, driven with
 * arbitrary texts, intents, confidences, languages and names through several turns of one session.
 */
class BotProperties {
    private static final long NOW = 1_764_666_000_000L;

    @Property(tries = 60)
    void acceptedDefinitionsNeverThrowOnAnyConversation(@ForAll("definitions") String yaml,
            @ForAll("conversations") List<String> texts, @ForAll("labels") List<String> intents,
            @ForAll("names") String name) {
        BotDefinitionReader.Result read = BotDefinitionReader.read(yaml.getBytes(StandardCharsets.UTF_8), "generated.yaml");
        assertThat(read.errors()).as("the generator writes valid definitions:\n%s", yaml).isEmpty();
        talk(read.definition(), texts, intents, name);
    }

    @Property(tries = 150)
    void theShippedBotsNeverThrowOnAnyConversation(@ForAll("shipped") String file, @ForAll("conversations") List<String> texts,
            @ForAll("labels") List<String> intents, @ForAll("names") String name) throws Exception {
        BotDefinition bot = BotDefinitionReader.read(Files.readAllBytes(Path.of("..", "bots", file)), file).orThrow();
        talk(bot, texts, intents, name);
    }

    private static void talk(BotDefinition bot, List<String> texts, List<String> intents, String name) {
        BotPolicy policy = new BotPolicy(bot);
        BotKeywordRules keywords = new BotKeywordRules(bot);
        DialogueState state = new DialogueState();
        long now = NOW;
        for (int i = 0; i < texts.size(); i++) {
            String text = texts.get(i);
            UnifiedMessage m = new UnifiedMessage("telegram", bot.id(), Integer.toString(i), "c", ChatType.DIRECT, null, null,
                    new Sender("u", name, false), MessageKind.TEXT, text, List.of(), List.of(), now, "r" + i);
            Understanding u = i % 3 == 2 ? keywords.understand(text)
                    : new Understanding(intents.get(i % intents.size()), (i * 37 % 100) / 100.0, false,
                            i % 4 == 0 ? "fr" : i % 2 == 0 ? "zh" : "en", "model");
            Decision d = policy.decide(state, m, u, now);
            assertThat(d.replies()).doesNotContainNull();
            assertThat(bot.intents()).containsKey(d.intent());
            assertThat(bot.languages()).contains(d.language());
            assertThat(state.flow == null || bot.flows().containsKey(state.flow)).isTrue();
            assertThat(bot.slots().keySet()).containsAll(state.slots.keySet());
            now += 61_000L * 31; // past any quiet time now and then
        }
    }

    @Provide
    Arbitrary<String> shipped() {
        return Arbitraries.of("support.yaml", "trattoria.yaml");
    }

    @Provide
    Arbitrary<List<String>> conversations() {
        Arbitrary<String> chat = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(60),
                Arbitraries.strings().withChars("0123456789 -+/#月日号周年一二三四五六七八九十两@._abcdefxyz*_`[]()\\{}")
                        .ofMaxLength(40),
                Arbitraries.of("tomorrow", "明天晚上4位", "12/3", "2026-02-30", "next friday", "book 4 for dinner",
                        "ana@example.com", "138 0013 8000", "#A-10234", "48213", "紧急", "urgent!!", "{user.name}",
                        "**bold** _x_ [l](u)", "", " ", "\u0000", "😀😀"));
        return chat.list().ofMinSize(1).ofMaxSize(8);
    }

    @Provide
    Arbitrary<List<String>> labels() {
        return Arbitraries.of("greeting", "order_status", "refund", "reserve", "other", "book", "ask", "nonexistent", "")
                .list().ofMinSize(1).ofMaxSize(4);
    }

    @Provide
    Arbitrary<String> names() {
        return Arbitraries.oneOf(Arbitraries.just(null), Arbitraries.strings().ofMaxLength(12), Arbitraries.of("*Ana_`", "李雷"));
    }

    /** A valid definition of random shape: 1–3 intents beside other, 0–4 slots of any type, maybe a flow. */
    @Provide
    Arbitrary<String> definitions() {
        Arbitrary<List<String>> slotTypes = Arbitraries.of("choice", "date", "number", "pattern", "email").list().ofMaxSize(4);
        Arbitrary<Integer> intents = Arbitraries.integers().between(1, 3);
        Arbitrary<Boolean> withFlow = Arbitraries.of(true, false);
        Arbitrary<Double> confidence = Arbitraries.doubles().between(0, 1).ofScale(2);
        Arbitrary<Integer> attempts = Arbitraries.integers().between(1, 4);
        return Combinators.combine(slotTypes, intents, withFlow, confidence, attempts).as(BotProperties::yaml);
    }

    private static String yaml(List<String> slotTypes, int intents, boolean withFlow, double confidence, int attempts) {
        StringBuilder y = new StringBuilder("bot: gen\nversion: \"1\"\nlanguages: [en, zh]\nsettings: {min_confidence: ")
                .append(confidence).append(", handoff_quiet_for: 0ms}\nintents:\n");
        List<String> slots = new ArrayList<>();
        for (int i = 0; i < slotTypes.size(); i++) {
            slots.add("s" + i);
        }
        boolean flow = withFlow && !slots.isEmpty();
        for (int i = 0; i < intents; i++) {
            y.append("  i").append(i).append(":\n    examples:\n");
            y.append("      en: [").append(words("alpha" + i)).append("]\n");
            y.append("      zh: [").append(words("甲" + i)).append("]\n");
            y.append("    keywords: {en: [alpha").append(i).append("], zh: [甲").append(i).append("]}\n");
            if (i == 0 && flow) {
                y.append("    flow: f\n");
            } else if (i == 1) {
                y.append("    handoff: true\n    reply: {en: \"bye {user.name}\", zh: \"好\"}\n");
            } else {
                y.append("    reset: ").append(i % 2 == 0).append("\n    reply: {en: [\"v{bot.version} ")
                        .append(slots.isEmpty() ? "" : "{" + slots.get(0) + "}").append("\", \"**two**\"], zh: \"中\"}\n");
            }
        }
        y.append("  other:\n    reply: {en: \"?\", zh: \"？\"}\n");
        if (!slots.isEmpty()) {
            y.append("slots:\n");
            for (int i = 0; i < slotTypes.size(); i++) {
                y.append("  s").append(i).append(":\n    type: ").append(slotTypes.get(i)).append("\n");
                switch (slotTypes.get(i)) {
                    case "choice" -> y.append("    values: {a: {en: [apple], zh: [苹果]}, b: {en: [pear], zh: [梨]}}\n");
                    case "pattern" -> y.append("    pattern: '#?[A-Z]-\\d{3,}'\n    sensitive: true\n");
                    default -> { }
                }
            }
        }
        if (flow) {
            y.append("flows:\n  f:\n    ask: [").append(String.join(", ", slots)).append("]\n    prompts:\n");
            for (String s : slots) {
                y.append("      ").append(s).append(": {en: \"").append(s).append("? {user.name}\", zh: \"").append(s).append("？\"}\n");
            }
            y.append("    retry: {en: \"again: {prompt}\", zh: \"{prompt}\"}\n    max_attempts: ").append(attempts)
                    .append("\n    done:\n      reply: {en: \"").append(String.join(" ", slots.stream().map(s -> "{" + s + "}").toList()))
                    .append("\", zh: \"好\"}\n      handoff: ").append(attempts % 2 == 0).append("\n");
        }
        y.append("urgent: {keywords: {en: [now], zh: [急]}, reply: {en: \"!\", zh: \"！\"}}\n");
        return y.toString();
    }

    private static String words(String stem) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            out.add("\"" + stem + " " + i + "\"");
        }
        return String.join(", ", out);
    }
}
