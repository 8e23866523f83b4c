package dev.switchboard.normalize;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.model.ChatType;
import dev.switchboard.model.Json;
import dev.switchboard.model.MalformedPayloadException;
import dev.switchboard.model.MessageKind;
import dev.switchboard.model.Platforms;
import dev.switchboard.model.Sender;
import dev.switchboard.model.UnifiedMessage;

import java.util.List;
import java.util.Map;

/**
 * The web channel: the JSON a page posts to the gateway ({@code {"id", "text", "replyTo", "locale"}}), with the user
 * the gateway verified in the JWT passed as the header {@value #USER_HEADER} (and {@value #NAME_HEADER}, the token's
 * {@code name}, when it has one). The user is never read from the body, which the browser controls. Every web
 * conversation is the user's own direct chat with the bot; the client's message id makes a retried post a
 * redelivery.
 */
public final class WebNormalizer implements Normalizer {
    public static final String USER_HEADER = "web-user";
    public static final String NAME_HEADER = "web-user-name";

    @Override
    public String platform() {
        return Platforms.WEB;
    }

    @Override
    public Normalized normalize(byte[] payload, String botId) throws MalformedPayloadException {
        return normalize(payload, botId, Map.of());
    }

    @Override
    public Normalized normalize(byte[] payload, String botId, Map<String, String> headers) throws MalformedPayloadException {
        JsonNode root = Json.readObject(payload, "web");
        String user = headers == null ? null : headers.get(USER_HEADER);
        if (user == null || user.isBlank()) {
            throw MalformedPayloadException.malformed("web: no verified user (header " + USER_HEADER
                    + ", set by the gateway from the JWT's sub)");
        }
        String id = Json.requireId(root, "id", "web: id");
        String text = Json.nonEmptyText(root, "text");
        if (text == null || text.isBlank()) {
            throw MalformedPayloadException.malformed("web: text is missing or empty");
        }
        UnifiedMessage message = new UnifiedMessage(Platforms.WEB, botId, id, user, ChatType.DIRECT, null,
                Json.nonEmptyText(root, "replyTo"), new Sender(user, headers.get(NAME_HEADER), false), MessageKind.TEXT,
                text.strip(), List.of(), List.of(), UnifiedMessage.NO_TIMESTAMP, id);
        return new Normalized.Builder().message(message, null, false).build();
    }
}
