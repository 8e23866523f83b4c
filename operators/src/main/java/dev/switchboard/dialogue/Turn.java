package dev.switchboard.dialogue;

/**
 * One turn of a conversation kept in state. A Flink POJO (public fields, no-arg constructor) so that
 * fields can be added later without breaking restore from older savepoints.
 */
public class Turn {
    public static final String USER = "user";
    public static final String BOT = "bot";

    /** {@link #USER} or {@link #BOT}. */
    public String role;
    public String text;
    /** Epoch ms. */
    public long at;
    /** The intent of a user turn, null for bot turns. */
    public String intent;
    /** Who wrote a user turn (the platform's user id), so one user's turns can be erased from a group. */
    public String userId;
    /**
     * The platform a user turn came from. Added with linked identities, where one session holds the turns of
     * several platforms' accounts; null in turns written before (and then the session's platform is theirs).
     */
    public String platform;

    public Turn() {}

    public Turn(String role, String text, long at, String intent, String userId, String platform) {
        this(role, text, at, intent, userId);
        this.platform = platform;
    }

    public Turn(String role, String text, long at, String intent) {
        this(role, text, at, intent, null);
    }

    public Turn(String role, String text, long at, String intent, String userId) {
        this.role = role;
        this.text = text;
        this.at = at;
        this.intent = intent;
        this.userId = userId;
    }

    @Override
    public String toString() {
        return role + ": " + text;
    }
}
