package dev.switchboard.functions;

import dev.switchboard.model.InboundMessage;
import dev.switchboard.model.Sender;
import dev.switchboard.model.SessionKeys;
import dev.switchboard.model.UnifiedMessage;
import dev.switchboard.understand.KeywordIntentRules;

import java.util.List;

/** Small builders for function tests. */
final class Messages {
    private static final KeywordIntentRules RULES = new KeywordIntentRules();

    private Messages() {}

    static InboundMessage inbound(String chatId, String messageId, String text, String redeliveryKey) {
        UnifiedMessage m = new UnifiedMessage("telegram", "support", messageId, chatId, "direct", null, null,
                new Sender(chatId, "Ana", false), "text", text, List.of(), List.of(), 1_700_000_000_000L, redeliveryKey);
        return new InboundMessage(m, SessionKeys.of(m), null, 1_700_000_000_100L);
    }

    static UnderstoodMessage understood(String chatId, String messageId, String text) {
        return understood(chatId, messageId, text, "u-" + chatId + "-" + messageId);
    }

    static UnderstoodMessage understood(String chatId, String messageId, String text, String redeliveryKey) {
        return new UnderstoodMessage(inbound(chatId, messageId, text, redeliveryKey), RULES.understand(text));
    }
}
