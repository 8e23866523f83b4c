package dev.switchboard.savepoints;

import dev.switchboard.dialogue.DialogueState;
import dev.switchboard.dialogue.Turn;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Erasure in the sessions linked identities share across platforms. */
class ErasureTest {

    private static SessionRecord personSession() {
        // The session of a person whose Telegram account 42 asked for the link code and whose Slack account U1 joined.
        DialogueState s = new DialogueState();
        s.history.add(new Turn(Turn.USER, "where is my order", 1, "order_status", "42", "telegram"));
        s.history.add(new Turn(Turn.BOT, "Sure. What's your order number?", 2, null));
        s.history.add(new Turn(Turn.USER, "48213", 3, "order_status", "U1", "slack"));
        s.history.add(new Turn(Turn.BOT, "Order 48213 is in transit.", 4, null));
        s.slots.put("order_number", "48213");
        return new SessionRecord("support:telegram:42", s, 0);
    }

    @Test
    void theSlackAccountsTurnsLeaveThePersonsTelegramKeyedSession() {
        SessionRecord after = new Erasure("slack", "U1").apply(personSession());
        assertThat(after).isNotNull();
        assertThat(after.state.history).extracting(t -> t.text)
                .containsExactly("where is my order", "Sure. What's your order number?");
        assertThat(after.state.slots).isEmpty();
    }

    @Test
    void theAccountWhoseChatKeysTheSessionTakesItWhole() {
        assertThat(new Erasure("telegram", "42").apply(personSession())).isNull();
    }

    @Test
    void theSameIdOnAnotherPlatformIsSomeoneElse() {
        SessionRecord before = personSession();
        assertThat(new Erasure("discord", "U1").apply(before).state.history).hasSize(4);
    }

    @Test
    void turnsWrittenBeforeTurnsNamedAPlatformBelongToTheSessionsPlatform() {
        DialogueState s = new DialogueState();
        s.history.add(new Turn(Turn.USER, "hi all", 1, "greeting", "7"));
        s.history.add(new Turn(Turn.USER, "hello", 2, "greeting", "8"));
        SessionRecord group = new SessionRecord("support:telegram:-100", s, 0);
        assertThat(new Erasure("telegram", "7").apply(group).state.history).extracting(t -> t.text).containsExactly("hello");
        assertThat(new Erasure("slack", "8").apply(group).state.history).hasSize(1);
    }
}
