package dev.switchboard.normalize;

import dev.switchboard.model.Attachment;
import dev.switchboard.model.ChatType;
import dev.switchboard.model.MalformedPayloadException;
import dev.switchboard.model.MessageKind;
import dev.switchboard.model.UnifiedMessage;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WeChatFamilyNormalizerTest {
    /** The official WXBizMsgCrypt sample's parameters. */
    private static final BotSettings OFFICIAL = new BotSettings(Map.of(
            "corp.wecom.token", "QDG6eK",
            "corp.wecom.aes-key", "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C",
            "corp.wecom.receive-id", "wx5823bf96d3bd56c7"));
    private static final Map<String, String> OFFICIAL_QUERY = Map.of(
            "msg_signature", "477715d11cdb4164915debcba66cb864d751f3e6", "timestamp", "1409659813", "nonce", "1372623149");

    private final WeChatFamilyNormalizer wecom = new WeChatFamilyNormalizer("wecom", OFFICIAL);
    private final WeChatFamilyNormalizer wechat = new WeChatFamilyNormalizer("wechat", BotSettings.NONE);

    @Test
    void officialEncryptedVectorVerifiesAndDecrypts() throws Exception {
        Normalized.Item item = wecom.normalize(Payloads.read("wecom/encrypted_official_vector.xml"), "corp", OFFICIAL_QUERY)
                .messages().get(0);
        UnifiedMessage m = item.message();
        assertThat(m.platform()).isEqualTo("wecom");
        assertThat(m.text()).isEqualTo("hello");
        assertThat(m.chatId()).isEqualTo("mycreate");
        assertThat(m.messageId()).isEqualTo("4561255354251345929");
        assertThat(m.timestamp()).isEqualTo(1409659813000L);
        assertThat(item.accountId()).isEqualTo("218");
    }

    @Test
    void aWrongSignatureOrKeyOrReceiverIsRefused() {
        byte[] payload = Payloads.read("wecom/encrypted_official_vector.xml");
        assertThatThrownBy(() -> wecom.normalize(payload, "corp",
                Map.of("msg_signature", "0000000000000000000000000000000000000000", "timestamp", "1409659813", "nonce", "1372623149")))
                .isInstanceOf(MalformedPayloadException.class).hasMessageContaining("msg_signature does not match");
        assertThatThrownBy(() -> wecom.normalize(payload, "corp", Map.of()))
                .hasMessageContaining("without the msg_signature");
        assertThatThrownBy(() -> wecom.normalize(payload, "someone-else", OFFICIAL_QUERY))
                .hasMessageContaining("no aes-key is configured for bot 'someone-else'");
        WeChatFamilyNormalizer otherCorp = new WeChatFamilyNormalizer("wecom", new BotSettings(Map.of(
                "corp.wecom.aes-key", "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C", "corp.wecom.receive-id", "wwOTHER")));
        assertThatThrownBy(() -> otherCorp.normalize(payload, "corp", Map.of()))
                .hasMessageContaining("not this bot's receive id");
    }

    @Test
    void sealedAndOpenedTheSameWay() throws Exception {
        String xml = "<xml><ToUserName><![CDATA[gh_acme]]></ToUserName><FromUserName><![CDATA[oUser1]]></FromUserName>"
                + "<CreateTime>1732184500</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[我要退款]]></Content>"
                + "<MsgId>24700000000000001</MsgId></xml>";
        String key = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
        String encrypt = WeChatCrypto.seal(key, "0123456789abcdef".getBytes(StandardCharsets.UTF_8), xml, "wxacme");
        String body = "<xml><ToUserName><![CDATA[gh_acme]]></ToUserName><Encrypt><![CDATA[" + encrypt + "]]></Encrypt></xml>";
        WeChatFamilyNormalizer keyed = new WeChatFamilyNormalizer("wechat", new BotSettings(Map.of(
                "*.wechat.token", "tok", "*.wechat.aes-key", key, "*.wechat.receive-id", "wxacme")));
        Map<String, String> query = Map.of("msg_signature", WeChatCrypto.signature("tok", "1732184500", "42", encrypt),
                "timestamp", "1732184500", "nonce", "42");
        Normalized.Item item = keyed.normalize(body.getBytes(StandardCharsets.UTF_8), "acme", query).messages().get(0);
        assertThat(item.message().text()).isEqualTo("我要退款");
        assertThat(item.accountId()).isEqualTo("gh_acme");
    }

    @Test
    void plainMessagesOfBothPlatforms() throws Exception {
        UnifiedMessage text = wechat.normalize(Payloads.read("wechat/text.xml"), "b").messages().get(0).message();
        assertThat(text.platform()).isEqualTo("wechat");
        assertThat(text.chatId()).isEqualTo("fromUser");
        assertThat(text.chatType()).isEqualTo(ChatType.DIRECT);
        assertThat(text.text()).isEqualTo("this is a test");
        assertThat(text.timestamp()).isEqualTo(1348831860000L);
        assertThat(text.redeliveryKey()).isEqualTo("1234567890123456");

        UnifiedMessage image = wechat.normalize(Payloads.read("wechat/image.xml"), "b").messages().get(0).message();
        assertThat(image.attachments()).containsExactly(new Attachment("image", "media_id", "this is a url", null, null, null));
        UnifiedMessage voice = wechat.normalize(Payloads.read("wechat/voice_recognition.xml"), "b").messages().get(0).message();
        assertThat(voice.kind()).isEqualTo(MessageKind.AUDIO);
        assertThat(voice.text()).isEqualTo("腾讯微信团队");
        assertThat(wechat.normalize(Payloads.read("wechat/location.xml"), "b").messages().get(0).message().kind())
                .isEqualTo(MessageKind.LOCATION);

        Normalized.Item wecomText = new WeChatFamilyNormalizer("wecom", BotSettings.NONE)
                .normalize(Payloads.read("wecom/text_plain.xml"), "b").messages().get(0);
        assertThat(wecomText.accountId()).isEqualTo("1");
    }

    @Test
    void eventsAreNotMessages() throws Exception {
        assertThat(wechat.normalize(Payloads.read("wechat/subscribe_event.xml"), "b").ignored()).singleElement().asString().contains("subscribe");
        assertThat(wechat.normalize(Payloads.read("wechat/menu_click_event.xml"), "b").ignored()).singleElement().asString().contains("CLICK");
        assertThat(new WeChatFamilyNormalizer("wecom", BotSettings.NONE).normalize(Payloads.read("wecom/enter_agent_event.xml"), "b")
                .ignored()).singleElement().asString().contains("enter_agent");
    }

    @Test
    void entityTricksAreRefused() {
        String xxe = "<?xml version=\"1.0\"?><!DOCTYPE xml [<!ENTITY secret SYSTEM \"file:///etc/passwd\">]>"
                + "<xml><FromUserName>&secret;</FromUserName><MsgType>text</MsgType><CreateTime>1</CreateTime><Content>x</Content></xml>";
        assertThatThrownBy(() -> wechat.normalize(xxe.getBytes(StandardCharsets.UTF_8), "b"))
                .isInstanceOf(MalformedPayloadException.class).hasMessageContaining("not well-formed XML");
        StringBuilder bomb = new StringBuilder("<?xml version=\"1.0\"?><!DOCTYPE xml [<!ENTITY a \"aaaaaaaaaa\">");
        for (char c = 'b'; c <= 'j'; c++) {
            bomb.append("<!ENTITY ").append(c).append(" \"").append(("&" + (char) (c - 1) + ";").repeat(10)).append("\">");
        }
        bomb.append("]><xml><Content>&j;</Content></xml>");
        assertThatThrownBy(() -> wechat.normalize(bomb.toString().getBytes(StandardCharsets.UTF_8), "b"))
                .isInstanceOf(MalformedPayloadException.class);
        assertThatThrownBy(() -> wechat.normalize("<html/>".getBytes(StandardCharsets.UTF_8), "b"))
                .hasMessageContaining("root element is not <xml>");
    }
}
