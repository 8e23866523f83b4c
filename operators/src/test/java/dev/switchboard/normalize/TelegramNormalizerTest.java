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

class TelegramNormalizerTest {
    private final TelegramNormalizer normalizer = new TelegramNormalizer();

    private Normalized.Item single(String file) throws MalformedPayloadException {
        Normalized n = normalizer.normalize(Payloads.read("telegram/" + file), "bot-1");
        assertThat(n.messages()).hasSize(1);
        return n.messages().get(0);
    }

    @Test
    void commandFromTheWebhookSamples() throws Exception {
        UnifiedMessage m = single("text_start.json").message();
        assertThat(m.platform()).isEqualTo("telegram");
        assertThat(m.botId()).isEqualTo("bot-1");
        assertThat(m.messageId()).isEqualTo("1365");
        assertThat(m.chatId()).isEqualTo("1111111");
        assertThat(m.chatType()).isEqualTo(ChatType.DIRECT);
        assertThat(m.kind()).isEqualTo(MessageKind.TEXT);
        assertThat(m.text()).isEqualTo("/start");
        assertThat(m.sender().id()).isEqualTo("1111111");
        assertThat(m.sender().name()).isEqualTo("Test Test Lastname");
        assertThat(m.sender().isBot()).isFalse();
        assertThat(m.timestamp()).isEqualTo(1441645532000L);
        assertThat(m.redeliveryKey()).isEqualTo("10000");
        assertThat(m.threadId()).isNull();
        assertThat(m.replyToMessageId()).isNull();
    }

    @Test
    void replyToMessage() throws Exception {
        assertThat(single("reply.json").message().replyToMessageId()).isEqualTo("1334");
    }

    @Test
    void editedMessageIsMarkedAsEditWithEditTime() throws Exception {
        Normalized.Item item = single("edited_message.json");
        assertThat(item.edit()).isTrue();
        assertThat(item.message().text()).isEqualTo("Edited text");
        assertThat(item.message().timestamp()).isEqualTo(1441646600000L);
    }

    @Test
    void mentionsUseUtf16OffsetsAndTextMentionsCarryTheUserId() throws Exception {
        UnifiedMessage m = single("group_mentions.json").message();
        assertThat(m.chatId()).isEqualTo("-1001987654321");
        assertThat(m.chatType()).isEqualTo(ChatType.GROUP);
        assertThat(m.sender().id()).isEqualTo("5294380271");
        assertThat(m.mentions()).containsExactly(
                new Mention(null, "acme_support_bot"), new Mention("6011223344", "Tom"));
    }

    @Test
    void photoTakesTheLargestSizeAndTheCaption() throws Exception {
        UnifiedMessage m = single("photo_caption.json").message();
        assertThat(m.kind()).isEqualTo(MessageKind.IMAGE);
        assertThat(m.text()).isEqualTo("The box arrived damaged, order 20931");
        assertThat(m.attachments()).containsExactly(new Attachment("image", "AgACAgIAAxkBAAIBWGdAAAFlarge", null,
                "image/jpeg", null, 81244L));
    }

    @Test
    void voiceAudioDocumentAndSticker() throws Exception {
        UnifiedMessage voice = single("voice.json").message();
        assertThat(voice.kind()).isEqualTo(MessageKind.AUDIO);
        assertThat(voice.attachments().get(0).mimeType()).isEqualTo("audio/ogg");
        assertThat(voice.text()).isNull();

        UnifiedMessage audio = single("audio.json").message();
        assertThat(audio.kind()).isEqualTo(MessageKind.AUDIO);
        assertThat(audio.attachments().get(0).size()).isEqualTo(3897500L);

        UnifiedMessage doc = single("document.json").message();
        assertThat(doc.kind()).isEqualTo(MessageKind.FILE);
        assertThat(doc.attachments()).containsExactly(new Attachment("file", "AwADBAADbXXXXXXXXXXXGBdhD2l6_XX", null,
                "application/pdf", "Testfile.pdf", 536392L));

        UnifiedMessage sticker = single("sticker.json").message();
        assertThat(sticker.kind()).isEqualTo(MessageKind.STICKER);
        assertThat(sticker.attachments().get(0).id()).isEqualTo("CAACAgIAAxkBAAIBW2dAAAFsticker");
        assertThat(sticker.attachments().get(0).mimeType()).isEqualTo("image/webp");
    }

    @Test
    void forumTopicIsTheThreadAndTheTopicRootIsNotAReply() throws Exception {
        UnifiedMessage m = single("forum_topic.json").message();
        assertThat(m.threadId()).isEqualTo("1188");
        assertThat(m.replyToMessageId()).isNull();
    }

    @Test
    void channelPostSpeaksAsTheChannel() throws Exception {
        UnifiedMessage m = single("channel_post.json").message();
        assertThat(m.chatType()).isEqualTo(ChatType.CHANNEL);
        assertThat(m.sender().id()).isEqualTo("-1001122334455");
        assertThat(m.sender().name()).isEqualTo("Acme News");
    }

    @Test
    void updatesWithoutAMessageAreIgnoredNotDeadLettered() throws Exception {
        Normalized n = normalizer.normalize(Payloads.read("telegram/callback_query.json"), "bot-1");
        assertThat(n.messages()).isEmpty();
        assertThat(n.ignored()).singleElement().asString().contains("callback_query");
    }

    @Test
    void botCommandAtTheStartMakesACommand() throws Exception {
        String update = "{\"update_id\":1,\"message\":{\"message_id\":2,\"date\":1700000000,"
                + "\"chat\":{\"id\":42,\"type\":\"private\"},\"from\":{\"id\":42,\"is_bot\":false,\"first_name\":\"A\"},"
                + "\"text\":\"/track 12345\",\"entities\":[{\"offset\":0,\"length\":6,\"type\":\"bot_command\"}]}}";
        assertThat(normalizer.normalize(update.getBytes(StandardCharsets.UTF_8), "b").messages().get(0).message().kind())
                .isEqualTo(MessageKind.COMMAND);
    }

    @Test
    void largeIdsStayExact() throws Exception {
        String update = "{\"update_id\":9007199254740993,\"message\":{\"message_id\":2,\"date\":1700000000,"
                + "\"chat\":{\"id\":-1009223372036854775,\"type\":\"supergroup\"},\"from\":{\"id\":9223372036854775807,\"first_name\":\"A\"},"
                + "\"text\":\"hi\"}}";
        UnifiedMessage m = normalizer.normalize(update.getBytes(StandardCharsets.UTF_8), "b").messages().get(0).message();
        assertThat(m.chatId()).isEqualTo("-1009223372036854775");
        assertThat(m.sender().id()).isEqualTo("9223372036854775807");
        assertThat(m.redeliveryKey()).isEqualTo("9007199254740993");
    }

    @Test
    void malformedInputGivesAReason() {
        assertThatThrownBy(() -> normalizer.normalize("{\"update_id\":1,".getBytes(StandardCharsets.UTF_8), "b"))
                .isInstanceOf(MalformedPayloadException.class).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> normalizer.normalize("[1,2]".getBytes(StandardCharsets.UTF_8), "b"))
                .hasMessageContaining("not a JSON object");
        assertThatThrownBy(() -> normalizer.normalize("{\"ok\":true}".getBytes(StandardCharsets.UTF_8), "b"))
                .hasMessageContaining("update_id is missing");
        assertThatThrownBy(() -> normalizer.normalize(
                "{\"update_id\":1,\"message\":{\"message_id\":1,\"date\":1}}".getBytes(StandardCharsets.UTF_8), "b"))
                .hasMessageContaining("message.chat is missing");
        assertThatThrownBy(() -> normalizer.normalize(new byte[0], "b")).hasMessageContaining("empty payload");
    }
}
