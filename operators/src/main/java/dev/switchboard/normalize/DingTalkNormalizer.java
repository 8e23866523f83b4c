package dev.switchboard.normalize;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.model.Attachment;
import dev.switchboard.model.ChatType;
import dev.switchboard.model.Json;
import dev.switchboard.model.MalformedPayloadException;
import dev.switchboard.model.Mention;
import dev.switchboard.model.MessageKind;
import dev.switchboard.model.Platforms;
import dev.switchboard.model.Sender;
import dev.switchboard.model.UnifiedMessage;

import java.util.ArrayList;
import java.util.List;

/**
 * DingTalk robot messages (https://open.dingtalk.com/document/orgapp/receive-message): the HTTP
 * callback body, or the Stream-mode envelope whose {@code data} is that body as a JSON string.
 * {@code conversationType} 1 is a one-on-one chat, 2 a group; in groups the robot only receives
 * messages that @ it ({@code isInAtList}).
 */
public final class DingTalkNormalizer implements Normalizer {

    @Override
    public String platform() {
        return Platforms.DINGTALK;
    }

    @Override
    public Normalized normalize(byte[] payload, String botId) throws MalformedPayloadException {
        JsonNode root = Json.readObject(payload, "dingtalk");
        JsonNode envelope = root;
        long envelopeTime = UnifiedMessage.NO_TIMESTAMP;
        if (root.has("specVersion") || (root.has("headers") && root.has("data"))) {
            String type = Json.text(root, "type");
            String topic = Json.text(Json.object(root, "headers"), "topic");
            if (!"CALLBACK".equals(type) || topic == null || !topic.startsWith("/v1.0/im/bot/messages")) {
                return Normalized.ignored("dingtalk: stream " + type + " " + topic + " is not a robot message");
            }
            String data = Json.text(root, "data");
            if (data == null) {
                throw MalformedPayloadException.malformed("dingtalk: stream envelope without data");
            }
            root = Json.readObject(data.getBytes(java.nio.charset.StandardCharsets.UTF_8), "dingtalk (stream data)");
            envelopeTime = Timestamps.millis(Json.longValue(Json.object(envelope, "headers"), "time"));
        }
        if (!root.has("msgtype") || !root.has("conversationId")) {
            throw MalformedPayloadException.unknown("dingtalk: not a robot message (msgtype/conversationId missing)");
        }
        String messageId = Json.requireId(root, "msgId", "dingtalk: msgId");
        String conversation = Json.requireId(root, "conversationId", "dingtalk: conversationId");
        // createAt, else the Stream envelope's time, else (NO_TIMESTAMP) the record's received-at.
        long createdAt = Timestamps.millis(Json.longValue(root, "createAt"));
        if (createdAt == UnifiedMessage.NO_TIMESTAMP) {
            createdAt = envelopeTime;
        }
        boolean group = "2".equals(Json.id(root, "conversationType"));
        String staffId = Json.nonEmptyText(root, "senderStaffId");
        String senderId = staffId != null ? staffId : Json.requireId(root, "senderId", "dingtalk: senderId");

        String msgtype = Json.text(root, "msgtype");
        String text = null;
        String kind;
        List<Attachment> attachments = new ArrayList<>();
        JsonNode content = Json.object(root, "content");
        switch (msgtype == null ? "" : msgtype) {
            case "text" -> {
                String raw = Json.text(Json.object(root, "text"), "content");
                text = raw == null ? null : raw.strip();
                kind = MessageKind.TEXT;
            }
            case "richText" -> {
                StringBuilder sb = new StringBuilder();
                for (JsonNode part : Json.array(content, "richText", "dingtalk: content.richText")) {
                    String t = Json.text(part, "text");
                    if (t != null) {
                        sb.append(t);
                    }
                    String code = Json.text(part, "downloadCode");
                    if (code != null) {
                        attachments.add(new Attachment(MessageKind.IMAGE, code, null, null, null, null));
                    }
                }
                text = sb.isEmpty() ? null : sb.toString().strip();
                kind = MessageKind.TEXT;
            }
            case "picture" -> {
                kind = MessageKind.IMAGE;
                attachments.add(new Attachment(kind, Json.text(content, "downloadCode"), null, null, null, null));
            }
            case "file" -> {
                kind = MessageKind.FILE;
                attachments.add(new Attachment(kind, Json.text(content, "downloadCode"), null, null,
                        Json.text(content, "fileName"), null));
            }
            case "audio" -> {
                kind = MessageKind.AUDIO;
                // DingTalk transcribes voice messages; the recognition is the text.
                text = Json.nonEmptyText(content, "recognition");
                attachments.add(new Attachment(kind, Json.text(content, "downloadCode"), null, null, null, null));
            }
            case "video" -> {
                kind = MessageKind.VIDEO;
                attachments.add(new Attachment(kind, Json.text(content, "downloadCode"), null, null, null, null));
            }
            default -> kind = MessageKind.OTHER;
        }
        List<Mention> mentions = new ArrayList<>();
        for (JsonNode at : Json.array(root, "atUsers", "dingtalk: atUsers")) {
            String staff = Json.nonEmptyText(at, "staffId");
            mentions.add(new Mention(staff != null ? staff : Json.text(at, "dingtalkId"), null));
        }
        UnifiedMessage unified = new UnifiedMessage(
                Platforms.DINGTALK,
                botId,
                messageId,
                // The conversation in both cases; a one-on-one reply names the sender (the reply's recipient).
                conversation,
                group ? ChatType.GROUP : ChatType.DIRECT,
                null,
                null,
                new Sender(senderId, Json.nonEmptyText(root, "senderNick"), false),
                kind,
                text,
                mentions,
                attachments,
                createdAt,
                messageId);
        // In groups DingTalk only delivers messages that @ the robot; isInAtList says so.
        return new Normalized.Builder().message(unified, Json.nonEmptyText(root, "robotCode"), null, false,
                Json.bool(root, "isInAtList"), null).build();
    }
}
