package dev.switchboard.dialogue;

import com.fasterxml.jackson.annotation.JsonIgnore;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything the bot remembers about one session.
 *
 * <p>How the dialogue step stores it: the small fields in value state {@code dialogue-session} with
 * {@link SessionSerializer} (read and written per message), the turns in list state {@code dialogue-history} (a
 * message appends its turns; the list is cut back to the history size now and then), and the redelivery keys as a
 * ring of 64-bit hashes among the small fields. Releases before that stored the whole object, {@link #history} and
 * {@link #recentRedeliveryKeys} included, as one value ({@code dialogue-state}, Flink's POJO serializer): that is why
 * it is still a Flink POJO, and the dialogue step moves such a session into the split layout on its first touch
 * ({@link #moveToSplitLayout(int)}). The savepoint tools fill {@link #history} from the list state.
 */
public class DialogueState {
    /**
     * Recent turns, oldest first. In the split layout the turns live in list state and this list is empty while the
     * dialogue step runs (it reads the list state when it needs the turns); the savepoint tools fill it.
     */
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
    /**
     * Recently seen redelivery keys, oldest first, as releases before the split layout kept them; empty once the
     * session is moved ({@link #redeliveryHashes} holds them then).
     */
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

    /** Turns in the session's history list state (split layout); the dialogue step cuts the list back past a bound. */
    public int historyTurns;

    /**
     * The hashes ({@link #redeliveryHash(String)}) of the last redelivery keys, a ring of at most the dedup window:
     * redeliveries are answered once. Oldest at {@link #redeliveryOldest} once the ring is full.
     */
    @JsonIgnore
    public long[] redeliveryHashes = NO_HASHES;
    @JsonIgnore
    public int redeliveryOldest;

    static final long[] NO_HASHES = new long[0];

    /** How many redelivery keys are remembered (what the savepoint tools show instead of the hashes). */
    @com.fasterxml.jackson.annotation.JsonProperty("redeliveryKeysRemembered")
    public int redeliveryKeysRemembered() {
        return redeliveryHashes.length;
    }

    public DialogueState() {}

    /** Whether the redelivery key is among the remembered ones. */
    public boolean seenRedelivery(String key) {
        long h = redeliveryHash(key);
        for (long seen : redeliveryHashes) {
            if (seen == h) {
                return true;
            }
        }
        return false;
    }

    /** Remembers the redelivery key, forgetting the oldest beyond {@code window}. */
    public void rememberRedelivery(String key, int window) {
        long h = redeliveryHash(key);
        long[] ring = redeliveryHashes;
        if (ring.length < window) {
            // Growing: keep oldest-first order, so a ring that wrapped under a smaller window is unrolled first.
            long[] grown = new long[ring.length + 1];
            for (int i = 0; i < ring.length; i++) {
                grown[i] = ring[(redeliveryOldest + i) % ring.length];
            }
            grown[ring.length] = h;
            redeliveryHashes = grown;
            redeliveryOldest = 0;
        } else if (ring.length > window) {
            // The window shrank since the ring was written: keep the newest window - 1 and this one.
            long[] kept = new long[window];
            for (int i = 0; i < window - 1; i++) {
                kept[i] = ring[(redeliveryOldest + ring.length - window + 1 + i) % ring.length];
            }
            kept[window - 1] = h;
            redeliveryHashes = kept;
            redeliveryOldest = 0;
        } else {
            ring[redeliveryOldest] = h;
            redeliveryOldest = (redeliveryOldest + 1) % ring.length;
        }
    }

    /**
     * 64 bits of a redelivery key (FNV-1a over its chars, then MurmurHash3's finalizer to spread them): with the last
     * 64 keys of a session remembered, two different platform keys collide with odds near 64 / 2^64.
     */
    public static long redeliveryHash(String key) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < key.length(); i++) {
            h ^= key.charAt(i);
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    /**
     * Moves a session read in the layout of releases before the split into it: its redelivery keys into the hash ring,
     * its start time from its oldest turn when it has none, {@link #historyTurns} to the turns it holds (the caller
     * writes {@link #history} to the list state and may then drop it here).
     */
    public void moveToSplitLayout(int dedupWindow) {
        for (String key : recentRedeliveryKeys) {
            rememberRedelivery(key, Math.max(dedupWindow, 1));
        }
        recentRedeliveryKeys = new ArrayList<>();
        if (startedAt == 0 && !history.isEmpty()) {
            startedAt = history.get(0).at;
        }
        historyTurns = history.size();
    }

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
