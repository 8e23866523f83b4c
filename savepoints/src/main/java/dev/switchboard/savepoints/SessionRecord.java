package dev.switchboard.savepoints;

import dev.switchboard.dialogue.DialogueState;

/**
 * One session read from a savepoint: its key, its dialogue state and the state's serialized size.
 * A Flink POJO, so it travels between the reading and the bootstrapping operators without Kryo.
 */
public class SessionRecord {
    public String sessionKey;
    public DialogueState state;
    public int sizeBytes;
    /**
     * True for a session stored whole by a release before the split layout ({@code dialogue-state}); the job moves it
     * on its first message, {@code savepoint migrate} up front.
     */
    public boolean wholeValue;

    public SessionRecord() {}

    public SessionRecord(String sessionKey, DialogueState state, int sizeBytes, boolean wholeValue) {
        this(sessionKey, state, sizeBytes);
        this.wholeValue = wholeValue;
    }

    public SessionRecord(String sessionKey, DialogueState state, int sizeBytes) {
        this.sessionKey = sessionKey;
        this.state = state;
        this.sizeBytes = sizeBytes;
    }

    /** {@code botId:platform:chatId[:threadId]}: the platform part. */
    public String platform() {
        String[] parts = sessionKey.split(":", 3);
        return parts.length > 1 ? parts[1] : "unknown";
    }

    public String chatId() {
        String[] parts = sessionKey.split(":", 4);
        return parts.length > 2 ? parts[2] : null;
    }
}
