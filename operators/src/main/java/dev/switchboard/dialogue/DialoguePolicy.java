package dev.switchboard.dialogue;

import dev.switchboard.model.MarkupText;
import dev.switchboard.model.MessageKind;
import dev.switchboard.model.UnifiedMessage;
import dev.switchboard.understand.Intent;
import dev.switchboard.understand.Languages;
import dev.switchboard.understand.Understanding;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Maps a message, its understanding and the session's state to a reply, updating the state: templates
 * per language (the reply follows the user's language), an order-number slot-filling flow shared by
 * order status and refunds, human handoff, and urgency. Plain Java, deterministic for a given state and
 * input, so a replay after recovery produces the same replies.
 */
public final class DialoguePolicy implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Flow position: the bot asked for an order number and waits for it. */
    public static final String AWAIT_ORDER_NUMBER = "await_order_number";
    public static final String SLOT_ORDER_NUMBER = "order_number";
    /** Prompts for a missing order number before the flow gives up. */
    static final int MAX_FLOW_ATTEMPTS = 3;

    /**
     * Order numbers: 5 to 20 digits, optionally behind up to four letters and a dash ("A-10234"), and
     * a leading '#'; not inside a longer Latin word or number, but right after Chinese text is fine
     * ("单号48213").
     */
    private static final Pattern ORDER_NUMBER =
            Pattern.compile("(?<![A-Za-z0-9#-])#?((?:[A-Za-z]{1,4}-?)?\\d{5,20})(?![A-Za-z0-9])");

    private final DialogueSettings settings;

    public DialoguePolicy(DialogueSettings settings) {
        this.settings = settings;
    }

    public DialogueSettings settings() {
        return settings;
    }

    /** Decides the reply to {@code message} and updates {@code state}; {@code now} is epoch ms. */
    public Decision decide(DialogueState state, UnifiedMessage message, Understanding understanding, long now) {
        String language = understanding.language() != null ? understanding.language()
                : state.language != null ? state.language : Languages.ENGLISH;
        state.language = language;
        Intent intent = understanding.intentValue();
        boolean urgent = understanding.urgent();
        state.lastIntent = intent.label();

        if (state.handedOff(now)) {
            // A person has the conversation; the bot only listens.
            return new Decision(List.of(), language, intent.label(), urgent, null);
        }

        String orderNumber = extractOrderNumber(message.text());
        List<String> replies = new ArrayList<>();
        String handoffReason = null;

        if (AWAIT_ORDER_NUMBER.equals(state.flow)) {
            Intent flowIntent = Intent.ofLabel(state.flowIntent);
            if (orderNumber != null) {
                state.slots.put(SLOT_ORDER_NUMBER, orderNumber);
                endFlow(state);
                replies.add(answerWithOrder(flowIntent, orderNumber, language));
                return decision(replies, language, flowIntent, urgent, null);
            }
            if (intent == Intent.OTHER || intent == flowIntent) {
                state.flowAttempts++;
                if (state.flowAttempts >= MAX_FLOW_ATTEMPTS) {
                    endFlow(state);
                    replies.add(Templates.text(language, "flow_abandoned"));
                } else {
                    replies.add(Templates.text(language, "reask_order"));
                }
                return decision(replies, language, flowIntent, urgent, null);
            }
            // The user moved on to something else: leave the flow and answer that.
            endFlow(state);
        }

        switch (intent) {
            case ORDER_STATUS, REFUND -> {
                if (orderNumber != null) {
                    state.slots.put(SLOT_ORDER_NUMBER, orderNumber);
                    replies.add(answerWithOrder(intent, orderNumber, language));
                } else {
                    state.flow = AWAIT_ORDER_NUMBER;
                    state.flowIntent = intent.label();
                    state.flowAttempts = 0;
                    replies.add(Templates.text(language, intent == Intent.REFUND ? "ask_refund" : "ask_order_status"));
                }
            }
            case HUMAN_HANDOFF -> {
                replies.add(Templates.text(language, urgent ? "handoff_urgent" : "handoff"));
                handoffReason = "user asked for a person";
            }
            case COMPLAINT -> {
                replies.add(Templates.text(language, "complaint"));
                handoffReason = "complaint";
            }
            case GREETING -> {
                String name = message.sender() == null ? null : message.sender().name();
                String greeting = Templates.text(language, "greeting");
                replies.add(greeting.replace("{name}", name == null ? ""
                        : (Languages.CHINESE.equals(language) ? "，" : " ") + MarkupText.escape(name)));
            }
            case GOODBYE -> {
                state.slots.clear();
                replies.add(Templates.text(language, "goodbye"));
            }
            case THANKS -> replies.add(Templates.text(language, "thanks"));
            case OTHER -> {
                if (message.text() == null && !MessageKind.TEXT.equals(message.kind())) {
                    replies.add(Templates.text(language, "media")
                            .replace("{kind}", Templates.kindName(language, message.kind())));
                } else {
                    replies.add(Templates.text(language, "other"));
                }
            }
        }
        if (urgent && handoffReason == null) {
            replies.add(Templates.text(language, "urgent_note"));
        }
        if (handoffReason != null) {
            state.handoffUntil = now + settings.handoffDuration().toMillis();
            endFlow(state);
        }
        return decision(replies, language, intent, urgent, handoffReason);
    }

    private static Decision decision(List<String> replies, String language, Intent intent, boolean urgent, String handoff) {
        return new Decision(List.copyOf(replies), language, intent.label(), urgent, handoff);
    }

    private static String answerWithOrder(Intent intent, String orderNumber, String language) {
        String key = intent == Intent.REFUND ? "refund" : "order_status";
        return Templates.text(language, key).replace("{order}", MarkupText.escape(orderNumber));
    }

    private static void endFlow(DialogueState state) {
        state.flow = null;
        state.flowIntent = null;
        state.flowAttempts = 0;
    }

    /** The first order number in the text, upper-cased, without '#'; null when there is none. */
    public static String extractOrderNumber(String text) {
        if (text == null) {
            return null;
        }
        Matcher m = ORDER_NUMBER.matcher(text);
        return m.find() ? m.group(1).toUpperCase(Locale.ROOT) : null;
    }
}
