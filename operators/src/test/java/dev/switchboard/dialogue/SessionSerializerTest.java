package dev.switchboard.dialogue;

import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The hand-written serializer of the session's small fields: every field back, its format byte, its snapshot. */
class SessionSerializerTest {

    private static DialogueState filled() {
        DialogueState s = new DialogueState();
        s.flow = "booking";
        s.flowIntent = "book_visit";
        s.flowAttempts = 2;
        s.lastIntent = "book_visit";
        s.language = "zh";
        s.lastActivity = 1_764_666_000_123L;
        s.handoffUntil = 1_764_667_800_000L;
        s.expiryTimer = 1_764_667_801_000L;
        s.startedAt = 1_764_665_000_000L;
        s.slots.put("patient_name", "张伟");
        s.slots.put("phone", "enc:k1:AAAA");
        s.historyTurns = 17;
        for (int i = 0; i < 70; i++) {
            s.rememberRedelivery("line-event-" + i, 64);
        }
        PendingGeneration p = new PendingGeneration();
        p.requestBody = "{\"model\":\"m\",\"messages\":[" + "x".repeat(70_000) + "]}";
        p.startedAt = 5;
        p.fallback = List.of("我们会尽快回复。", "");
        p.intent = "open_question";
        p.language = "zh";
        p.urgent = true;
        p.platform = "line";
        p.botId = "clinic";
        p.sessionKey = "clinic:line:U4af4980629";
        p.chatId = "U4af4980629";
        p.replyToMessageId = "468789577898262530";
        p.sourceMessageId = "468789577898262530";
        p.sourceReceivedAt = 9;
        p.replyToken = "757913772c4646b784d4b7ce46d12671";
        p.botVersion = "2026-11-30.2";
        s.generating = p;
        return s;
    }

    private static byte[] bytes(DialogueState s) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        SessionSerializer.INSTANCE.serialize(s, out);
        return out.getCopyOfBuffer();
    }

    private static DialogueState back(byte[] bytes) throws IOException {
        return SessionSerializer.INSTANCE.deserialize(new DataInputDeserializer(bytes));
    }

    @Test
    void everyStoredFieldComesBackAndTheTurnsStayOut() throws Exception {
        DialogueState s = filled();
        s.history.add(new Turn(Turn.USER, "not stored here", 1, null));
        DialogueState b = back(bytes(s));
        assertThat(b).usingRecursiveComparison().ignoringFields("history").isEqualTo(s);
        assertThat(b.history).isEmpty();
        assertThat(b.seenRedelivery("line-event-69")).isTrue();
        assertThat(b.seenRedelivery("line-event-5")).isFalse();

        DialogueState empty = new DialogueState();
        assertThat(back(bytes(empty))).usingRecursiveComparison().isEqualTo(empty);
        assertThat(SessionSerializer.INSTANCE.copy(s)).usingRecursiveComparison().ignoringFields("history").isEqualTo(s);
    }

    @Test
    void aValueOfAnUnknownFormatIsRefusedWithTheReason() throws Exception {
        byte[] b = bytes(filled());
        b[0] = 9;
        assertThatThrownBy(() -> back(b)).isInstanceOf(IOException.class)
                .hasMessageContaining("format 9").hasMessageContaining("newer Switchboard");
    }

    @Test
    void itsSnapshotRestoresTheSameSerializerCompatibleAsIs() throws Exception {
        TypeSerializerSnapshot<DialogueState> snapshot = SessionSerializer.INSTANCE.snapshotConfiguration();
        DataOutputSerializer out = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, snapshot);
        TypeSerializerSnapshot<DialogueState> read = TypeSerializerSnapshot.readVersionedSnapshot(
                new DataInputDeserializer(out.getCopyOfBuffer()), getClass().getClassLoader());
        assertThat(read.restoreSerializer()).isSameAs(SessionSerializer.INSTANCE);
        TypeSerializerSchemaCompatibility<DialogueState> c =
                SessionSerializer.INSTANCE.snapshotConfiguration().resolveSchemaCompatibility(read);
        assertThat(c.isCompatibleAsIs()).isTrue();
    }

    @Test
    void theRingKeepsTheLastKeysOfTheWindowWhenTheWindowChanges() {
        DialogueState s = new DialogueState();
        for (int i = 0; i < 10; i++) {
            s.rememberRedelivery("k" + i, 4);
        }
        assertThat(List.of("k6", "k7", "k8", "k9")).allMatch(s::seenRedelivery);
        assertThat(s.seenRedelivery("k5")).isFalse();
        // A larger window after a restart keeps what was there and grows.
        s.rememberRedelivery("k10", 6);
        s.rememberRedelivery("k11", 6);
        assertThat(List.of("k6", "k7", "k8", "k9", "k10", "k11")).allMatch(s::seenRedelivery);
        s.rememberRedelivery("k12", 6);
        assertThat(s.seenRedelivery("k6")).isFalse();
        // A smaller one keeps the newest.
        s.rememberRedelivery("k13", 3);
        assertThat(s.redeliveryHashes).hasSize(3);
        assertThat(List.of("k11", "k12", "k13")).allMatch(s::seenRedelivery);
        assertThat(s.seenRedelivery("k10")).isFalse();
    }
}
