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

class LineNormalizerTest {
    private final LineNormalizer normalizer = new LineNormalizer();

    private Normalized read(String file) throws MalformedPayloadException {
        return normalizer.normalize(Payloads.read("line/" + file), "bot-1");
    }

    @Test
    void groupTextWithMentionsFromTheReference() throws Exception {
        Normalized.Item item = read("text_group_mention.json").messages().get(0);
        UnifiedMessage m = item.message();
        assertThat(m.platform()).isEqualTo("line");
        assertThat(m.chatId()).isEqualTo("Ca56f94637cc4347f90a25382909b24b9");
        assertThat(m.chatType()).isEqualTo(ChatType.GROUP);
        assertThat(m.sender().id()).isEqualTo("U4af4980629589b4d6f7f9d7d1c5ab3a1");
        assertThat(m.text()).isEqualTo("@All @example Good Morning!! (love)");
        assertThat(m.mentions()).containsExactly(new Mention(null, "All"),
                new Mention("U49585cd0d5e4a3ed0bb3c4b8c2e7b5d4", "example"));
        assertThat(m.timestamp()).isEqualTo(1462629479859L);
        assertThat(m.redeliveryKey()).isEqualTo("01FZ74A0TDDPYRVKNK77XKC3ZR");
        assertThat(item.replyToken()).isEqualTo("nHuyWiB7yP5Zw52FIkcQobQuGDXCTA");
    }

    @Test
    void directQuotedAndTheBotMentionedAsSelf() throws Exception {
        UnifiedMessage m = read("text_user_quoted.json").messages().get(0).message();
        assertThat(m.chatType()).isEqualTo(ChatType.DIRECT);
        assertThat(m.chatId()).isEqualTo("U4af4980629589b4d6f7f9d7d1c5ab3a1");
        assertThat(m.replyToMessageId()).isEqualTo("533718201090000000");
        assertThat(m.mentions()).containsExactly(new Mention("U0123456789abcdef0123456789abcdef", "acme"));
        // A redelivery keeps its webhookEventId: the dialogue step answers it once.
        assertThat(m.redeliveryKey()).isEqualTo("01JD9Y5Q3K6F0R3Z8W2M4N7B1C");
    }

    @Test
    void mediaAndSeveralEvents() throws Exception {
        UnifiedMessage image = read("image_room.json").messages().get(0).message();
        assertThat(image.chatId()).isEqualTo("Ra8dbf4673c4c812cd491258042226c99");
        assertThat(image.chatType()).isEqualTo(ChatType.GROUP);
        assertThat(image.attachments()).containsExactly(new Attachment("image", "354718705033693859", null, null, null, null));
        UnifiedMessage file = read("file.json").messages().get(0).message();
        assertThat(file.kind()).isEqualTo(MessageKind.FILE);
        assertThat(file.attachments().get(0).name()).isEqualTo("invoice-48213.pdf");
        assertThat(file.attachments().get(0).size()).isEqualTo(2138L);

        Normalized two = read("follow_and_message.json");
        assertThat(two.messages()).singleElement().satisfies(i -> assertThat(i.message().kind()).isEqualTo(MessageKind.STICKER));
        assertThat(two.ignored()).singleElement().asString().contains("follow");
    }

    @Test
    void unsendAndVerificationAreNotMessages() throws Exception {
        assertThat(read("unsend.json").ignored()).singleElement().asString().contains("unsend");
        Normalized verification = read("verification_empty.json");
        assertThat(verification.messages()).isEmpty();
        assertThat(verification.ignored()).singleElement().asString().contains("verification");
    }

    @Test
    void malformedInputGivesAReason() {
        assertThatThrownBy(() -> normalizer.normalize("{\"destination\":\"U1\"}".getBytes(StandardCharsets.UTF_8), "b"))
                .isInstanceOf(MalformedPayloadException.class).hasMessageContaining("events is missing");
        assertThatThrownBy(() -> normalizer.normalize(
                "{\"events\":[{\"type\":\"message\",\"message\":{\"id\":\"1\",\"type\":\"text\",\"text\":\"hi\"},\"source\":{\"type\":\"user\"}}]}"
                        .getBytes(StandardCharsets.UTF_8), "b"))
                .hasMessageContaining("events[0].source.userId");
    }
}
