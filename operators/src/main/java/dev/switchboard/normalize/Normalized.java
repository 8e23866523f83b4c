package dev.switchboard.normalize;

import dev.switchboard.model.UnifiedMessage;

import java.util.ArrayList;
import java.util.List;

/**
 * What one payload carried: chat messages, and the reasons for whatever else it held (non-message
 * callbacks, delivery statuses, bots' own messages) that the job counts but does not answer.
 */
public record Normalized(List<Item> messages, List<String> ignored) {

    /**
     * @param accountId the receiving platform account where a reply has to name it (WhatsApp
     *     {@code phone_number_id}), else null
     * @param replyToken a short-lived token the platform's reply API takes (LINE), else null
     * @param edit the platform reports an edit of an earlier message
     * @param addressed the platform itself says the message is addressed to the bot (Slack
     *     {@code app_mention}, LINE {@code isSelf}, DingTalk {@code isInAtList})
     * @param replyToUserId the author of the message this one replies to, where the payload says
     *     (Telegram, Discord, Slack threads); a reply to the bot addresses it
     */
    public record Item(UnifiedMessage message, String accountId, String replyToken, boolean edit, boolean addressed,
                       String replyToUserId) {
        public Item(UnifiedMessage message, String accountId, boolean edit) {
            this(message, accountId, null, edit, false, null);
        }
    }

    public Normalized {
        messages = List.copyOf(messages);
        ignored = List.copyOf(ignored);
    }

    public static Normalized ignored(String reason) {
        return new Normalized(List.of(), List.of(reason));
    }

    /**
     * The same result with {@code fallbackMillis} (the record's {@code received-at}, or the Kafka timestamp) as
     * the time of every message whose payload carried no usable one: a missing time is missing metadata, not
     * a reason to drop the message.
     */
    public Normalized withTimestampsIfMissing(long fallbackMillis) {
        List<Item> filled = new ArrayList<>(messages.size());
        for (Item item : messages) {
            filled.add(new Item(item.message().withTimestampIfMissing(fallbackMillis), item.accountId(),
                    item.replyToken(), item.edit(), item.addressed(), item.replyToUserId()));
        }
        return new Normalized(filled, ignored);
    }

    /** Whether any message lacks a time of its own (see {@link UnifiedMessage#NO_TIMESTAMP}). */
    public boolean lacksTimestamps() {
        return messages.stream().anyMatch(i -> i.message().timestamp() == UnifiedMessage.NO_TIMESTAMP);
    }

    public List<UnifiedMessage> unifiedMessages() {
        List<UnifiedMessage> out = new ArrayList<>(messages.size());
        for (Item item : messages) {
            out.add(item.message());
        }
        return out;
    }

    /** Collects items and ignore reasons while a normalizer walks a payload. */
    static final class Builder {
        private final List<Item> messages = new ArrayList<>();
        private final List<String> ignored = new ArrayList<>();

        Builder message(UnifiedMessage message, String accountId, boolean edit) {
            return message(message, accountId, null, edit, false, null);
        }

        Builder message(UnifiedMessage message, String accountId, String replyToken, boolean edit, boolean addressed,
                String replyToUserId) {
            messages.add(new Item(message, accountId, replyToken, edit, addressed, replyToUserId));
            return this;
        }

        Builder ignore(String reason) {
            ignored.add(reason);
            return this;
        }

        Normalized build() {
            return new Normalized(messages, ignored);
        }
    }
}
