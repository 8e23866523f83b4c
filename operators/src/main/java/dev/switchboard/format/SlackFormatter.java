package dev.switchboard.format;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.markup.Flavor;
import dev.switchboard.markup.MarkupSplitter;
import dev.switchboard.model.Platforms;

import java.util.ArrayList;
import java.util.List;

/**
 * Web API {@code chat.postMessage} (https://docs.slack.dev/reference/methods/chat.postMessage). Slack
 * has no quoting: an answer in a channel goes into the thread of the message answered (or the thread
 * it was written in); in a direct-message channel (id {@code D...}) it stays in the main conversation
 * unless the user wrote in a thread.
 */
public final class SlackFormatter implements Formatter {
    /** Slack truncates text over 40,000 characters and asks apps to stay within 4,000. */
    public static final int MAX_TEXT = 4000;

    @Override
    public String platform() {
        return Platforms.SLACK;
    }

    @Override
    public int maxTextLength() {
        return MAX_TEXT;
    }

    @Override
    public List<PlatformRequest> format(Reply reply) {
        Bodies.require(reply, "slack");
        String threadTs = reply.threadId();
        if (threadTs == null && reply.replyToMessageId() != null && !reply.chatId().startsWith("D")) {
            threadTs = reply.replyToMessageId();
        }
        List<PlatformRequest> out = new ArrayList<>();
        for (String part : MarkupSplitter.split(reply.text(), Flavor.SLACK_MRKDWN, MAX_TEXT)) {
            ObjectNode body = Bodies.object();
            body.put("channel", reply.chatId());
            body.put("text", part);
            if (threadTs != null) {
                body.put("thread_ts", threadTs);
            }
            out.add(new PlatformRequest("chat.postMessage", Bodies.write(body)));
        }
        return out;
    }

}
