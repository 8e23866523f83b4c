package dev.switchboard.dialogue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything the bot remembers about one session, stored as one value in RocksDB keyed state.
 *
 * <p>A Flink POJO on purpose: public fields and a no-arg constructor let Flink's POJO serializer add
 * and drop fields between job versions (schema evolution from a savepoint), which records and generic
 * types do not guarantee. Collections are bounded by {@link DialogueSettings}.
 */
public class DialogueState {
    /** Recent turns, oldest first, at most {@link DialogueSettings#historySize()}. */
    public List<Turn> history = new ArrayList<>();
    /** Filled slots, e.g. {@code order_number}. */
    public Map<String, String> slots = new HashMap<>();
    /** The flow waiting for a slot (a flow of the bot definition), or null. */
    public String flow;
    /** The intent that started the current flow. */
    public String flowIntent;
    /** Unanswered prompts of the current flow, so a flow that goes nowhere ends. */
    public int flowAttempts;
    public String lastIntent;
    /** Language of the last message that showed one; used for messages that show none ("12345"). */
    public String language;
    /** Epoch ms of the last message. */
    public long lastActivity;
    /** Until this epoch ms a person handles the session and the bot stays quiet; 0 when not handed off. */
    public long handoffUntil;
    /** Recently seen redelivery keys, oldest first: redeliveries are answered once. */
    public List<String> recentRedeliveryKeys = new ArrayList<>();
    /** The processing-time timer that expires this session; 0 when none is registered. */
    public long expiryTimer;
    /**
     * Epoch ms the session started. Added after the first release: a session restored from an older
     * savepoint has 0 here until its next message, which sets it from its oldest remembered turn.
     */
    public long startedAt;

    /**
     * A generated reply in flight for this session, or null. While it is set, the session's next messages wait (in the
     * dialogue step's list state), so the next prompt holds this answer. Added with generated replies: older states
     * read it as null.
     */
    public PendingGeneration generating;

    public DialogueState() {}

    /** Records activity at {@code now}; the first activity of a session also dates its start. */
    public void touch(long now) {
        if (startedAt == 0) {
            startedAt = history.isEmpty() ? now : Math.min(now, history.get(0).at);
        }
        lastActivity = now;
    }

    public boolean handedOff(long now) {
        return handoffUntil > now;
    }
}
