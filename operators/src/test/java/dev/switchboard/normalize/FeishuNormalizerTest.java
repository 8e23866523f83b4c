package dev.switchboard.normalize;

import dev.switchboard.model.Attachment;
import dev.switchboard.model.ChatType;
import dev.switchboard.model.MalformedPayloadException;
import dev.switchboard.model.Mention;
import dev.switchboard.model.MessageKind;
import dev.switchboard.model.UnifiedMessage;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FeishuNormalizerTest {
    private final FeishuNormalizer plain = new FeishuNormalizer(BotSettings.NONE);

    private Normalized read(String file) throws MalformedPayloadException {
        return plain.normalize(Payloads.read("feishu/" + file), "bot-1");
    }

    @Test
    void groupTextWithPlaceholderMentionThreadAndParent() throws Exception {
        UnifiedMessage m = read("receive_group_text.json").messages().get(0).message();
        assertThat(m.platform()).isEqualTo("feishu");
        assertThat(m.messageId()).isEqualTo("om_5ce6d572455d361153b7cb51da133945");
        assertThat(m.chatId()).isEqualTo("oc_5ce6d572455d361153b7xx51da133945");
        assertThat(m.chatType()).isEqualTo(ChatType.GROUP);
        assertThat(m.threadId()).isEqualTo("omt_d4be107c616");
        assertThat(m.replyToMessageId()).isEqualTo("om_5ce6d572455d361153b7cb5xxfsdfsdfdsf");
        assertThat(m.text()).isEqualTo("@_user_1 hello");
        assertThat(m.mentions()).containsExactly(new Mention("ou_84aad35d084aa403a838cf73ee18467", "Tom"));
        assertThat(m.sender().id()).isEqualTo("ou_84aad35d084aa403a838cf73ee18467");
        assertThat(m.timestamp()).isEqualTo(1609073151345L);
        assertThat(m.redeliveryKey()).isEqualTo("5e3702a84e847582be8db7fb73283c02");
    }

    @Test
    void directImageCarriesTheImageKey() throws Exception {
        UnifiedMessage m = read("receive_p2p_image.json").messages().get(0).message();
        assertThat(m.chatType()).isEqualTo(ChatType.DIRECT);
        assertThat(m.kind()).isEqualTo(MessageKind.IMAGE);
        assertThat(m.attachments()).containsExactly(
                new Attachment("image", "img_7ea74629-9191-4176-998c-2e603c9c5e8g", null, null, null, null));
    }

    @Test
    void richTextYieldsItsTextRunsLinksAndMentionsInOrder() throws Exception {
        UnifiedMessage m = read("receive_group_post.json").messages().get(0).message();
        assertThat(m.kind()).isEqualTo(MessageKind.TEXT);
        assertThat(m.text()).isEqualTo("退款申请\n@客服机器人 我的订单 48213 还没发货，我要退款");
        assertThat(m.mentions()).containsExactly(new Mention("ou_ba9b1a4f8e2c5d3a6b7c8d9e0f1a2b3c", "客服机器人"));
        assertThat(m.attachments()).containsExactly(
                new Attachment("image", "img_v2_041b28e3-5680-48c2-9af2-497ace79333g", null, null, null, null));
    }

    @Test
    void richTextInTheSendFormatIsReadToo() {
        // The language-wrapped form the send API takes ({"en_us": {...}}), as a forwarded post may carry it.
        var post = FeishuNormalizer.richText(json("{\"en_us\":{\"title\":\"Shipping\",\"content\":[[{\"tag\":\"text\","
                + "\"text\":\"Where is \"},{\"tag\":\"a\",\"href\":\"https://example.com/o/9\",\"text\":\"order 9\"},"
                + "{\"tag\":\"text\",\"text\":\"?\"}],[{\"tag\":\"hr\"}]]}}"));
        assertThat(post.text()).isEqualTo("Shipping\nWhere is order 9?");
        assertThat(post.mentionKeys()).isEmpty();
    }

    @Test
    void aCardYieldsItsVisibleText() throws Exception {
        UnifiedMessage m = read("receive_p2p_interactive.json").messages().get(0).message();
        assertThat(m.kind()).isEqualTo(MessageKind.TEXT);
        assertThat(m.text()).isEqualTo("Order 51177\nStatus:\ndelayed\nTrack the parcel\nContact support");
        // A card in the send schema: header title and element texts, not urls or button values.
        assertThat(FeishuNormalizer.cardText(json("{\"header\":{\"title\":{\"tag\":\"plain_text\",\"content\":\"报修\"}},"
                + "\"elements\":[{\"tag\":\"div\",\"text\":{\"tag\":\"lark_md\",\"content\":\"空调不制冷\"}},"
                + "{\"tag\":\"action\",\"actions\":[{\"tag\":\"button\",\"text\":{\"tag\":\"plain_text\",\"content\":\"提交\"},"
                + "\"url\":\"https://example.cn/x\",\"value\":{\"k\":\"secret\"}}]}]}")))
                .isEqualTo("报修\n空调不制冷\n提交");
        assertThat(FeishuNormalizer.cardText(json("{\"elements\":[{\"tag\":\"img\",\"img_key\":\"img_1\"}]}"))).isNull();
    }

    private static com.fasterxml.jackson.databind.JsonNode json(String s) {
        try {
            return dev.switchboard.model.Json.MAPPER.readTree(s);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void nonMessagesAreRecognized() throws Exception {
        assertThat(read("url_verification.json").ignored()).singleElement().asString().contains("url_verification");
        assertThat(read("message_read.json").ignored()).singleElement().asString().contains("message_read");
    }

    @Test
    void publishedDecryptionVector() throws Exception {
        assertThat(new String(FeishuNormalizer.decrypt("P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk=", "test key"),
                StandardCharsets.UTF_8)).isEqualTo("hello world");
    }

    @Test
    void encryptedEventsAreDecryptedWithTheBotsKey() throws Exception {
        byte[] event = Payloads.read("feishu/receive_group_text.json");
        byte[] key = MessageDigest.getInstance("SHA-256").digest("acme-encrypt-key".getBytes(StandardCharsets.UTF_8));
        byte[] iv = "0123456789abcdef".getBytes(StandardCharsets.UTF_8);
        Cipher cipher = Cipher.getInstance("AES/CBC/PKCS5Padding");
        cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
        byte[] sealed = cipher.doFinal(event);
        byte[] all = new byte[16 + sealed.length];
        System.arraycopy(iv, 0, all, 0, 16);
        System.arraycopy(sealed, 0, all, 16, sealed.length);
        byte[] payload = ("{\"encrypt\":\"" + Base64.getEncoder().encodeToString(all) + "\"}").getBytes(StandardCharsets.UTF_8);

        FeishuNormalizer keyed = new FeishuNormalizer(new BotSettings(Map.of("acme.feishu.encrypt-key", "acme-encrypt-key")));
        assertThat(keyed.normalize(payload, "acme").messages().get(0).message().text()).isEqualTo("@_user_1 hello");
        assertThatThrownBy(() -> keyed.normalize(payload, "other-bot"))
                .isInstanceOf(MalformedPayloadException.class).hasMessageContaining("no encrypt-key is configured for bot 'other-bot'");
        FeishuNormalizer wrong = new FeishuNormalizer(new BotSettings(Map.of("*.feishu.encrypt-key", "wrong")));
        assertThatThrownBy(() -> wrong.normalize(payload, "acme")).isInstanceOf(MalformedPayloadException.class);
    }
}
