package dev.switchboard.savepoints;

import dev.switchboard.dialogue.Turn;

import java.io.Serializable;

/**
 * The right to erasure for one user of one platform: a session that is only theirs (every user turn
 * is theirs, or the chat is theirs) is dropped whole; in shared sessions (a group, or a linked person's session
 * that the user's account shared with their other accounts) their turns and the bot's answers to them are
 * removed, and the session's slots and flow with them (they may hold what the user said). A turn is theirs when it
 * names their user id and their platform (a turn from before turns named a platform: the session's).
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
        boolean samePlatform = platform.equals(record.platform());
        if (samePlatform && userId.equals(record.chatId())) {
            return null;
        }
        boolean theirs = false;
        boolean others = false;
        for (Turn t : record.state.history) {
            if (Turn.USER.equals(t.role)) {
                if (isTheirs(t, samePlatform)) {
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
                answeringThem = isTheirs(t, samePlatform);
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

    private boolean isTheirs(Turn t, boolean samePlatform) {
        return userId.equals(t.userId) && (t.platform != null ? platform.equals(t.platform) : samePlatform);
    }
}
