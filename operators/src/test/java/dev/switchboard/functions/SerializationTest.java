package dev.switchboard.functions;

import dev.switchboard.dialogue.DialogueState;
import dev.switchboard.dialogue.LookupRequest;
import dev.switchboard.dialogue.Turn;
import dev.switchboard.model.Control;
import dev.switchboard.model.Attachment;
import dev.switchboard.model.ChatType;
import dev.switchboard.model.InboundMessage;
import dev.switchboard.model.InboundRecord;
import dev.switchboard.model.Mention;
import dev.switchboard.model.MessageKind;
import dev.switchboard.model.OutboundRecord;
import dev.switchboard.model.Sender;
import dev.switchboard.model.UnifiedMessage;
import dev.switchboard.understand.Understanding;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.types.PojoTestUtils;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every type that crosses an operator boundary or lives in state, in one table: Flink serializes it as a
 * POJO (never Kryo, which {@code pipeline.generic-types: false} would refuse at submission), and a filled-in
 * value comes back from its serializer equal, every field included.
 */
class SerializationTest {

    static Stream<Arguments> types() {
        UnifiedMessage message = new UnifiedMessage("telegram", "acme", "42", "-100123", ChatType.GROUP, "7", "41",
                new Sender("9001", "Ana", false), MessageKind.TEXT, "where is my order 48213?",
                List.of(new Mention("9002", "shop_bot")),
                List.of(new Attachment(MessageKind.IMAGE, "file-1", "https://example.com/f", "image/png", "a.png", 2048L)),
                1_732_181_122_000L, "update-17");
        InboundMessage inbound = new InboundMessage(message, "acme:telegram:-100123:7", "acct", "token", 1_732_181_122_500L,
                new Control(Control.LINK_CODE, "123456", false));
        Understanding understanding = new Understanding("order_status", 0.93, true, "en", "model");
        DialogueState state = new DialogueState();
        state.history.add(new Turn(Turn.USER, "where is my order?", 1_000L, "order_status", "9001", "telegram"));
        state.history.add(new Turn(Turn.BOT, "What's your order number?", 1_001L, "order_status"));
        state.flow = "order_number";
        state.flowIntent = "order_status";
        state.flowAttempts = 1;
        state.lastIntent = "order_status";
        state.language = "en";
        state.lastActivity = 1_001L;
        state.handoffUntil = 0;
        state.recentRedeliveryKeys.add("update-17");
        state.expiryTimer = 1_801_001L;
        state.startedAt = 1_000L;
        byte[] key = "-100123".getBytes(StandardCharsets.UTF_8);
        byte[] value = "{\"text\":\"hi\"}".getBytes(StandardCharsets.UTF_8);
        return Stream.of(
                Arguments.of(UnifiedMessage.class, message),
                Arguments.of(Sender.class, message.sender()),
                Arguments.of(Mention.class, message.mentions().get(0)),
                Arguments.of(Attachment.class, message.attachments().get(0)),
                Arguments.of(InboundRecord.class, new InboundRecord("chat.in.telegram", 1, 99, 1_732_181_122_000L, key,
                        value, Map.of("bot-id", "acme", "received-at", "1732181122500"))),
                Arguments.of(InboundMessage.class, inbound),
                Arguments.of(Understanding.class, understanding),
                Arguments.of(UnderstoodMessage.class, new UnderstoodMessage(inbound, understanding)),
                Arguments.of(BotReply.class, new BotReply("dingtalk", "acme", "acme:dingtalk:cid1", "cid1", null, "m1",
                        "robot", "m1", 5L, 0, "**Hello**", "greeting", "zh", false, null, "staff-1", "2026-11-29.1",
                        new LookupRequest("order:48213", "not found", "unavailable"))),
                Arguments.of(Control.class, inbound.control()),
                Arguments.of(LookupRequest.class, new LookupRequest("card:L1", "none", "later")),
                Arguments.of(HandoffRequest.class, new HandoffRequest("acme:telegram:-100123:7", "acme", "telegram",
                        "-100123", "7", "9001", "Ana", "asked for a human", "human_handoff", true, "en", "42", 2_000L,
                        3_800_000L, state.history)),
                Arguments.of(OutboundRecord.class, new OutboundRecord("chat.out.telegram", key, value,
                        Map.of("endpoint", "sendMessage", "idempotency-key", "acme:telegram:-100123:42:0"))),
                Arguments.of(Turn.class, state.history.get(0)),
                Arguments.of(DialogueState.class, state));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("types")
    <T> void serializedAsAPojoAndBackUnchanged(Class<T> type, T value) throws Exception {
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(type);

        TypeSerializer<T> serializer = TypeInformation.of(type).createSerializer(new SerializerConfigImpl());
        DataOutputSerializer out = new DataOutputSerializer(256);
        serializer.serialize(value, out);
        T back = serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
        assertThat(back).usingRecursiveComparison().isEqualTo(value);
    }
}
