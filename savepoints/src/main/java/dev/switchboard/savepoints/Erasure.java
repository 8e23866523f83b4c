package dev.switchboard.savepoints;

import dev.switchboard.dialogue.Turn;

import java.io.Serializable;

/**
 * The right to erasure for one user of one platform: a session that is only theirs (every user turn
 * is theirs, or the chat is theirs) is dropped whole; in shared (group) sessions their turns and the
 * bot's answers to them are removed, and the session's slots and flow with them (they may hold what
 * the user said).
 */
public final class Erasure implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String platform;
    private final String userId;

    public Erasure(String platform, String userId) {
        this.platform = platform;
        this.userId = userId;
    }

    /** The session without the user, or null when the whole session goes. */
    public SessionRecord apply(SessionRecord record) {
        if (!platform.equals(record.platform())) {
            return record;
        }
        if (userId.equals(record.chatId())) {
            return null;
        }
        boolean theirs = false;
        boolean others = false;
        for (Turn t : record.state.history) {
            if (Turn.USER.equals(t.role)) {
                if (userId.equals(t.userId)) {
                    theirs = true;
                } else {
                    others = true;
                }
            }
        }
        if (!theirs) {
            return record;
        }
        if (!others) {
            return null;
        }
        // Their turns and the bot's answers to them (which may repeat what they said).
        java.util.List<Turn> kept = new java.util.ArrayList<>();
        boolean answeringThem = false;
        for (Turn t : record.state.history) {
            if (Turn.USER.equals(t.role)) {
                answeringThem = userId.equals(t.userId);
            }
            if (!answeringThem) {
                kept.add(t);
            }
        }
        record.state.history = kept;
        record.state.slots.clear();
        record.state.flow = null;
        record.state.flowIntent = null;
        record.state.flowAttempts = 0;
        return record;
    }
}
