package dev.switchboard.format;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.markup.Flavor;
import dev.switchboard.markup.MarkupSplitter;
import dev.switchboard.model.Platforms;

import java.util.ArrayList;
import java.util.List;

/**
 * Reply or push message (https://developers.line.biz/en/reference/messaging-api/#send-reply-message):
 * with the event's {@code replyToken} the free reply API ({@code v2/bot/message/reply}, up to five
 * messages per request, token valid for a short time), else the push API ({@code v2/bot/message/push}
 * to the chat). Long replies become several text messages in one request.
 */
public final class LineFormatter implements Formatter {
    /** Text message: "Max character limit: 5000". */
    public static final int MAX_TEXT = 5000;
    /** "Max: 5" message objects per request. */
    public static final int MAX_MESSAGES = 5;

    @Override
    public String platform() {
        return Platforms.LINE;
    }

    @Override
    public int maxTextLength() {
        return MAX_TEXT;
    }

    @Override
    public List<PlatformRequest> format(Reply reply) {
        Bodies.require(reply, "line");
        List<String> parts = MarkupSplitter.split(reply.text(), Flavor.PLAIN, MAX_TEXT);
        List<PlatformRequest> out = new ArrayList<>();
        for (int start = 0; start < parts.size(); start += MAX_MESSAGES) {
            ObjectNode body = Bodies.object();
            // A reply token is good for one request; further requests are pushed.
            boolean useReply = start == 0 && reply.replyToken() != null;
            if (useReply) {
                body.put("replyToken", reply.replyToken());
            } else {
                body.put("to", reply.chatId());
            }
            ArrayNode messages = body.putArray("messages");
            for (int i = start; i < Math.min(parts.size(), start + MAX_MESSAGES); i++) {
                messages.addObject().put("type", "text").put("text", parts.get(i));
            }
            out.add(new PlatformRequest(useReply ? "v2/bot/message/reply" : "v2/bot/message/push", Bodies.write(body)));
        }
        return out;
    }
}
