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
 * LINE Messaging API webhooks (https://developers.line.biz/en/reference/messaging-api/#webhooks): one
 * body carries {@code events[]}; only {@code message} events are chat messages.
 */
public final class LineNormalizer implements Normalizer {

    @Override
    public String platform() {
        return Platforms.LINE;
    }

    @Override
    public Normalized normalize(byte[] payload, String botId) throws MalformedPayloadException {
        JsonNode root = Json.readObject(payload, "line");
        if (!root.has("events")) {
            throw MalformedPayloadException.unknown("line: not a webhook body (events is missing)");
        }
        Normalized.Builder out = new Normalized.Builder();
        int i = 0;
        for (JsonNode event : Json.array(root, "events", "line: events")) {
            readEvent(event, "line: events[" + i++ + "]", botId, Json.text(root, "destination"), out);
        }
        Normalized result = out.build();
        if (i == 0) {
            // The console's "Verify" and some retries send an empty list to check the endpoint.
            return Normalized.ignored("line: webhook without events (endpoint verification)");
        }
        return result;
    }

    /** @param destination the user id of the bot that receives the webhook */
    private static void readEvent(JsonNode event, String path, String botId, String destination, Normalized.Builder out)
            throws MalformedPayloadException {
        String type = Json.text(event, "type");
        if (!"message".equals(type)) {
            out.ignore("line: " + (type == null ? "untyped" : type) + " event is not a chat message");
            return;
        }
        JsonNode message = Json.object(event, "message");
        JsonNode source = Json.object(event, "source");
        if (message == null || source == null) {
            throw MalformedPayloadException.malformed(path + ": message event without message or source");
        }
        String id = Json.requireId(message, "id", path + ".message.id");
        String sourceType = Json.text(source, "type");
        String chatId;
        String chatType;
        if ("group".equals(sourceType)) {
            chatId = Json.requireId(source, "groupId", path + ".source.groupId");
            chatType = ChatType.GROUP;
        } else if ("room".equals(sourceType)) {
            chatId = Json.requireId(source, "roomId", path + ".source.roomId");
            chatType = ChatType.GROUP;
        } else {
            chatId = Json.requireId(source, "userId", path + ".source.userId");
            chatType = ChatType.DIRECT;
        }
        long timestamp = Timestamps.millis(Json.longValue(event, "timestamp"));
        String messageType = Json.text(message, "type");
        String text = null;
        String kind;
        List<Attachment> attachments = new ArrayList<>();
        List<Mention> mentions = new ArrayList<>();
        boolean addressed = false;
        switch (messageType == null ? "" : messageType) {
            case "text" -> {
                text = Json.text(message, "text");
                kind = MessageKind.TEXT;
                JsonNode mention = Json.object(message, "mention");
                for (JsonNode m : Json.array(mention, "mentionees", path + ".message.mention.mentionees")) {
                    Long index = Json.longValue(m, "index");
                    Long length = Json.longValue(m, "length");
                    String name = null;
                    // index/length count UTF-16 code units of text, as Java strings do.
                    if (text != null && index != null && length != null && index >= 0 && length > 0
                            && index + length <= text.length()) {
                        name = text.substring(index.intValue(), (int) (index + length));
                        name = name.startsWith("@") ? name.substring(1) : name;
                    }
                    String userId = Json.id(m, "userId");
                    if (Json.bool(m, "isSelf")) {
                        addressed = true;
                        userId = userId == null ? destination : userId;
                    }
                    mentions.add(new Mention(userId, name));
                }
            }
            case "image", "video", "audio", "file" -> {
                kind = messageType.equals("file") ? MessageKind.FILE : messageType;
                // The content is fetched by message id (GET /v2/bot/message/{messageId}/content).
                attachments.add(new Attachment(kind, id, null, null, Json.text(message, "fileName"),
                        Json.longValue(message, "fileSize")));
            }
            case "sticker" -> kind = MessageKind.STICKER;
            case "location" -> kind = MessageKind.LOCATION;
            default -> kind = MessageKind.OTHER;
        }
        String userId = Json.id(source, "userId");
        String webhookEventId = Json.text(event, "webhookEventId");
        UnifiedMessage unified = new UnifiedMessage(
                Platforms.LINE,
                botId,
                id,
                chatId,
                chatType,
                null,
                Json.id(message, "quotedMessageId"),
                new Sender(userId, null, false),
                kind,
                text,
                mentions,
                attachments,
                timestamp,
                // Redeliveries (deliveryContext.isRedelivery) keep the webhookEventId.
                webhookEventId != null ? webhookEventId : id);
        out.message(unified, null, Json.text(event, "replyToken"), false, addressed, null);
    }
}
