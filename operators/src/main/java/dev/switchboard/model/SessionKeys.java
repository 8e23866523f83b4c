package dev.switchboard.model;

/**
 * Session keys: {@code botId:platform:chatId[:threadId]}, the key of all dialogue state.
 *
 * <p>One platform quirk lives here: in a Slack channel the bot answers in the thread of the message
 * (Slack has no quoting), so a top-level channel message opens a session keyed by its own {@code ts},
 * which is the {@code thread_ts} of every follow-up in that thread.
 */
public final class SessionKeys {
    private SessionKeys() {}

    public static String of(UnifiedMessage m) {
        String thread = m.threadId();
        if (thread == null && Platforms.SLACK.equals(m.platform()) && !ChatType.DIRECT.equals(m.chatType())) {
            thread = m.messageId();
        }
        StringBuilder key = new StringBuilder(64)
                .append(m.botId()).append(':').append(m.platform()).append(':').append(m.chatId());
        if (thread != null) {
            key.append(':').append(thread);
        }
        return key.toString();
    }
}
