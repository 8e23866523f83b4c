package dev.switchboard.dialogue;

import dev.switchboard.model.Sender;
import dev.switchboard.model.UnifiedMessage;
import dev.switchboard.understand.KeywordIntentRules;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DialoguePolicyTest {
    private final DialoguePolicy policy = new DialoguePolicy(DialogueSettings.DEFAULTS);
    private final KeywordIntentRules rules = new KeywordIntentRules();

    private static UnifiedMessage text(String text) {
        return new UnifiedMessage("telegram", "b", "1", "42", "direct", null, null, new Sender("42", "Ana", false),
                "text", text, List.of(), List.of(), 0L, "r");
    }

    private Decision say(DialogueState state, String text, long now) {
        return policy.decide(state, text(text), rules.understand(text), now);
    }

    @Test
    void orderStatusAsksForTheNumberAndAnswersWithItNextTurn() {
        DialogueState s = new DialogueState();
        Decision ask = say(s, "where is my order?", 0);
        assertThat(ask.replies()).containsExactly("Sure. What's your order number?");
        assertThat(s.flow).isEqualTo(DialoguePolicy.AWAIT_ORDER_NUMBER);

        Decision answer = say(s, "it's #48213", 1);
        assertThat(answer.intent()).isEqualTo("order_status");
        assertThat(answer.replies()).singleElement().asString().contains("48213");
        assertThat(s.flow).isNull();
        assertThat(s.slots).containsEntry("order_number", "48213");
    }

    @Test
    void chineseFlowRepliesInChineseAndABareNumberKeepsTheLanguage() {
        DialogueState s = new DialogueState();
        assertThat(say(s, "我要退款", 0).replies()).containsExactly("我可以帮您办理退款，请提供订单号。");
        Decision d = say(s, "48213", 1);
        assertThat(d.language()).isEqualTo("zh");
        assertThat(d.replies()).singleElement().asString().contains("订单 **48213**").contains("退款");
    }

    @Test
    void orderNumberInTheFirstMessageIsAnsweredAtOnce() {
        DialogueState s = new DialogueState();
        assertThat(say(s, "my package hasn't arrived, order A-10234", 0).replies()).singleElement().asString().contains("A-10234");
        assertThat(s.flow).isNull();
    }

    @Test
    void aFlowThatGoesNowhereEndsAfterThreePrompts() {
        DialogueState s = new DialogueState();
        say(s, "where is my order", 0);
        assertThat(say(s, "hmm", 1).replies()).singleElement().asString().contains("doesn't look like an order number");
        assertThat(say(s, "not sure", 2).replies()).singleElement().asString().contains("doesn't look like");
        assertThat(say(s, "dunno", 3).replies()).singleElement().asString().contains("stop asking");
        assertThat(s.flow).isNull();
    }

    @Test
    void anotherIntentLeavesTheFlow() {
        DialogueState s = new DialogueState();
        say(s, "where is my order", 0);
        Decision d = say(s, "thanks, bye", 1);
        assertThat(s.flow).isNull();
        assertThat(d.intent()).isIn("goodbye", "thanks");
    }

    @Test
    void handoffKeepsTheBotQuietUntilItEnds() {
        DialogueState s = new DialogueState();
        Decision d = say(s, "URGENT: let me talk to a human", 1_000);
        assertThat(d.handoff()).isTrue();
        assertThat(d.urgent()).isTrue();
        assertThat(d.replies()).singleElement().asString().contains("urgent");
        assertThat(s.handoffUntil).isEqualTo(1_000 + Duration.ofMinutes(30).toMillis());

        assertThat(say(s, "hello?", 2_000).replies()).isEmpty();
        assertThat(say(s, "hello?", s.handoffUntil + 1).replies()).isNotEmpty();
    }

    @Test
    void urgentQuestionsAreFlaggedInTheReply() {
        DialogueState s = new DialogueState();
        Decision d = say(s, "urgent: where is my order 55555", 0);
        assertThat(d.urgent()).isTrue();
        assertThat(d.replies()).hasSize(2).last().asString().contains("urgent");
    }

    @Test
    void greetingUsesTheName() {
        assertThat(say(new DialogueState(), "hello", 0).replies().get(0)).startsWith("Hi Ana!");
        assertThat(say(new DialogueState(), "你好", 0).replies().get(0)).startsWith("您好，Ana！");
    }

    @Test
    void extractsOrderNumbers() {
        assertThat(DialoguePolicy.extractOrderNumber("order #48213 please")).isEqualTo("48213");
        assertThat(DialoguePolicy.extractOrderNumber("订单号12345")).isEqualTo("12345");
        assertThat(DialoguePolicy.extractOrderNumber("ab-99999")).isEqualTo("AB-99999");
        assertThat(DialoguePolicy.extractOrderNumber("call me at 1234")).isNull();
        assertThat(DialoguePolicy.extractOrderNumber("version2.12345x")).isNull();
        assertThat(DialoguePolicy.extractOrderNumber(null)).isNull();
    }
}
