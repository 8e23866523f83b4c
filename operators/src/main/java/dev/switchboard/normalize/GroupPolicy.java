package dev.switchboard.normalize;

import dev.switchboard.model.ChatType;
import dev.switchboard.model.Mention;
import dev.switchboard.model.UnifiedMessage;
import dev.switchboard.normalize.BotSettings;
import dev.switchboard.normalize.Normalized;

import java.io.Serializable;
import java.util.Locale;

/**
 * Which messages the bot answers: every direct message; in groups, by default only messages addressed
 * to it — the platform says so ({@link Normalized.Item#addressed()}), a mention names the bot's
 * configured identity ({@code <bot>.<platform>.user-id}, or {@code username} for Telegram's
 * {@code @username} mentions), or it replies to a message the bot wrote ({@code user-id}). {@code answer-all} answers every group message.
 */
public final class GroupPolicy implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final String ADDRESSED = "addressed";
    public static final String ANSWER_ALL = "answer-all";

    private final String mode;
    private final BotSettings bots;

    public GroupPolicy(String mode, BotSettings bots) {
        if (!ADDRESSED.equals(mode) && !ANSWER_ALL.equals(mode)) {
            throw new IllegalArgumentException("group policy must be addressed or answer-all, was '" + mode + "'");
        }
        this.mode = mode;
        this.bots = bots;
    }

    public boolean answers(Normalized.Item item) {
        UnifiedMessage m = item.message();
        if (ChatType.DIRECT.equals(m.chatType()) || ANSWER_ALL.equals(mode) || item.addressed()) {
            return true;
        }
        String userId = bots.get(m.botId(), m.platform(), "user-id");
        String username = bots.get(m.botId(), m.platform(), "username");
        if (userId != null && userId.equals(item.replyToUserId())) {
            return true;
        }
        for (Mention mention : m.mentions()) {
            if (userId != null && userId.equals(mention.userId())) {
                return true;
            }
            if (username != null && mention.name() != null
                    && username.replaceFirst("^@", "").toLowerCase(Locale.ROOT).equals(mention.name().toLowerCase(Locale.ROOT))) {
                return true;
            }
        }
        return false;
    }
}
