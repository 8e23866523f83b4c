package dev.switchboard.dialogue;

import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The session's small fields as the dialogue step stores them (state {@code dialogue-session}): everything of a
 * {@link DialogueState} but its turns (which live in list state {@code dialogue-history}) and the legacy
 * {@code recentRedeliveryKeys} (folded into the hash ring when a session is migrated).
 *
 * <p>Written by hand because it is read and written for every message: Flink's POJO serializer reached these fields by
 * reflection and carried the whole history with them. Evolution: every value starts with its format byte
 * ({@link #FORMAT}); a later format adds a branch to {@link #deserialize(DataInputView)} that reads the older one, so a
 * savepoint of any earlier version restores without a migration pass, and the snapshot stays compatible as it is. A
 * value written by a newer format than this code knows is refused with that reason (a downgrade).
 */
public final class SessionSerializer extends TypeSerializer<DialogueState> {
    private static final long serialVersionUID = 1L;

    public static final SessionSerializer INSTANCE = new SessionSerializer();

    /** The format this version writes. */
    public static final byte FORMAT = 1;

    private SessionSerializer() {}

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public TypeSerializer<DialogueState> duplicate() {
        return this;
    }

    @Override
    public DialogueState createInstance() {
        return new DialogueState();
    }

    @Override
    public DialogueState copy(DialogueState from) {
        // Only the heap backend's copy-on-write snapshots copy; a round trip copies exactly what is stored.
        try {
            DataOutputSerializer out = new DataOutputSerializer(256);
            serialize(from, out);
            return deserialize(new DataInputDeserializer(out.getSharedBuffer(), 0, out.length()));
        } catch (IOException e) {
            throw new IllegalStateException("session state could not be copied", e);
        }
    }

    @Override
    public DialogueState copy(DialogueState from, DialogueState reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(DialogueState s, DataOutputView out) throws IOException {
        out.writeByte(FORMAT);
        StringValue.writeString(s.flow, out);
        StringValue.writeString(s.flowIntent, out);
        StringValue.writeString(s.lastIntent, out);
        StringValue.writeString(s.language, out);
        out.writeInt(s.flowAttempts);
        out.writeLong(s.lastActivity);
        out.writeLong(s.handoffUntil);
        out.writeLong(s.expiryTimer);
        out.writeLong(s.startedAt);
        Map<String, String> slots = s.slots == null ? Map.of() : s.slots;
        out.writeInt(slots.size());
        for (Map.Entry<String, String> e : slots.entrySet()) {
            StringValue.writeString(e.getKey(), out);
            StringValue.writeString(e.getValue(), out);
        }
        out.writeInt(s.historyTurns);
        long[] ring = s.redeliveryHashes == null ? DialogueState.NO_HASHES : s.redeliveryHashes;
        out.writeInt(ring.length);
        out.writeInt(s.redeliveryOldest);
        for (long h : ring) {
            out.writeLong(h);
        }
        PendingGeneration p = s.generating;
        out.writeBoolean(p != null);
        if (p != null) {
            writePending(p, out);
        }
    }

    @Override
    public DialogueState deserialize(DataInputView in) throws IOException {
        byte format = in.readByte();
        if (format != FORMAT) {
            throw new IOException("session state in format " + format + ", which this version (format " + FORMAT
                    + ") cannot read: it was written by a newer Switchboard");
        }
        DialogueState s = new DialogueState();
        s.flow = StringValue.readString(in);
        s.flowIntent = StringValue.readString(in);
        s.lastIntent = StringValue.readString(in);
        s.language = StringValue.readString(in);
        s.flowAttempts = in.readInt();
        s.lastActivity = in.readLong();
        s.handoffUntil = in.readLong();
        s.expiryTimer = in.readLong();
        s.startedAt = in.readLong();
        int slots = in.readInt();
        s.slots = new HashMap<>(Math.max(4, slots * 2));
        for (int i = 0; i < slots; i++) {
            s.slots.put(StringValue.readString(in), StringValue.readString(in));
        }
        s.historyTurns = in.readInt();
        int hashes = in.readInt();
        s.redeliveryOldest = in.readInt();
        long[] ring = hashes == 0 ? DialogueState.NO_HASHES : new long[hashes];
        for (int i = 0; i < hashes; i++) {
            ring[i] = in.readLong();
        }
        s.redeliveryHashes = ring;
        if (in.readBoolean()) {
            s.generating = readPending(in);
        }
        return s;
    }

    private static void writePending(PendingGeneration p, DataOutputView out) throws IOException {
        StringValue.writeString(p.requestBody, out);
        out.writeLong(p.startedAt);
        List<String> fallback = p.fallback == null ? List.of() : p.fallback;
        out.writeInt(fallback.size());
        for (String f : fallback) {
            StringValue.writeString(f, out);
        }
        for (String field : new String[] {p.intent, p.language, p.platform, p.botId, p.sessionKey, p.chatId,
                p.threadId, p.replyToMessageId, p.accountId, p.sourceMessageId, p.replyToken, p.recipientId, p.botVersion}) {
            StringValue.writeString(field, out);
        }
        out.writeBoolean(p.urgent);
        out.writeLong(p.sourceReceivedAt);
    }

    private static PendingGeneration readPending(DataInputView in) throws IOException {
        PendingGeneration p = new PendingGeneration();
        p.requestBody = StringValue.readString(in);
        p.startedAt = in.readLong();
        int n = in.readInt();
        p.fallback = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            p.fallback.add(StringValue.readString(in));
        }
        p.intent = StringValue.readString(in);
        p.language = StringValue.readString(in);
        p.platform = StringValue.readString(in);
        p.botId = StringValue.readString(in);
        p.sessionKey = StringValue.readString(in);
        p.chatId = StringValue.readString(in);
        p.threadId = StringValue.readString(in);
        p.replyToMessageId = StringValue.readString(in);
        p.accountId = StringValue.readString(in);
        p.sourceMessageId = StringValue.readString(in);
        p.replyToken = StringValue.readString(in);
        p.recipientId = StringValue.readString(in);
        p.botVersion = StringValue.readString(in);
        p.urgent = in.readBoolean();
        p.sourceReceivedAt = in.readLong();
        return p;
    }

    @Override
    public DialogueState deserialize(DialogueState reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        serialize(deserialize(source), target);
    }

    @Override
    public boolean equals(Object obj) {
        return obj instanceof SessionSerializer;
    }

    @Override
    public int hashCode() {
        return SessionSerializer.class.hashCode();
    }

    @Override
    public TypeSerializerSnapshot<DialogueState> snapshotConfiguration() {
        return new Snapshot();
    }

    private Object readResolve() {
        return INSTANCE;
    }

    /** The serializer has no configuration: each value carries its own format byte. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<DialogueState> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
