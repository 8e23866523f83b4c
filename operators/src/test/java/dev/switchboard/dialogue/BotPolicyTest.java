package dev.switchboard.dialogue;

import dev.switchboard.bot.BotDefinition;
import dev.switchboard.bot.BotDefinitionReader;
import dev.switchboard.model.Attachment;
import dev.switchboard.model.ChatType;
import dev.switchboard.model.MessageKind;
import dev.switchboard.model.Sender;
import dev.switchboard.model.UnifiedMessage;
import dev.switchboard.understand.Understanding;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class BotPolicyTest {
    /** 2026-12-02T09:00Z: a Wednesday, also in Shanghai (17:00). */
    private static final long NOW = Instant.parse("2026-12-02T09:00:00Z").toEpochMilli();

    private static BotPolicy support;
    private static BotPolicy trattoria;

    @BeforeAll
    static void load() throws Exception {
        support = new BotPolicy(read("support.yaml"));
        trattoria = new BotPolicy(read("trattoria.yaml"));
    }

    private static BotDefinition read(String name) throws Exception {
        return BotDefinitionReader.read(Files.readAllBytes(Path.of("..", "bots", name)), name).orThrow();
    }

    private static UnifiedMessage text(String text, String name) {
        return new UnifiedMessage("telegram", "b", "m1", "c1", ChatType.DIRECT, null, null, new Sender("u1", name, false),
                MessageKind.TEXT, text, List.of(), List.of(), NOW, "r1");
    }

    private static Decision say(BotPolicy policy, DialogueState state, String text, String intent, String language) {
        return say(policy, state, text, intent, language, NOW);
    }

    private static Decision say(BotPolicy policy, DialogueState state, String text, String intent, String language, long now) {
        return policy.decide(state, text(text, "Ana"), new Understanding(intent, 0.9, false, language, "model"), now);
    }

    @Test
    void aFlowAsksForItsSlotAndCompletesWithIt() {
        DialogueState s = new DialogueState();
        Decision ask = say(support, s, "where is my order?", "order_status", "en");
        assertThat(ask.replies()).containsExactly("Sure. What's your order number?");
        assertThat(s.flow).isEqualTo("order_status");

        Decision done = say(support, s, "it's #48213", "other", "en");
        // The reply shows the order's live data: the lookup step fills it from the hash the key names.
        assertThat(done.replies()).containsExactly(
                "Order **48213** is {lookup.status}. Expected: {lookup.eta} ({lookup.carrier}).");
        assertThat(done.lookupIndex()).isZero();
        assertThat(done.lookup()).isEqualTo(new LookupRequest("order:48213",
                "I can't find order **48213**. Please check the number: it has at least 5 digits, like 10234 or #A-10234.",
                "Got it: order **48213**. I've requested its latest status and will post the update in this chat."));
        assertThat(done.intent()).isEqualTo("order_status");
        assertThat(s.flow).isNull();
        assertThat(s.slots).containsEntry("order_number", "48213");
    }

    @Test
    void aMessageThatStartsAFlowFillsWhatItContainsAndFilledSlotsPrefillLaterFlows() {
        DialogueState s = new DialogueState();
        assertThat(say(support, s, "refund order 51177 please", "refund", "en").replies())
                .containsExactly("Refund request noted for order **51177**. A teammate will review it and confirm here.");
        // The order number stays in the session: the next flow needs no question.
        assertThat(say(support, s, "and where is it now?", "order_status", "en").replies()).singleElement()
                .asString().startsWith("Order **51177** is {lookup.status}");
        // Goodbye resets: the next flow asks again.
        say(support, s, "bye", "goodbye", "en");
        assertThat(s.slots).isEmpty();
        assertThat(say(support, s, "where is my order", "order_status", "en").replies())
                .containsExactly("Sure. What's your order number?");
    }

    @Test
    void retriesThenGivesUp() {
        DialogueState s = new DialogueState();
        say(support, s, "where is my order", "order_status", "en");
        String retry = "That doesn't look like an order number. It has at least 5 digits, like 10234 or #A-10234.";
        assertThat(say(support, s, "hmm", "other", "en").replies()).containsExactly(retry);
        assertThat(say(support, s, "I don't know it", "order_status", "en").replies()).containsExactly(retry);
        assertThat(say(support, s, "no", "other", "en").replies()).singleElement().asString()
                .startsWith("I still don't have an order number");
        assertThat(s.flow).isNull();
    }

    @Test
    void anotherIntentLeavesTheFlowAndIsAnsweredAsItself() {
        DialogueState s = new DialogueState();
        say(support, s, "where is my order", "order_status", "en");
        Decision thanks = say(support, s, "thanks anyway", "thanks", "en");
        assertThat(thanks.replies()).containsExactly("You're welcome! Anything else?");
        assertThat(thanks.intent()).isEqualTo("thanks");
        assertThat(s.flow).isNull();
    }

    @Test
    void handoffThenQuietForTheBotsQuietTime() {
        DialogueState s = new DialogueState();
        Decision handoff = say(support, s, "let me talk to a human", "human_handoff", "en");
        assertThat(handoff.handoff()).isTrue();
        assertThat(handoff.replies()).hasSize(1);
        assertThat(say(support, s, "hello?", "greeting", "en", NOW + 60_000).replies()).isEmpty();
        assertThat(say(support, s, "hello?", "greeting", "en", NOW + 31 * 60_000).replies()).hasSize(1);
    }

    @Test
    void urgentKeywordsInAnyLanguageAppendTheUrgentReply() {
        DialogueState s = new DialogueState();
        Decision d = say(support, s, "紧急！where is my order", "order_status", "en");
        assertThat(d.urgent()).isTrue();
        assertThat(d.replies()).containsExactly("Sure. What's your order number?", "I've flagged this as urgent.");
        assertThat(say(support, new DialogueState(), "an insurgent, emergent issue", "thanks", "en").urgent()).isFalse();
    }

    @Test
    void belowMinConfidenceOrUnknownLabelsAreOther() {
        Decision unsure = support.decide(new DialogueState(), text("refund?", null),
                new Understanding("refund", 0.3, false, "en", "model"), NOW);
        assertThat(unsure.intent()).isEqualTo("other");
        Decision foreign = support.decide(new DialogueState(), text("x", null),
                new Understanding("book_table", 0.99, false, "en", "model"), NOW);
        assertThat(foreign.intent()).isEqualTo("other");
    }

    @Test
    void theUsersNameIsEscapedAndItsSeparatorDropsWhenUnknown() {
        assertThat(say(support, new DialogueState(), "hi", "greeting", "en").replies().get(0)).startsWith("Hi Ana!");
        Decision nameless = support.decide(new DialogueState(), text("hi", null),
                new Understanding("greeting", 0.9, false, "en", "model"), NOW);
        assertThat(nameless.replies().get(0)).startsWith("Hi! I can");
        Decision markup = support.decide(new DialogueState(), text("hi", "*Ana_*"),
                new Understanding("greeting", 0.9, false, "zh", "model"), NOW);
        assertThat(markup.replies().get(0)).startsWith("您好\\*Ana\\_\\*！");
    }

    @Test
    void mediaWithoutTextGetsTheMediaReply() {
        UnifiedMessage photo = new UnifiedMessage("telegram", "b", "m2", "c1", ChatType.DIRECT, null, null,
                new Sender("u1", "Ana", false), MessageKind.IMAGE, null, List.of(),
                List.of(new Attachment("image", "f1", null, null, null, null)), NOW, "r2");
        Decision d = support.decide(new DialogueState(), photo, new Understanding("other", 1.0, false, null, "rules"), NOW);
        assertThat(d.replies()).containsExactly("I got your message, but I can only read text for now. How can I help?");
    }

    @Test
    void aSessionWaitingUnderTheEarlierPolicyCompletesItsFlow() {
        DialogueState s = new DialogueState();
        s.flow = BotPolicy.LEGACY_AWAIT_ORDER_NUMBER;
        s.flowIntent = "refund";
        assertThat(say(support, s, "51177", "other", "en").replies()).singleElement().asString()
                .startsWith("Refund request noted for order **51177**");
    }

    @Test
    void aFlowRemovedByANewVersionEndsAndTheMessageIsTakenAsItComes() {
        DialogueState s = new DialogueState();
        s.flow = "loyalty_signup";
        s.flowIntent = "loyalty";
        assertThat(say(support, s, "thanks", "thanks", "en").replies()).containsExactly("You're welcome! Anything else?");
        assertThat(s.flow).isNull();
    }

    @Test
    void theSecondBotBooksATableInItsDefaultLanguageAndItsTimeZone() {
        DialogueState s = new DialogueState();
        // 17:00 in Shanghai: tomorrow is Thursday 2026-12-03 there.
        Decision first = say(trattoria, s, "帮我订明天晚上4位", "reserve", "zh");
        assertThat(first.replies()).containsExactly("请留一个联系电话。");
        assertThat(s.slots).containsEntry("date", "2026-12-03").containsEntry("sitting", "dinner").containsEntry("party_size", "4");

        Decision done = say(trattoria, s, "13800138000", "other", "zh");
        assertThat(done.replies()).containsExactly("已为您预订 2026-12-03 晚餐，4 位。确认短信会发到 13800138000。");

        // Late evening UTC is already the next day in Shanghai.
        DialogueState late = new DialogueState();
        say(trattoria, late, "a table for 2 tomorrow for dinner", "reserve", "en",
                Instant.parse("2026-12-02T17:00:00Z").toEpochMilli());
        assertThat(late.slots).containsEntry("date", "2026-12-04");
    }

    @Test
    void theSecondBotAsksInOrderShowsChoicesInTheRepliesLanguageAndGivesUpAfterItsMaxAttempts() {
        DialogueState s = new DialogueState();
        assertThat(say(trattoria, s, "I'd like to book a table", "reserve", "en").replies()).containsExactly("For how many people?");
        assertThat(say(trattoria, s, "six", "other", "en").replies()).containsExactly("Sorry, I didn't get that. For how many people?");
        assertThat(say(trattoria, s, "we are 6, on friday", "other", "en").replies()).containsExactly("Lunch or dinner?");
        assertThat(say(trattoria, s, "lunch", "other", "en").replies()).containsExactly("A phone number for the booking, please.");
        assertThat(say(trattoria, s, "021-6543-2100", "other", "en").replies())
                .containsExactly("Booked: 6 for lunch on 2026-12-04. A confirmation goes to 021-6543-2100.");

        DialogueState quitter = new DialogueState();
        say(trattoria, quitter, "book a table", "reserve", "en");
        say(trattoria, quitter, "hmm", "other", "en");
        assertThat(say(trattoria, quitter, "hmm", "other", "en").replies())
                .containsExactly("Let's leave it for now; tell me whenever you want to book.");
    }

    @Test
    void aLanguageTheBotDoesNotSpeakGetsTheSessionsOrTheDefault() {
        DialogueState s = new DialogueState();
        assertThat(say(trattoria, s, "bonjour", "greeting", "fr").language()).isEqualTo("zh");
        say(trattoria, s, "hello", "greeting", "en");
        assertThat(say(trattoria, s, "ok", "greeting", "fr").language()).isEqualTo("en");
    }

    @Test
    void anIntentWithALookupKeepsItsFieldsForTheLookupStepAndFillsItsKeyFromTheMessage() {
        // A second domain: a library whose "my loans" intent shows the card's loans from Redis.
        String yaml = String.join("\n",
                "bot: library",
                "version: \"3\"",
                "languages: [en]",
                "intents:",
                "  loans:",
                "    examples: {en: [my loans, what have I borrowed, loans on my card, books I have out, due dates]}",
                "    lookup: {redis_hash: \"card:{card}\"}",
                "    reply: {en: \"Card {card}: {lookup.count} books, next due {lookup.next_due}. Thanks {user.name}!\"}",
                "  other:",
                "    examples: {en: [hello, what, opening hours, where are you, who are you]}",
                "    reply: {en: \"Ask me about your loans.\"}",
                "slots:",
                "  card:",
                "    type: pattern",
                "    pattern: 'L\\d{6}'",
                "");
        BotPolicy library = new BotPolicy(BotDefinitionReader.read(yaml.getBytes(java.nio.charset.StandardCharsets.UTF_8), "library.yaml").orThrow());
        Decision d = say(library, new DialogueState(), "loans on L123456 please", "loans", "en");
        assertThat(d.replies()).containsExactly("Card L123456: {lookup.count} books, next due {lookup.next_due}. Thanks Ana!");
        assertThat(d.lookup()).isEqualTo(new LookupRequest("card:L123456", LookupRequest.NOT_FOUND.get("en"),
                LookupRequest.UNAVAILABLE.get("en")));
        assertThat(d.lookupIndex()).isZero();
        assertThat(say(library, new DialogueState(), "hello", "other", "en").lookup()).isNull();
    }
}
