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
import java.util.Iterator;
import java.util.List;

/**
 * Telegram Bot API {@code Update} objects (https://core.telegram.org/bots/api#update), as delivered to
 * a webhook or returned by {@code getUpdates}.
 */
public final class TelegramNormalizer implements Normalizer {

    @Override
    public String platform() {
        return Platforms.TELEGRAM;
    }

    @Override
    public Normalized normalize(byte[] payload, String botId) throws MalformedPayloadException {
        JsonNode update = Json.readObject(payload, "telegram");
        String updateId = Json.id(update, "update_id");
        if (updateId == null) {
            throw MalformedPayloadException.unknown("telegram: not an Update (update_id is missing)");
        }
        JsonNode message;
        boolean edit;
        if ((message = Json.object(update, "message")) != null
                || (message = Json.object(update, "channel_post")) != null
                || (message = Json.object(update, "business_message")) != null) {
            edit = false;
        } else if ((message = Json.object(update, "edited_message")) != null
                || (message = Json.object(update, "edited_channel_post")) != null
                || (message = Json.object(update, "edited_business_message")) != null) {
            edit = true;
        } else {
            return Normalized.ignored("telegram: update " + updateId + " carries no message (" + updateKind(update) + ")");
        }

        JsonNode chat = Json.object(message, "chat");
        if (chat == null) {
            throw MalformedPayloadException.malformed("telegram: message.chat is missing");
        }
        String chatId = Json.requireId(chat, "id", "telegram: message.chat.id");
        String messageId = Json.requireId(message, "message_id", "telegram: message.message_id");
        Long date = Json.longValue(message, edit ? "edit_date" : "date");
        if (date == null) {
            date = Json.longValue(message, "date");
        }

        // message_thread_id names a forum topic only when is_topic_message is set; in ordinary
        // supergroups it marks reply chains, which are not separate conversations.
        boolean topic = Json.bool(message, "is_topic_message");
        String threadId = topic ? Json.id(message, "message_thread_id") : null;
        String replyTo = Json.id(Json.object(message, "reply_to_message"), "message_id");
        if (topic && replyTo != null && replyTo.equals(threadId)) {
            // Inside a topic every message "replies" to the topic's creation message.
            replyTo = null;
        }

        String text = Json.text(message, "text");
        JsonNode entities = message.get("entities");
        if (text == null) {
            text = Json.text(message, "caption");
            entities = message.get("caption_entities");
        }

        List<Attachment> attachments = new ArrayList<>();
        String kind = mediaKind(message, attachments);
        if (kind == null) {
            kind = text == null ? MessageKind.OTHER : MessageKind.TEXT;
        }
        List<Mention> mentions = new ArrayList<>();
        boolean command = readEntities(text, entities, mentions);
        if (command && MessageKind.TEXT.equals(kind)) {
            kind = MessageKind.COMMAND;
        }

        UnifiedMessage unified = new UnifiedMessage(
                Platforms.TELEGRAM,
                botId,
                messageId,
                chatId,
                chatType(Json.text(chat, "type"), chatId),
                threadId,
                replyTo,
                sender(message, chat),
                kind,
                text,
                mentions,
                attachments,
                Timestamps.secondsToMillis(date),
                updateId);
        // Who wrote the replied-to message: a reply to the bot addresses it in a group.
        String replyToUser = replyTo == null ? null
                : Json.id(Json.object(Json.object(message, "reply_to_message"), "from"), "id");
        return new Normalized.Builder().message(unified, null, null, edit, false, replyToUser).build();
    }

    private static String updateKind(JsonNode update) {
        Iterator<String> names = update.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!"update_id".equals(name)) {
                return name;
            }
        }
        return "empty";
    }

    private static String chatType(String type, String chatId) throws MalformedPayloadException {
        if (type == null) {
            // Older payloads omit the type; user chats have positive ids, groups and channels negative.
            return chatId.startsWith("-") ? ChatType.GROUP : ChatType.DIRECT;
        }
        return switch (type) {
            case "private" -> ChatType.DIRECT;
            case "group", "supergroup" -> ChatType.GROUP;
            case "channel" -> ChatType.CHANNEL;
            default -> throw MalformedPayloadException.malformed("telegram: unknown chat type '" + type + "'");
        };
    }

    private static Sender sender(JsonNode message, JsonNode chat) {
        JsonNode from = Json.object(message, "from");
        // Channel posts and anonymous group admins speak as a chat, not a user.
        JsonNode senderChat = Json.object(message, "sender_chat");
        if (senderChat != null && (from == null || Json.bool(from, "is_bot") && "GroupAnonymousBot".equals(Json.text(from, "username")))) {
            return new Sender(Json.id(senderChat, "id"), Json.text(senderChat, "title"), false);
        }
        if (from == null) {
            return new Sender(Json.id(chat, "id"), Json.text(chat, "title"), false);
        }
        return new Sender(Json.id(from, "id"), userName(from), Json.bool(from, "is_bot"));
    }

    private static String userName(JsonNode user) {
        String first = Json.nonEmptyText(user, "first_name");
        String last = Json.nonEmptyText(user, "last_name");
        if (first != null && last != null) {
            return first + " " + last;
        }
        if (first != null) {
            return first;
        }
        String username = Json.nonEmptyText(user, "username");
        return username != null ? username : last;
    }

    /** Fills attachments and returns the kind for media messages, or null for text-only messages. */
    private static String mediaKind(JsonNode message, List<Attachment> attachments) {
        JsonNode photo = message.get("photo");
        if (photo != null && photo.isArray() && photo.size() > 0) {
            // Sizes come smallest first; the last one is the original.
            JsonNode largest = photo.get(photo.size() - 1);
            attachments.add(new Attachment(MessageKind.IMAGE, Json.id(largest, "file_id"), null, "image/jpeg",
                    null, Json.longValue(largest, "file_size")));
            return MessageKind.IMAGE;
        }
        // An animation also carries a "document" field for old clients; read it first.
        JsonNode animation = Json.object(message, "animation");
        if (animation != null) {
            attachments.add(file(MessageKind.VIDEO, animation));
            return MessageKind.VIDEO;
        }
        for (String[] media : new String[][] {
                {"video", MessageKind.VIDEO}, {"video_note", MessageKind.VIDEO},
                {"voice", MessageKind.AUDIO}, {"audio", MessageKind.AUDIO},
                {"document", MessageKind.FILE}, {"sticker", MessageKind.STICKER}}) {
            JsonNode node = Json.object(message, media[0]);
            if (node != null) {
                attachments.add(file(media[1], node));
                return media[1];
            }
        }
        if (Json.object(message, "location") != null || Json.object(message, "venue") != null) {
            return MessageKind.LOCATION;
        }
        if (message.has("contact") || message.has("poll") || message.has("dice") || message.has("game")) {
            return MessageKind.OTHER;
        }
        return null;
    }

    private static Attachment file(String type, JsonNode node) {
        String mime = Json.text(node, "mime_type");
        if (mime == null && MessageKind.STICKER.equals(type)) {
            mime = Json.bool(node, "is_video") ? "video/webm" : Json.bool(node, "is_animated") ? "application/x-tgsticker" : "image/webp";
        }
        return new Attachment(type, Json.id(node, "file_id"), null, mime, Json.text(node, "file_name"),
                Json.longValue(node, "file_size"));
    }

    /**
     * Reads mention entities in order. Offsets and lengths are in UTF-16 code units, which is what Java
     * strings index by. Returns whether the text starts with a bot command.
     */
    private static boolean readEntities(String text, JsonNode entities, List<Mention> mentions) {
        if (text == null || entities == null || !entities.isArray()) {
            return false;
        }
        boolean command = false;
        for (JsonNode entity : entities) {
            String type = Json.text(entity, "type");
            Long offset = Json.longValue(entity, "offset");
            Long length = Json.longValue(entity, "length");
            if (type == null || offset == null || length == null || offset < 0 || length <= 0
                    || offset + length > text.length()) {
                continue;
            }
            switch (type) {
                case "mention" -> {
                    // "@username": Telegram gives no user id for these.
                    String handle = text.substring(offset.intValue(), (int) (offset + length));
                    mentions.add(new Mention(null, handle.startsWith("@") ? handle.substring(1) : handle));
                }
                case "text_mention" -> {
                    JsonNode user = Json.object(entity, "user");
                    mentions.add(new Mention(Json.id(user, "id"),
                            user != null ? userName(user) : text.substring(offset.intValue(), (int) (offset + length))));
                }
                case "bot_command" -> command |= offset == 0;
                default -> { }
            }
        }
        return command;
    }
}
