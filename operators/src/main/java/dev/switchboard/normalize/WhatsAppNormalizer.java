package dev.switchboard.normalize;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.model.Attachment;
import dev.switchboard.model.ChatType;
import dev.switchboard.model.Json;
import dev.switchboard.model.MalformedPayloadException;
import dev.switchboard.model.MessageKind;
import dev.switchboard.model.Platforms;
import dev.switchboard.model.Sender;
import dev.switchboard.model.UnifiedMessage;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * WhatsApp Cloud API webhooks
 * (https://developers.facebook.com/docs/whatsapp/cloud-api/webhooks/components): one POST can carry
 * several entries, changes and messages, and delivery statuses of the business's own messages.
 */
public final class WhatsAppNormalizer implements Normalizer {

    @Override
    public String platform() {
        return Platforms.WHATSAPP;
    }

    @Override
    public Normalized normalize(byte[] payload, String botId) throws MalformedPayloadException {
        JsonNode root = Json.readObject(payload, "whatsapp");
        String object = Json.text(root, "object");
        if (!root.has("entry") || object != null && !"whatsapp_business_account".equals(object)) {
            throw MalformedPayloadException.unknown(
                    "whatsapp: not a WhatsApp Business Account webhook (object=" + object + ")");
        }
        Normalized.Builder out = new Normalized.Builder();
        int e = 0;
        for (JsonNode entry : Json.array(root, "entry", "whatsapp: entry")) {
            int c = 0;
            for (JsonNode change : Json.array(entry, "changes", "whatsapp: entry[" + e + "].changes")) {
                readChange(change, "whatsapp: entry[" + e + "].changes[" + c + "]", botId, out);
                c++;
            }
            e++;
        }
        Normalized result = out.build();
        if (result.messages().isEmpty() && result.ignored().isEmpty()) {
            return Normalized.ignored("whatsapp: webhook carries no messages");
        }
        return result;
    }

    private static void readChange(JsonNode change, String path, String botId, Normalized.Builder out)
            throws MalformedPayloadException {
        String field = Json.text(change, "field");
        JsonNode value = Json.object(change, "value");
        if (field != null && !"messages".equals(field)) {
            out.ignore("whatsapp: " + field + " notification is not a chat message");
            return;
        }
        if (value == null) {
            throw MalformedPayloadException.malformed(path + ".value is missing");
        }
        String phoneNumberId = Json.id(Json.object(value, "metadata"), "phone_number_id");
        Map<String, String> names = new HashMap<>();
        for (JsonNode contact : Json.array(value, "contacts", path + ".value.contacts")) {
            String waId = Json.id(contact, "wa_id");
            String name = Json.nonEmptyText(Json.object(contact, "profile"), "name");
            if (waId != null && name != null) {
                names.put(waId, name);
            }
        }
        int i = 0;
        for (JsonNode message : Json.array(value, "messages", path + ".value.messages")) {
            readMessage(message, path + ".value.messages[" + i++ + "]", botId, phoneNumberId, names, out);
        }
        for (JsonNode status : Json.array(value, "statuses", path + ".value.statuses")) {
            out.ignore("whatsapp: status notification (" + Json.text(status, "status") + ")");
        }
        if (value.has("errors") && !value.has("messages") && !value.has("statuses")) {
            out.ignore("whatsapp: error notification");
        }
    }

    private static void readMessage(JsonNode message, String path, String botId, String phoneNumberId,
            Map<String, String> names, Normalized.Builder out) throws MalformedPayloadException {
        String id = Json.requireId(message, "id", path + ".id");
        String from = Json.requireId(message, "from", path + ".from");
        long millis = Timestamps.secondsToMillis(Json.longValue(message, "timestamp"));
        String type = Json.text(message, "type");
        if (type == null) {
            throw MalformedPayloadException.malformed(path + ".type is missing");
        }
        if ("reaction".equals(type) || "system".equals(type) || "ephemeral".equals(type) || "revoke".equals(type)) {
            out.ignore("whatsapp: " + type + " message is not a chat message");
            return;
        }

        String text = null;
        String kind;
        Attachment attachment = null;
        switch (type) {
            case "text" -> {
                text = Json.text(Json.object(message, "text"), "body");
                kind = MessageKind.TEXT;
            }
            case "image", "video", "audio", "document", "sticker" -> {
                JsonNode media = Json.object(message, type);
                if (media == null) {
                    throw MalformedPayloadException.malformed(path + "." + type + " is missing");
                }
                kind = switch (type) {
                    case "image" -> MessageKind.IMAGE;
                    case "video" -> MessageKind.VIDEO;
                    case "audio" -> MessageKind.AUDIO;
                    case "sticker" -> MessageKind.STICKER;
                    default -> MessageKind.FILE;
                };
                text = Json.nonEmptyText(media, "caption");
                attachment = new Attachment(kind, Json.id(media, "id"), Json.text(media, "url"),
                        Json.text(media, "mime_type"), Json.text(media, "filename"), Json.longValue(media, "file_size"));
            }
            case "location" -> kind = MessageKind.LOCATION;
            case "button" -> {
                text = Json.text(Json.object(message, "button"), "text");
                kind = MessageKind.TEXT;
            }
            case "interactive" -> {
                JsonNode interactive = Json.object(message, "interactive");
                JsonNode reply = interactive == null ? null
                        : Json.object(interactive, "button_reply") != null ? interactive.get("button_reply")
                        : Json.object(interactive, "list_reply");
                text = Json.text(reply, "title");
                kind = text == null ? MessageKind.OTHER : MessageKind.TEXT;
            }
            default -> kind = MessageKind.OTHER; // contacts, order, unsupported, ...
        }

        JsonNode context = Json.object(message, "context");
        UnifiedMessage unified = new UnifiedMessage(
                Platforms.WHATSAPP,
                botId,
                id,
                from,
                ChatType.DIRECT,
                null,
                Json.id(context, "id"),
                new Sender(from, names.get(from), false),
                kind,
                text,
                List.of(),
                attachment == null ? List.of() : List.of(attachment),
                millis,
                id);
        out.message(unified, phoneNumberId, false);
    }
}
