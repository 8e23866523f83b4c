package dev.switchboard.normalize;

import dev.switchboard.model.Attachment;
import dev.switchboard.model.ChatType;
import dev.switchboard.model.MalformedPayloadException;
import dev.switchboard.model.Mention;
import dev.switchboard.model.MessageKind;
import dev.switchboard.model.UnifiedMessage;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;

class SlackNormalizerTest {
    private final SlackNormalizer normalizer = new SlackNormalizer();

    private Normalized read(String file) throws MalformedPayloadException {
        return normalizer.normalize(Payloads.read("slack/" + file), "bot-1");
    }

    private UnifiedMessage single(String file) throws MalformedPayloadException {
        Normalized n = read(file);
        assertThat(n.messages()).hasSize(1);
        return n.messages().get(0).message();
    }

    @Test
    void directMessage() throws Exception {
        UnifiedMessage m = single("message_im.json");
        assertThat(m.platform()).isEqualTo("slack");
        assertThat(m.messageId()).isEqualTo("1355517523.000005");
        assertThat(m.chatId()).isEqualTo("D024BE91L");
        assertThat(m.chatType()).isEqualTo(ChatType.DIRECT);
        assertThat(m.sender().id()).isEqualTo("U2147483697");
        assertThat(m.sender().isBot()).isFalse();
        assertThat(m.text()).isEqualTo("Hello hello can you hear me?");
        assertThat(m.kind()).isEqualTo(MessageKind.TEXT);
        assertThat(m.timestamp()).isEqualTo(1355517523000L);
        assertThat(m.threadId()).isNull();
        assertThat(m.redeliveryKey()).isEqualTo("D024BE91L:1355517523.000005");
    }

    @Test
    void appMentionResolvesMentionsAndIsAGroupMessage() throws Exception {
        UnifiedMessage m = single("app_mention.json");
        assertThat(m.chatType()).isEqualTo(ChatType.GROUP);
        assertThat(m.mentions()).containsExactly(new Mention("U0LAN0Z89", null));
        assertThat(m.timestamp()).isEqualTo(1515449522000L);
    }

    @Test
    void threadReplyCarriesTheThreadAndItsParent() throws Exception {
        UnifiedMessage m = single("thread_reply.json");
        assertThat(m.threadId()).isEqualTo("1355517523.000005");
        assertThat(m.replyToMessageId()).isEqualTo("1355517523.000005");
        assertThat(m.chatType()).isEqualTo(ChatType.GROUP);
    }

    @Test
    void botMessagesAreNeverAnswered() throws Exception {
        Normalized n = read("bot_message.json");
        assertThat(n.messages()).isEmpty();
        assertThat(n.ignored()).singleElement().asString().contains("bot");
    }

    @Test
    void ownMessagesWithBotIdAreIgnoredToo() throws Exception {
        String payload = "{\"type\":\"event_callback\",\"event_id\":\"Ev1\",\"event\":{\"type\":\"message\","
                + "\"channel\":\"D1\",\"user\":\"U0LAN0Z89\",\"bot_id\":\"B0LAN0Z89\",\"text\":\"Sure. What's your order number?\","
                + "\"ts\":\"1700000000.000100\",\"channel_type\":\"im\"}}";
        assertThat(normalizer.normalize(payload.getBytes(StandardCharsets.UTF_8), "b").messages()).isEmpty();
    }

    @Test
    void editIsMarkedAndKeyedByTheEditEvent() throws Exception {
        Normalized n = read("message_changed.json");
        Normalized.Item item = n.messages().get(0);
        assertThat(item.edit()).isTrue();
        assertThat(item.message().messageId()).isEqualTo("1355517523.000005");
        assertThat(item.message().text()).isEqualTo("Hello, world!");
        assertThat(item.message().redeliveryKey()).isEqualTo("edit:C123ABC456:1358878755.000001");
    }

    @Test
    void deletionsAndOtherEventsAreNotMessages() throws Exception {
        assertThat(read("message_deleted.json").ignored()).singleElement().asString().contains("message_deleted");
        assertThat(read("reaction_added.json").ignored()).singleElement().asString().contains("reaction_added");
        Normalized verification = read("url_verification.json");
        assertThat(verification.messages()).isEmpty();
        assertThat(verification.ignored()).singleElement().asString().contains("url_verification");
    }

    @Test
    void filesBecomeAttachments() throws Exception {
        UnifiedMessage m = single("file_share.json");
        assertThat(m.kind()).isEqualTo(MessageKind.IMAGE);
        assertThat(m.text()).isEqualTo("here is the damaged box");
        assertThat(m.attachments()).containsExactly(new Attachment("image", "F0S43PZDF",
                "https://files.slack.com/files-pri/T061EG9R6-F0S43PZDF/box.jpg", "image/jpeg", "box.jpg", 12345L));
    }

    @Test
    void socketModeEnvelopeIsUnwrapped() throws Exception {
        UnifiedMessage m = single("socket_mode_app_mention.json");
        assertThat(m.mentions()).containsExactly(new Mention("U0LAN0Z89", "acmebot"), new Mention("U0G9QF9C6", null));
        assertThat(m.redeliveryKey()).isEqualTo("C123ABC456:1515449600.000100");
    }

    @Test
    void appMentionAndMessageEventsOfOneMessageShareTheRedeliveryKey() throws Exception {
        String mention = "{\"type\":\"event_callback\",\"event_id\":\"Ev1\",\"event\":{\"type\":\"app_mention\","
                + "\"channel\":\"C1\",\"user\":\"U1\",\"text\":\"<@U0BOT> hi\",\"ts\":\"1700000000.000100\"}}";
        String message = "{\"type\":\"event_callback\",\"event_id\":\"Ev2\",\"event\":{\"type\":\"message\","
                + "\"channel\":\"C1\",\"user\":\"U1\",\"text\":\"<@U0BOT> hi\",\"ts\":\"1700000000.000100\",\"channel_type\":\"channel\"}}";
        assertThat(normalizer.normalize(mention.getBytes(StandardCharsets.UTF_8), "b").messages().get(0).message().redeliveryKey())
                .isEqualTo(normalizer.normalize(message.getBytes(StandardCharsets.UTF_8), "b").messages().get(0).message().redeliveryKey());
    }

    @Test
    void malformedInputGivesAReason() {
        assertThatThrownBy(() -> normalizer.normalize("{\"token\":\"x\"}".getBytes(StandardCharsets.UTF_8), "b"))
                .isInstanceOf(MalformedPayloadException.class).hasMessageContaining("type is missing");
        // ts is the message's id: without it there is nothing to answer.
        assertThatThrownBy(() -> normalizer.normalize(
                "{\"type\":\"event_callback\",\"event\":{\"type\":\"message\",\"channel\":\"C1\",\"user\":\"U1\"}}"
                        .getBytes(StandardCharsets.UTF_8), "b"))
                .hasMessageContaining("ts is missing");
        // A ts that is not a time is still an id: the message is kept, its time left to the caller.
        assertThat(assertDoesNotThrow(() -> normalizer.normalize(
                "{\"type\":\"event_callback\",\"event\":{\"type\":\"message\",\"channel\":\"C1\",\"user\":\"U1\",\"ts\":\"yesterday\"}}"
                        .getBytes(StandardCharsets.UTF_8), "b")).messages().get(0).message().timestamp())
                .isEqualTo(dev.switchboard.model.UnifiedMessage.NO_TIMESTAMP);
        assertThatThrownBy(() -> normalizer.normalize("{\"type\":\"event_callback\"}".getBytes(StandardCharsets.UTF_8), "b"))
                .hasMessageContaining("without an event");
    }
}
