package dev.switchboard.testkit;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.Json;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Payloads in each platform's real webhook shape (the same fields the platforms' documentation shows),
 * for the demo's simulated users.
 */
public final class DemoPayloads {
    private DemoPayloads() {}

    /** A Telegram Bot API Update with a private-chat text message. */
    public static byte[] telegram(long updateId, long messageId, long userId, String name, String text, long epochMs) {
        ObjectNode update = Json.MAPPER.createObjectNode();
        update.put("update_id", updateId);
        ObjectNode message = update.putObject("message");
        message.put("message_id", messageId);
        message.putObject("from").put("id", userId).put("is_bot", false).put("first_name", name)
                .put("language_code", "en");
        message.putObject("chat").put("id", userId).put("first_name", name).put("type", "private");
        message.put("date", epochMs / 1000);
        message.put("text", text);
        return bytes(update);
    }

    /** A Slack Events API event_callback carrying a direct message ({@code message.im}). */
    public static byte[] slack(String eventId, String channel, String userId, String text, long epochMs, long seq) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("token", "XXYYZZ");
        root.put("team_id", "T0DEMO0001");
        root.put("api_app_id", "A0DEMO0001");
        String ts = String.format(Locale.ROOT, "%d.%06d", epochMs / 1000, (epochMs % 1000) * 1000 + seq % 1000);
        ObjectNode event = root.putObject("event");
        event.put("type", "message");
        event.put("channel", channel);
        event.put("user", userId);
        event.put("text", text);
        event.put("ts", ts);
        event.put("event_ts", ts);
        event.put("channel_type", "im");
        root.put("type", "event_callback");
        root.put("event_id", eventId);
        root.put("event_time", epochMs / 1000);
        return bytes(root);
    }

    /** A WhatsApp Cloud API webhook with one text message. */
    public static byte[] whatsapp(String wamid, String waId, String name, String text, long epochMs) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("object", "whatsapp_business_account");
        ArrayNode entries = root.putArray("entry");
        ObjectNode entry = entries.addObject();
        entry.put("id", "102290129340398");
        ObjectNode change = entry.putArray("changes").addObject();
        ObjectNode value = change.putObject("value");
        value.put("messaging_product", "whatsapp");
        value.putObject("metadata").put("display_phone_number", "15550783881").put("phone_number_id", "106540352242922");
        value.putArray("contacts").addObject().put("wa_id", waId).putObject("profile").put("name", name);
        ObjectNode message = value.putArray("messages").addObject();
        message.put("from", waId);
        message.put("id", wamid);
        message.put("timestamp", Long.toString(epochMs / 1000));
        message.putObject("text").put("body", text);
        message.put("type", "text");
        change.put("field", "messages");
        return bytes(root);
    }

    /** A Discord gateway MESSAGE_CREATE dispatch for a direct message. */
    public static byte[] discord(long seq, String messageId, String channelId, String userId, String name, String text,
            long epochMs) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("op", 0);
        root.put("s", seq);
        root.put("t", "MESSAGE_CREATE");
        ObjectNode d = root.putObject("d");
        d.put("type", 0);
        d.put("id", messageId);
        d.put("channel_id", channelId);
        d.put("content", text);
        d.put("timestamp", java.time.Instant.ofEpochMilli(epochMs).atOffset(java.time.ZoneOffset.UTC).toString());
        d.putNull("edited_timestamp");
        d.putArray("mentions");
        d.putArray("attachments");
        d.putObject("author").put("id", userId).put("username", name.toLowerCase(Locale.ROOT).replace(' ', '_'))
                .put("global_name", name).put("discriminator", "0");
        return bytes(root);
    }

    /** A LINE webhook body with one one-on-one text message event. */
    public static byte[] line(String webhookEventId, String messageId, String userId, String text, long epochMs) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("destination", "U0123456789abcdef0123456789abcdef");
        ObjectNode event = root.putArray("events").addObject();
        event.put("replyToken", Long.toHexString(epochMs) + messageId);
        event.put("type", "message");
        event.put("mode", "active");
        event.put("timestamp", epochMs);
        event.putObject("source").put("type", "user").put("userId", userId);
        event.put("webhookEventId", webhookEventId);
        event.putObject("deliveryContext").put("isRedelivery", false);
        event.putObject("message").put("id", messageId).put("type", "text").put("quoteToken", "q" + messageId).put("text", text);
        return bytes(root);
    }

    /** A Feishu schema 2.0 im.message.receive_v1 event for a direct text message. */
    public static byte[] feishu(String eventId, String messageId, String chatId, String openId, String text, long epochMs) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("schema", "2.0");
        root.putObject("header").put("event_id", eventId).put("event_type", "im.message.receive_v1")
                .put("create_time", Long.toString(epochMs)).put("token", "demo").put("app_id", "cli_demo0000000001")
                .put("tenant_key", "demo");
        ObjectNode event = root.putObject("event");
        event.putObject("sender").put("sender_type", "user").putObject("sender_id").put("open_id", openId);
        ObjectNode content = Json.MAPPER.createObjectNode().put("text", text);
        event.putObject("message").put("message_id", messageId).put("create_time", Long.toString(epochMs))
                .put("chat_id", chatId).put("chat_type", "p2p").put("message_type", "text")
                .put("content", content.toString());
        return bytes(root);
    }

    /** A DingTalk robot callback for a one-on-one text message. */
    public static byte[] dingtalk(String msgId, String conversationId, String staffId, String name, String text, long epochMs) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("conversationId", conversationId);
        root.put("chatbotCorpId", "dingdemo0000000001");
        root.put("msgId", msgId);
        root.put("senderNick", name);
        root.put("senderStaffId", staffId);
        root.put("createAt", epochMs);
        root.put("conversationType", "1");
        root.put("senderId", "$:LWCP_v1:$" + staffId);
        root.putObject("text").put("content", text);
        root.put("robotCode", "dingdemorobot00001");
        root.put("msgtype", "text");
        return bytes(root);
    }

    /** A WeCom application text message or a WeChat Official Account text push (plaintext mode). */
    public static byte[] wechatFamily(boolean wecom, String msgId, String fromUser, String text, long epochMs) {
        String xml = "<xml><ToUserName><![CDATA[" + (wecom ? "wwdemo0000000001" : "gh_demo00000001") + "]]></ToUserName>"
                + "<FromUserName><![CDATA[" + fromUser + "]]></FromUserName><CreateTime>" + epochMs / 1000 + "</CreateTime>"
                + "<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]></Content>"
                + "<MsgId>" + msgId + "</MsgId>" + (wecom ? "<AgentID>1000002</AgentID>" : "") + "</xml>";
        return xml.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static byte[] bytes(ObjectNode node) {
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }
}
