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
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Slack Events API payloads (https://docs.slack.dev/apis/events-api): {@code event_callback} envelopes
 * with {@code message} and {@code app_mention} events, as posted to a Request URL, or wrapped in a
 * Socket Mode {@code events_api} envelope.
 */
public final class SlackNormalizer implements Normalizer {

    /** {@code <@U123ABC>} or {@code <@U123ABC|name>} in message text. */
    private static final Pattern USER_MENTION = Pattern.compile("<@([UW][A-Z0-9]+)(?:\\|([^>]*))?>");

    /** Message subtypes that are someone writing to the channel; every other subtype is a system event. */
    private static final Set<String> CHAT_SUBTYPES = Set.of("file_share", "thread_broadcast", "me_message");

    @Override
    public String platform() {
        return Platforms.SLACK;
    }

    @Override
    public Normalized normalize(byte[] payload, String botId) throws MalformedPayloadException {
        JsonNode root = Json.readObject(payload, "slack");
        String type = Json.text(root, "type");
        if ("events_api".equals(type) && Json.object(root, "payload") != null) {
            root = root.get("payload");
            type = Json.text(root, "type");
        }
        if (type == null) {
            throw MalformedPayloadException.unknown("slack: not an Events API payload (type is missing)");
        }
        if (!"event_callback".equals(type)) {
            // url_verification, app_rate_limited, Socket Mode hello/disconnect, interactivity, ...
            return Normalized.ignored("slack: " + type + " callback is not a chat message");
        }
        JsonNode event = Json.object(root, "event");
        if (event == null) {
            throw MalformedPayloadException.malformed("slack: event_callback without an event object");
        }
        String eventType = Json.text(event, "type");
        if (!"message".equals(eventType) && !"app_mention".equals(eventType)) {
            return Normalized.ignored("slack: " + (eventType == null ? "untyped" : eventType) + " event is not a chat message");
        }
        String channel = Json.id(event, "channel");
        if (channel == null) {
            throw MalformedPayloadException.malformed("slack: event.channel is missing");
        }

        String subtype = Json.text(event, "subtype");
        boolean edit = false;
        JsonNode msg = event;
        if ("message_changed".equals(subtype)) {
            msg = Json.object(event, "message");
            if (msg == null) {
                throw MalformedPayloadException.malformed("slack: message_changed event without event.message");
            }
            edit = true;
            subtype = Json.text(msg, "subtype");
        } else if (subtype != null && !CHAT_SUBTYPES.contains(subtype)) {
            return Normalized.ignored("slack: message subtype " + subtype + " is not a chat message");
        }
        // Bots (including this one: every reply it posts comes back as a message event) never get answers.
        if ("bot_message".equals(subtype) || Json.id(msg, "bot_id") != null || Json.object(msg, "bot_profile") != null) {
            return Normalized.ignored("slack: message from a bot");
        }
        String user = Json.id(msg, "user");
        if (user == null) {
            throw MalformedPayloadException.malformed("slack: message without a user");
        }
        // ts is the message's id as well as its time: without it there is nothing to reply to or deduplicate.
        String ts = Json.nonEmptyText(msg, "ts");
        if (ts == null) {
            throw MalformedPayloadException.malformed("slack: message ts is missing");
        }
        long millis = Timestamps.slackTsToMillis(ts);
        String threadTs = Json.nonEmptyText(msg, "thread_ts");
        if (threadTs == null) {
            threadTs = Json.nonEmptyText(event, "thread_ts");
        }

        String text = Json.nonEmptyText(msg, "text");
        List<Mention> mentions = new ArrayList<>();
        if (text != null) {
            Matcher m = USER_MENTION.matcher(text);
            while (m.find()) {
                String label = m.group(2);
                mentions.add(new Mention(m.group(1), label == null || label.isEmpty() ? null : label));
            }
        }
        List<Attachment> attachments = new ArrayList<>();
        for (JsonNode file : Json.array(msg, "files", "slack: message.files")) {
            String mime = Json.text(file, "mimetype");
            attachments.add(new Attachment(kindOfMime(mime), Json.id(file, "id"), Json.text(file, "url_private"),
                    mime, Json.text(file, "name"), Json.longValue(file, "size")));
        }
        // Slash commands reach apps through their own endpoint, never as message events.
        String kind = attachments.isEmpty() ? MessageKind.TEXT : attachments.get(0).type();
        if (text == null && attachments.isEmpty()) {
            kind = MessageKind.OTHER;
        }

        JsonNode profile = Json.object(msg, "user_profile");
        String name = profile == null ? null
                : Json.firstNonNull(Json.nonEmptyText(profile, "display_name"), Json.nonEmptyText(profile, "real_name"),
                        Json.nonEmptyText(profile, "name"));

        UnifiedMessage unified = new UnifiedMessage(
                Platforms.SLACK,
                botId,
                ts,
                channel,
                chatType(Json.text(event, "channel_type"), channel),
                threadTs,
                threadTs != null && !threadTs.equals(ts) ? threadTs : null,
                new Sender(user, name, false),
                kind,
                text,
                mentions,
                attachments,
                millis,
                // An app subscribed to both message.* and app_mention gets two events (two event_ids)
                // for one message, and Slack's retries repeat the event: channel + ts names the message
                // in both cases. An edit is its own event, named by its event_ts.
                edit ? "edit:" + channel + ":" + Json.firstNonNull(Json.text(event, "event_ts"), Json.text(event, "ts"), ts)
                        : channel + ":" + ts);
        return new Normalized.Builder().message(unified, null, null, edit, "app_mention".equals(eventType),
                Json.id(msg, "parent_user_id")).build();
    }

    private static String chatType(String channelType, String channel) {
        if (channelType != null) {
            return "im".equals(channelType) ? ChatType.DIRECT : ChatType.GROUP;
        }
        // app_mention events carry no channel_type; direct-message channel ids start with D.
        return channel.startsWith("D") ? ChatType.DIRECT : ChatType.GROUP;
    }

    static String kindOfMime(String mime) {
        if (mime == null) {
            return MessageKind.FILE;
        }
        if (mime.startsWith("image/")) {
            return MessageKind.IMAGE;
        }
        if (mime.startsWith("audio/")) {
            return MessageKind.AUDIO;
        }
        if (mime.startsWith("video/")) {
            return MessageKind.VIDEO;
        }
        return MessageKind.FILE;
    }

}
