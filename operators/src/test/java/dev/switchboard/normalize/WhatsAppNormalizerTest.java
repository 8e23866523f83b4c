package dev.switchboard.normalize;

import dev.switchboard.model.Attachment;
import dev.switchboard.model.ChatType;
import dev.switchboard.model.MalformedPayloadException;
import dev.switchboard.model.MessageKind;
import dev.switchboard.model.UnifiedMessage;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WhatsAppNormalizerTest {
    private final WhatsAppNormalizer normalizer = new WhatsAppNormalizer();

    private Normalized read(String file) throws MalformedPayloadException {
        return normalizer.normalize(Payloads.read("whatsapp/" + file), "bot-1");
    }

    @Test
    void dashboardSample() throws Exception {
        Normalized n = read("text_dashboard_sample.json");
        assertThat(n.messages()).hasSize(1);
        Normalized.Item item = n.messages().get(0);
        UnifiedMessage m = item.message();
        assertThat(item.accountId()).isEqualTo("123456123");
        assertThat(m.platform()).isEqualTo("whatsapp");
        assertThat(m.messageId()).isEqualTo("ABGGFlA5Fpa");
        assertThat(m.chatId()).isEqualTo("16315551181");
        assertThat(m.chatType()).isEqualTo(ChatType.DIRECT);
        assertThat(m.sender().id()).isEqualTo("16315551181");
        assertThat(m.sender().name()).isEqualTo("test user name");
        assertThat(m.text()).isEqualTo("this is a text message");
        assertThat(m.timestamp()).isEqualTo(1504902988000L);
        assertThat(m.redeliveryKey()).isEqualTo("ABGGFlA5Fpa");
    }

    @Test
    void contextIsTheRepliedToMessage() throws Exception {
        UnifiedMessage m = read("text_reply_context.json").messages().get(0).message();
        assertThat(m.replyToMessageId()).isEqualTo("wamid.HBgLMTY1MDUwNzY1MjAVAgARGBI1RjQyNUE3NEYxMzAzMzQ5MkEA");
        assertThat(m.text()).isEqualTo("My order is 48213, where is it?");
    }

    @Test
    void mediaCarryTheMediaId() throws Exception {
        UnifiedMessage image = read("image.json").messages().get(0).message();
        assertThat(image.kind()).isEqualTo(MessageKind.IMAGE);
        assertThat(image.text()).isEqualTo("This is a caption");
        assertThat(image.attachments()).containsExactly(
                new Attachment("image", "2754859441498128", null, "image/jpeg", null, null));
        UnifiedMessage doc = read("document.json").messages().get(0).message();
        assertThat(doc.kind()).isEqualTo(MessageKind.FILE);
        assertThat(doc.attachments().get(0).name()).isEqualTo("invoice-48213.pdf");
    }

    @Test
    void onePayloadCanCarrySeveralMessages() throws Exception {
        Normalized n = read("two_messages.json");
        assertThat(n.unifiedMessages()).extracting(UnifiedMessage::chatId).containsExactly("16505551234", "8613800138000");
        assertThat(n.unifiedMessages()).extracting(m -> m.sender().name()).containsExactly("Sheena Nelson", "王芳");
    }

    @Test
    void statusesAndReactionsAreNotMessages() throws Exception {
        Normalized statuses = read("status_sent.json");
        assertThat(statuses.messages()).isEmpty();
        assertThat(statuses.ignored()).singleElement().asString().contains("status").contains("sent");
        assertThat(read("reaction.json").messages()).isEmpty();
    }

    @Test
    void malformedInputGivesAReason() {
        assertThatThrownBy(() -> normalizer.normalize("{\"object\":\"page\",\"entry\":[]}".getBytes(StandardCharsets.UTF_8), "b"))
                .isInstanceOf(MalformedPayloadException.class).hasMessageContaining("not a WhatsApp");
        assertThatThrownBy(() -> normalizer.normalize(
                "{\"object\":\"whatsapp_business_account\",\"entry\":{}}".getBytes(StandardCharsets.UTF_8), "b"))
                .hasMessageContaining("entry is not an array");
        assertThatThrownBy(() -> normalizer.normalize(("{\"object\":\"whatsapp_business_account\",\"entry\":[{\"changes\":"
                + "[{\"field\":\"messages\",\"value\":{\"messages\":[{\"id\":\"wamid.1\",\"type\":\"text\"}]}}]}]}")
                .getBytes(StandardCharsets.UTF_8), "b"))
                .hasMessageContaining("entry[0].changes[0].value.messages[0].from");
    }
}
