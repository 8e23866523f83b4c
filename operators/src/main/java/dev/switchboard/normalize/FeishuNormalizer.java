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

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Feishu/Lark event subscriptions, schema 2.0 (https://open.feishu.cn/document/server-docs/im-v1/message/events/receive):
 * {@code im.message.receive_v1}, whose {@code message.content} is a JSON string inside the JSON;
 * {@code @_user_N} placeholders resolved through {@code mentions[]}; encrypted callbacks
 * ({@code {"encrypt": ...}}: AES-256-CBC, key SHA-256 of the app's Encrypt Key, IV the first 16 bytes)
 * decrypted with the bot's key from {@link BotSettings} ({@code <bot>.feishu.encrypt-key}).
 */
public final class FeishuNormalizer implements Normalizer {
    public static final String SECRET_ENCRYPT_KEY = "encrypt-key";

    private final BotSettings secrets;

    public FeishuNormalizer(BotSettings secrets) {
        this.secrets = secrets;
    }

    @Override
    public String platform() {
        return Platforms.FEISHU;
    }

    @Override
    public Normalized normalize(byte[] payload, String botId) throws MalformedPayloadException {
        JsonNode root = Json.readObject(payload, "feishu");
        if (root.has("encrypt")) {
            String key = secrets.get(botId, Platforms.FEISHU, SECRET_ENCRYPT_KEY);
            if (key == null) {
                throw MalformedPayloadException.malformed("feishu: encrypted event but no encrypt-key is configured for bot '"
                        + botId + "' (--secret " + botId + ".feishu.encrypt-key=...)");
            }
            root = Json.readObject(decrypt(Json.text(root, "encrypt"), key), "feishu (decrypted)");
        }
        String type = Json.text(root, "type");
        if ("url_verification".equals(type)) {
            return Normalized.ignored("feishu: url_verification is not a chat message");
        }
        JsonNode header = Json.object(root, "header");
        if (header == null || !"2.0".equals(Json.text(root, "schema"))) {
            throw MalformedPayloadException.unknown("feishu: not a schema 2.0 event (" + (type != null ? "type " + type : "no header") + ")");
        }
        String eventType = Json.text(header, "event_type");
        if (!"im.message.receive_v1".equals(eventType)) {
            return Normalized.ignored("feishu: " + eventType + " event is not a received message");
        }
        JsonNode event = Json.object(root, "event");
        JsonNode message = Json.object(event, "message");
        JsonNode sender = Json.object(event, "sender");
        if (message == null || sender == null) {
            throw MalformedPayloadException.malformed("feishu: im.message.receive_v1 without event.message or event.sender");
        }
        String messageId = Json.requireId(message, "message_id", "feishu: event.message.message_id");
        String chatId = Json.requireId(message, "chat_id", "feishu: event.message.chat_id");
        long created = Timestamps.millis(Json.longValue(message, "create_time"));
        JsonNode senderIds = Json.object(sender, "sender_id");
        String senderId = Json.firstNonNull(Json.text(senderIds, "open_id"), Json.text(senderIds, "user_id"), Json.text(senderIds, "union_id"));

        Map<String, Mention> byKey = new HashMap<>();
        for (JsonNode m : Json.array(message, "mentions", "feishu: event.message.mentions")) {
            JsonNode ids = Json.object(m, "id");
            String key = Json.text(m, "key");
            if (key != null) {
                byKey.put(key, new Mention(Json.firstNonNull(Json.text(ids, "open_id"), Json.text(ids, "user_id")), Json.text(m, "name")));
            }
        }
        String messageType = Json.text(message, "message_type");
        String rawContent = Json.text(message, "content");
        JsonNode content = null;
        if (rawContent != null) {
            try {
                content = Json.MAPPER.readTree(rawContent);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw MalformedPayloadException.malformed("feishu: event.message.content is not a JSON string: "
                        + Json.firstLine(e.getOriginalMessage()));
            }
        }
        String text = null;
        String kind;
        List<Attachment> attachments = new ArrayList<>();
        List<String> postMentions = null;
        switch (messageType == null ? "" : messageType) {
            case "text" -> {
                text = Json.text(content, "text");
                kind = MessageKind.TEXT;
            }
            case "image" -> {
                kind = MessageKind.IMAGE;
                attachments.add(new Attachment(kind, Json.text(content, "image_key"), null, null, null, null));
            }
            case "file" -> {
                kind = MessageKind.FILE;
                attachments.add(new Attachment(kind, Json.text(content, "file_key"), null, null, Json.text(content, "file_name"), null));
            }
            case "audio" -> {
                kind = MessageKind.AUDIO;
                attachments.add(new Attachment(kind, Json.text(content, "file_key"), null, null, null, null));
            }
            case "media" -> {
                kind = MessageKind.VIDEO;
                attachments.add(new Attachment(kind, Json.text(content, "file_key"), null, null, Json.text(content, "file_name"), null));
            }
            case "post" -> {
                // Rich text: its text runs, link texts and @s in order, as the user reads it; images become
                // attachments. The text is what the bot understands, so the kind is text.
                RichText rich = richText(content);
                text = rich.text();
                attachments.addAll(rich.images());
                kind = MessageKind.TEXT;
                postMentions = rich.mentionKeys();
            }
            case "interactive" -> {
                // A card someone sent or forwarded: its visible text, where it has any.
                text = cardText(content);
                kind = text == null ? MessageKind.OTHER : MessageKind.TEXT;
            }
            case "sticker" -> kind = MessageKind.STICKER;
            case "location" -> kind = MessageKind.LOCATION;
            default -> kind = MessageKind.OTHER;
        }
        // Mentions in order of appearance: the @_user_N placeholders as they occur in the text.
        List<Mention> mentions = new ArrayList<>();
        if (postMentions != null) {
            for (String key : postMentions) {
                Mention mention = byKey.get(key);
                if (mention != null) {
                    mentions.add(mention);
                }
            }
        } else if (text != null) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("@_user_\\d+|@_all").matcher(text);
            while (m.find()) {
                Mention mention = byKey.get(m.group());
                if (mention != null) {
                    mentions.add(mention);
                }
            }
        } else {
            mentions.addAll(byKey.values());
        }
        String thread = Json.nonEmptyText(message, "thread_id");
        String parent = Json.nonEmptyText(message, "parent_id");
        UnifiedMessage unified = new UnifiedMessage(
                Platforms.FEISHU,
                botId,
                messageId,
                chatId,
                "p2p".equals(Json.text(message, "chat_type")) ? ChatType.DIRECT : ChatType.GROUP,
                thread,
                parent,
                new Sender(senderId, null, !"user".equals(Json.text(sender, "sender_type"))),
                kind,
                text,
                mentions,
                attachments,
                created,
                // Feishu retries a delivery with the same event_id.
                Json.firstNonNull(Json.text(header, "event_id"), messageId));
        return new Normalized.Builder().message(unified, null, false).build();
    }

    /** What a rich-text ({@code post}) message says: its text, the {@code @_user_N} keys in order, its images. */
    record RichText(String text, List<String> mentionKeys, List<Attachment> images) {}

    /**
     * A {@code post} as received (https://open.feishu.cn/document/uAjLw4CM/ukTMukTMukTM/im-v1/message/events/message_content):
     * {@code {"title": ..., "content": [[{"tag": "text", "text": ...}, {"tag": "a", "text": ..., "href": ...},
     * {"tag": "at", "user_id": "@_user_1", "user_name": ...}], [{"tag": "img", "image_key": ...}]]}}, one inner
     * array per paragraph. The send format wraps the same in a language ({@code {"zh_cn": {...}}}); both are read.
     */
    static RichText richText(JsonNode content) {
        JsonNode post = content;
        if (post != null && !post.has("content") && post.isObject()) {
            for (JsonNode language : post) {
                if (language.has("content")) {
                    post = language;
                    break;
                }
            }
        }
        List<String> lines = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        List<Attachment> images = new ArrayList<>();
        String title = Json.nonEmptyText(post, "title");
        if (title != null) {
            lines.add(title.strip());
        }
        JsonNode paragraphs = post == null ? null : post.get("content");
        if (paragraphs != null && paragraphs.isArray()) {
            for (JsonNode paragraph : paragraphs) {
                StringBuilder line = new StringBuilder();
                for (JsonNode element : paragraph.isArray() ? paragraph : List.<JsonNode>of()) {
                    String tag = Json.text(element, "tag");
                    switch (tag == null ? "" : tag) {
                        case "text", "a", "md", "code_block" -> {
                            String t = Json.text(element, "text");
                            if (t != null) {
                                line.append(t);
                            }
                        }
                        case "at" -> {
                            String key = Json.text(element, "user_id");
                            String name = Json.nonEmptyText(element, "user_name");
                            if (key != null) {
                                keys.add(key);
                            }
                            line.append('@').append(name != null ? name : key != null ? key : "");
                        }
                        case "emotion" -> {
                            String emoji = Json.nonEmptyText(element, "emoji_type");
                            if (emoji != null) {
                                line.append('[').append(emoji).append(']');
                            }
                        }
                        case "img" -> images.add(new Attachment(MessageKind.IMAGE, Json.text(element, "image_key"),
                                null, null, null, null));
                        case "media" -> images.add(new Attachment(MessageKind.VIDEO, Json.text(element, "file_key"),
                                null, null, null, null));
                        default -> { } // hr, unknown elements: nothing to read
                    }
                }
                if (!line.toString().isBlank()) {
                    lines.add(line.toString().strip());
                }
            }
        }
        String text = String.join("\n", lines);
        return new RichText(text.isEmpty() ? null : text, keys, images);
    }

    /**
     * The visible text of a card: its title and the texts of its elements in document order. Received cards
     * come as {@code {"title": ..., "elements": [[{"tag": "text", "text": ...}, ...]]}}; a card in the send
     * schema has {@code header.title.content} and elements with {@code text.content}. Keys that are not
     * shown to a reader (urls, image keys, ids, values of buttons) are skipped.
     */
    static String cardText(JsonNode card) {
        List<String> parts = new ArrayList<>();
        collectVisible(card, null, parts, 0);
        String text = String.join("\n", parts).strip();
        return text.isEmpty() ? null : text;
    }

    private static void collectVisible(JsonNode node, String key, List<String> parts, int depth) {
        if (node == null || depth > 32) {
            return;
        }
        if (node.isTextual()) {
            if (("text".equals(key) || "content".equals(key) || "title".equals(key)) && !node.asText().isBlank()) {
                parts.add(node.asText().strip());
            }
        } else if (node.isArray()) {
            for (JsonNode child : node) {
                collectVisible(child, key, parts, depth + 1);
            }
        } else if (node.isObject()) {
            for (var it = node.fields(); it.hasNext(); ) {
                var field = it.next();
                if (!java.util.Set.of("href", "url", "image_key", "img_key", "file_key", "user_id", "value",
                        "tag", "action", "behaviors", "multi_url", "i18n").contains(field.getKey())) {
                    collectVisible(field.getValue(), field.getKey(), parts, depth + 1);
                }
            }
        }
    }

    /** Decrypts a Feishu {@code encrypt} value: base64(IV ‖ AES-256-CBC(PKCS#7)), key = SHA-256(encrypt key). */
    public static byte[] decrypt(String encrypted, String encryptKey) throws MalformedPayloadException {
        if (encrypted == null || encrypted.isEmpty()) {
            throw MalformedPayloadException.malformed("feishu: encrypt is empty");
        }
        byte[] data;
        try {
            data = Base64.getDecoder().decode(encrypted);
        } catch (IllegalArgumentException e) {
            throw MalformedPayloadException.malformed("feishu: encrypt is not base64");
        }
        if (data.length < 32 || data.length % 16 != 0) {
            throw MalformedPayloadException.malformed("feishu: encrypt has " + data.length + " bytes, not IV + whole AES blocks");
        }
        try {
            byte[] key = MessageDigest.getInstance("SHA-256").digest(encryptKey.getBytes(StandardCharsets.UTF_8));
            Cipher cipher = Cipher.getInstance("AES/CBC/PKCS5Padding");
            cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(data, 0, 16));
            return cipher.doFinal(data, 16, data.length - 16);
        } catch (GeneralSecurityException e) {
            throw MalformedPayloadException.malformed("feishu: cannot decrypt with the configured encrypt-key (" + e.getMessage() + ")");
        }
    }

}
