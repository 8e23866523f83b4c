package dev.switchboard.format;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.markup.Flavor;
import dev.switchboard.markup.MarkupSplitter;
import dev.switchboard.model.Platforms;

import java.util.ArrayList;
import java.util.List;

/**
 * Feishu/Lark messages (https://open.feishu.cn/document/server-docs/im-v1/message/reply and .../create):
 * a reply to the message answered ({@code im/v1/messages/{message_id}/reply}, in its thread when it was
 * in one), else a new message to the chat ({@code im/v1/messages?receive_id_type=chat_id}). The
 * {@code content} is a JSON string inside the JSON body.
 */
public final class FeishuFormatter implements Formatter {
    /** Text content may reach 150 KB per request; parts stay well below it in any script. */
    public static final int MAX_TEXT = 30_000;

    @Override
    public String platform() {
        return Platforms.FEISHU;
    }

    @Override
    public int maxTextLength() {
        return MAX_TEXT;
    }

    @Override
    public List<PlatformRequest> format(Reply reply) {
        Bodies.require(reply, "feishu");
        List<PlatformRequest> out = new ArrayList<>();
        for (String part : MarkupSplitter.split(reply.text(), Flavor.PLAIN, MAX_TEXT)) {
            ObjectNode content = Bodies.object();
            content.put("text", part);
            ObjectNode body = Bodies.object();
            String endpoint;
            if (reply.replyToMessageId() != null) {
                endpoint = "im/v1/messages/" + reply.replyToMessageId() + "/reply";
                if (reply.threadId() != null) {
                    body.put("reply_in_thread", true);
                }
            } else {
                endpoint = "im/v1/messages?receive_id_type=chat_id";
                body.put("receive_id", reply.chatId());
            }
            body.put("msg_type", "text");
            body.put("content", Bodies.write(content));
            out.add(new PlatformRequest(endpoint, Bodies.write(body)));
        }
        return out;
    }
}
