package dev.switchboard.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.model.Json;
import dev.switchboard.model.MalformedPayloadException;
import dev.switchboard.model.Platforms;
import dev.switchboard.normalize.Xml;


/**
 * The conversation a webhook belongs to, where the payload names it in a plain field: the Kafka key, so one
 * conversation's records stay in one partition and in order. Null when it cannot be read cheaply (encrypted
 * bodies, several conversations in one delivery): the record then goes without a key.
 */
final class ConversationKeys {
    private ConversationKeys() {}

    /** The key of a webhook: from its already-parsed JSON, or its XML for the WeChat family. */
    static String of(WebhookRequest r) {
        String platform = r.platform();
        if (Platforms.WECOM.equals(platform) || Platforms.WECHAT.equals(platform)) {
            try {
                return Xml.flat(r.body(), platform).get("FromUserName");
            } catch (MalformedPayloadException | RuntimeException e) {
                return null;
            }
        }
        JsonNode json = r.json();
        return json == null ? null : of(platform, json);
    }

    /** The key of a JSON payload of {@code platform}, or null. */
    static String of(String platform, JsonNode root) {
        return switch (platform) {
            case Platforms.TELEGRAM -> telegram(root);
            case Platforms.SLACK -> text(root.path("event").path("channel"));
            case Platforms.WHATSAPP -> whatsapp(root);
            case Platforms.LINE -> line(root);
            case Platforms.DISCORD -> text(root.path("channel_id"));
            case Platforms.FEISHU -> text(root.path("event").path("message").path("chat_id"));
            case Platforms.DINGTALK -> text(root.path("conversationId"));
            default -> null;
        };
    }

    private static String telegram(JsonNode update) {
        for (String kind : new String[] {"message", "edited_message", "channel_post", "edited_channel_post",
                "business_message", "edited_business_message"}) {
            JsonNode chat = update.path(kind).path("chat").path("id");
            if (!chat.isMissingNode()) {
                return Json.id(chat);
            }
        }
        return null;
    }

    private static String whatsapp(JsonNode root) {
        JsonNode entries = root.path("entry");
        if (entries.size() != 1 || entries.get(0).path("changes").size() != 1) {
            return null;
        }
        JsonNode value = entries.get(0).path("changes").get(0).path("value");
        JsonNode messages = value.path("messages");
        return messages.size() == 1 ? text(messages.get(0).path("from")) : null;
    }

    private static String line(JsonNode root) {
        JsonNode events = root.path("events");
        if (events.size() != 1) {
            return null;
        }
        JsonNode source = events.get(0).path("source");
        for (String id : new String[] {"groupId", "roomId", "userId"}) {
            if (source.hasNonNull(id)) {
                return source.get(id).asText();
            }
        }
        return null;
    }

    private static String text(JsonNode node) {
        return node == null || node.isMissingNode() || node.isNull() ? null : Json.id(node);
    }
}
