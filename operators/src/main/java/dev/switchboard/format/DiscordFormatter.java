package dev.switchboard.format;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.markup.Flavor;
import dev.switchboard.markup.MarkupSplitter;
import dev.switchboard.model.Platforms;

import java.util.ArrayList;
import java.util.List;

/**
 * Create Message (https://discord.com/developers/docs/resources/message#create-message),
 * {@code POST /channels/{channel.id}/messages}: the first part replies to the message answered with
 * {@code message_reference}; {@code allowed_mentions} is empty so that nothing in a reply pings anyone.
 */
public final class DiscordFormatter implements Formatter {
    /** content: "Message contents (up to 2000 characters)". */
    public static final int MAX_TEXT = 2000;

    @Override
    public String platform() {
        return Platforms.DISCORD;
    }

    @Override
    public int maxTextLength() {
        return MAX_TEXT;
    }

    @Override
    public List<PlatformRequest> format(Reply reply) {
        Bodies.require(reply, "discord");
        List<PlatformRequest> out = new ArrayList<>();
        List<String> parts = MarkupSplitter.split(reply.text(), Flavor.DISCORD_MARKDOWN, MAX_TEXT);
        for (int i = 0; i < parts.size(); i++) {
            ObjectNode body = Bodies.object();
            body.put("content", parts.get(i));
            if (i == 0 && reply.replyToMessageId() != null) {
                body.putObject("message_reference")
                        .put("message_id", reply.replyToMessageId())
                        .put("fail_if_not_exists", false);
            }
            body.putObject("allowed_mentions").putArray("parse");
            out.add(new PlatformRequest("channels/" + reply.chatId() + "/messages", Bodies.write(body)));
        }
        return out;
    }
}
