package dev.switchboard.format;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.Platforms;

import java.util.List;

/**
 * The web channel: one message to the user's page, {@code {"to", "text", "replyTo"}}, the text in the common reply
 * markup (bold, italic, code, links, lists), which the page renders as elements, never as HTML. Not split: a page
 * has no length limit worth splitting for. Endpoint {@code messages}; the gateway, not the delivery job, pushes it.
 */
public final class WebFormatter implements Formatter {

    @Override
    public String platform() {
        return Platforms.WEB;
    }

    /** Far above any reply; a web message is never split. */
    public static final int MAX_TEXT = 100_000;

    @Override
    public int maxTextLength() {
        return MAX_TEXT;
    }

    @Override
    public List<PlatformRequest> format(Reply reply) {
        Bodies.require(reply, "web");
        ObjectNode body = Bodies.object();
        body.put("to", reply.chatId());
        body.put("text", reply.text().strip());
        if (reply.replyToMessageId() != null) {
            body.put("replyTo", reply.replyToMessageId());
        }
        return List.of(new PlatformRequest("messages", Bodies.write(body)));
    }
}
