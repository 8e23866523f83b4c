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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Discord messages (https://discord.com/developers/docs/resources/message#message-object): gateway
 * dispatch payloads ({@code op} 0 with {@code t} {@code MESSAGE_CREATE}/{@code MESSAGE_UPDATE}/
 * {@code MESSAGE_DELETE} and the message in {@code d}) or bare message objects.
 */
public final class DiscordNormalizer implements Normalizer {

    /** {@code <@id>} and the older nickname form {@code <@!id>}. */
    private static final Pattern USER_MENTION = Pattern.compile("<@!?(\\d{1,20})>");

    @Override
    public String platform() {
        return Platforms.DISCORD;
    }

    @Override
    public Normalized normalize(byte[] payload, String botId) throws MalformedPayloadException {
        JsonNode root = Json.readObject(payload, "discord");
        JsonNode message;
        boolean edit = false;
        if (root.has("op")) {
            Long op = Json.longValue(root, "op");
            String t = Json.text(root, "t");
            if (op == null || op != 0) {
                return Normalized.ignored("discord: gateway opcode " + op + " is not a dispatch");
            }
            if ("MESSAGE_DELETE".equals(t) || "MESSAGE_DELETE_BULK".equals(t)) {
                return Normalized.ignored("discord: " + t + " (deletion)");
            }
            if (!"MESSAGE_CREATE".equals(t) && !"MESSAGE_UPDATE".equals(t)) {
                return Normalized.ignored("discord: " + t + " dispatch is not a chat message");
            }
            edit = "MESSAGE_UPDATE".equals(t);
            message = Json.object(root, "d");
            if (message == null) {
                throw MalformedPayloadException.malformed("discord: " + t + " dispatch without d");
            }
        } else if (root.has("channel_id") && root.has("id")) {
            message = root;
            edit = Json.text(root, "edited_timestamp") != null;
        } else {
            throw MalformedPayloadException.unknown("discord: neither a gateway dispatch nor a message object");
        }

        String id = Json.requireId(message, "id", "discord: message.id");
        String channel = Json.requireId(message, "channel_id", "discord: message.channel_id");
        Long type = Json.longValue(message, "type");
        if (type != null && type != 0 && type != 19) {
            // 0 DEFAULT and 19 REPLY are people writing; joins, pins, boosts etc. are system messages.
            return Normalized.ignored("discord: message type " + type + " is a system message");
        }
        JsonNode author = Json.object(message, "author");
        if (author == null) {
            if (edit) {
                // Updates without an author are embed unfurls, not edits by a person.
                return Normalized.ignored("discord: partial message update");
            }
            throw MalformedPayloadException.malformed("discord: message.author is missing");
        }
        String timestampField = edit ? Json.text(message, "edited_timestamp") : null;
        // Missing or unreadable: NO_TIMESTAMP, and the record's received-at stands in.
        long millis = Timestamps.isoToMillis(timestampField != null ? timestampField : Json.text(message, "timestamp"));

        String content = Json.nonEmptyText(message, "content");
        Map<String, String> names = new HashMap<>();
        for (JsonNode user : Json.array(message, "mentions", "discord: message.mentions")) {
            String uid = Json.id(user, "id");
            if (uid != null) {
                names.put(uid, displayName(user));
            }
        }
        List<Mention> mentions = new ArrayList<>();
        if (content != null) {
            Matcher m = USER_MENTION.matcher(content);
            while (m.find()) {
                mentions.add(new Mention(m.group(1), names.get(m.group(1))));
            }
        }
        List<Attachment> attachments = new ArrayList<>();
        for (JsonNode a : Json.array(message, "attachments", "discord: message.attachments")) {
            String mime = Json.text(a, "content_type");
            attachments.add(new Attachment(SlackNormalizer.kindOfMime(mime), Json.id(a, "id"), Json.text(a, "url"),
                    mime, Json.text(a, "filename"), Json.longValue(a, "size")));
        }
        String kind = !attachments.isEmpty() ? attachments.get(0).type()
                : message.has("sticker_items") ? MessageKind.STICKER
                : content != null ? MessageKind.TEXT : MessageKind.OTHER;
        boolean bot = Json.bool(author, "bot") || Json.id(message, "webhook_id") != null;

        UnifiedMessage unified = new UnifiedMessage(
                Platforms.DISCORD,
                botId,
                id,
                channel,
                Json.id(message, "guild_id") != null ? ChatType.GROUP : ChatType.DIRECT,
                null,
                Json.id(Json.object(message, "message_reference"), "message_id"),
                new Sender(Json.id(author, "id"), displayName(author), bot),
                kind,
                content,
                mentions,
                attachments,
                millis,
                edit ? "edit:" + id + ":" + millis : id);
        String replyToUser = Json.id(Json.object(Json.object(message, "referenced_message"), "author"), "id");
        return new Normalized.Builder().message(unified, null, null, edit, false, replyToUser).build();
    }

    private static String displayName(JsonNode user) {
        String global = Json.nonEmptyText(user, "global_name");
        return global != null ? global : Json.nonEmptyText(user, "username");
    }
}
