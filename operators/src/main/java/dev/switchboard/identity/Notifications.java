package dev.switchboard.identity;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.model.ChatType;
import dev.switchboard.model.Control;
import dev.switchboard.model.InboundMessage;
import dev.switchboard.model.Json;
import dev.switchboard.model.MalformedPayloadException;
import dev.switchboard.model.MessageKind;
import dev.switchboard.model.Platforms;
import dev.switchboard.model.Sender;
import dev.switchboard.model.UnifiedMessage;

/**
 * Reads a record of {@code chat.notify}: a company's own systems telling a person something ("your order 48213
 * shipped"), to be delivered where that person was last seen.
 *
 * <pre>{"id": "n-1", "botId": "support", "to": {"platform": "telegram", "userId": "555"}, "text": "…", "priority": "normal"}</pre>
 *
 * <p>{@code to} is an account ({@code platform} and {@code userId}) or a linked person ({@code {"person": "p-…"}});
 * {@code botId} may be left to the record's {@code bot-id} header or the job's default bot; {@code priority} is
 * {@code normal} (default) or {@code urgent}; {@code text} is in the common markup.
 *
 * <p>Until the identity step routes it, the notification is a message of kind {@link MessageKind#NOTIFICATION}
 * whose sender is the addressee: the account's platform and user id, or no platform and the person id.
 */
public final class Notifications {
    /** Dead-letter class of a notification that cannot be read. */
    public static final String MALFORMED = "malformed-notify";
    /** Longest notification text accepted. */
    public static final int MAX_TEXT = 4096;

    private Notifications() {}

    /**
     * @param headerBotId the record's {@code bot-id} header, or null
     * @param receivedAt when the record arrived (the notification's time)
     */
    public static InboundMessage parse(byte[] value, String headerBotId, String defaultBotId, long receivedAt)
            throws MalformedPayloadException {
        JsonNode root;
        try {
            root = Json.readObject(value, "notify");
        } catch (MalformedPayloadException e) {
            throw new MalformedPayloadException(MALFORMED, e.getMessage());
        }
        String id = Json.id(root, "id");
        if (id == null) {
            throw malformed("\"id\" is missing (the notification's own id; replies carry an idempotency key derived from it)");
        }
        String botId = first(Json.nonEmptyText(root, "botId"), headerBotId, defaultBotId);
        String text = Json.nonEmptyText(root, "text");
        if (text == null || text.isBlank()) {
            throw malformed("\"text\" is missing or empty");
        }
        if (text.length() > MAX_TEXT) {
            throw malformed("\"text\" has " + text.length() + " characters; at most " + MAX_TEXT);
        }
        String priority = Json.text(root, "priority");
        if (priority == null) {
            priority = "normal";
        } else if (!priority.equals("normal") && !priority.equals("urgent")) {
            throw malformed("\"priority\" must be \"normal\" or \"urgent\", was \"" + priority + "\"");
        }
        JsonNode to = root.get("to");
        if (to == null || !to.isObject()) {
            throw malformed("\"to\" is missing: {\"platform\": …, \"userId\": …} or {\"person\": …}");
        }
        String person = Json.id(to, "person");
        String platform = Json.nonEmptyText(to, "platform");
        String userId = Json.id(to, "userId");
        if (person == null) {
            if (platform == null || userId == null) {
                throw malformed("\"to\" needs \"platform\" and \"userId\", or \"person\"");
            }
            if (!Platforms.SUPPORTED.contains(platform)) {
                throw malformed("\"to.platform\" \"" + platform + "\" is none of " + Platforms.SUPPORTED);
            }
        } else if (platform != null || userId != null) {
            throw malformed("\"to\" has \"person\" and an account: give one of them");
        }
        UnifiedMessage message = new UnifiedMessage(person == null ? platform : null, botId, id, null, ChatType.DIRECT,
                null, null, new Sender(person == null ? userId : person, null, false), MessageKind.NOTIFICATION, text,
                null, null, receivedAt, "notify:" + id);
        return new InboundMessage(message, "notify:" + botId + ":" + id, null, null, receivedAt,
                new Control(Control.NOTIFY, null, priority.equals("urgent")));
    }

    /** The person a notification is addressed to, or null when it names an account. */
    public static String person(InboundMessage notification) {
        return notification.message().platform() == null ? notification.message().sender().id() : null;
    }

    /** The notification again as JSON, for its dead letter. */
    public static byte[] toJson(InboundMessage notification) {
        UnifiedMessage m = notification.message();
        var node = Json.MAPPER.createObjectNode();
        node.put("id", m.messageId());
        node.put("botId", m.botId());
        var to = node.putObject("to");
        if (m.platform() == null) {
            to.put("person", m.sender().id());
        } else {
            to.put("platform", m.platform());
            to.put("userId", m.sender().id());
        }
        node.put("text", m.text());
        node.put("priority", notification.control() != null && notification.control().urgent() ? "urgent" : "normal");
        try {
            return Json.MAPPER.writeValueAsBytes(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static MalformedPayloadException malformed(String reason) {
        return new MalformedPayloadException(MALFORMED, "notify: " + reason);
    }

    private static String first(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v.trim();
            }
        }
        return null;
    }
}
