package dev.switchboard.format;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.markup.Flavor;
import dev.switchboard.markup.Markup;
import dev.switchboard.markup.MarkupSplitter;
import dev.switchboard.model.Platforms;

import java.util.ArrayList;
import java.util.List;

/**
 * DingTalk robot messages through the open API, which needs only the app's access token (no
 * per-conversation session URL): group chats ({@code cid...} conversation ids) to
 * {@code v1.0/robot/groupMessages/send}, one-on-one chats to {@code v1.0/robot/oToMessages/batchSend},
 * with {@code msgKey} {@code sampleText} and the text in {@code msgParam} (a JSON string). The robot's
 * {@code robotCode} comes from the inbound callback (the reply's account id). A one-on-one reply names the
 * user ({@code userIds}: the reply's recipient, the sender's staff id), not the conversation; a reply without
 * a recipient goes to the group conversation, or, when its chat id is not a conversation id ({@code cid...}),
 * to that user.
 */
public final class DingTalkFormatter implements Formatter {
    /** Text messages are cut at 5,000 characters by the clients; stay within it. */
    public static final int MAX_TEXT = 5000;

    @Override
    public String platform() {
        return Platforms.DINGTALK;
    }

    @Override
    public int maxTextLength() {
        return MAX_TEXT;
    }

    @Override
    public List<PlatformRequest> format(Reply reply) {
        Bodies.require(reply, "dingtalk");
        String user = reply.recipientId() != null ? reply.recipientId()
                : reply.chatId().startsWith("cid") ? null : reply.chatId();
        boolean group = user == null;
        List<Markup.Block> blocks = Markup.parse(reply.text().strip());
        boolean markdown = Markup.hasMarkup(blocks);
        List<PlatformRequest> out = new ArrayList<>();
        for (String part : MarkupSplitter.split(blocks, markdown ? Flavor.MARKDOWN_SUBSET : Flavor.PLAIN, MAX_TEXT)) {
            ObjectNode param = Bodies.object();
            if (markdown) {
                // sampleMarkdown: the title is what notifications show.
                String title = Markup.plain(Markup.parse(part)).strip();
                param.put("title", title.length() > 20 ? title.substring(0, 20) : title);
                param.put("text", part);
            } else {
                param.put("content", part);
            }
            ObjectNode body = Bodies.object();
            if (reply.accountId() != null) {
                body.put("robotCode", reply.accountId());
            }
            if (group) {
                body.put("openConversationId", reply.chatId());
            } else {
                body.putArray("userIds").add(user);
            }
            body.put("msgKey", markdown ? "sampleMarkdown" : "sampleText");
            body.put("msgParam", Bodies.write(param));
            out.add(new PlatformRequest(group ? "v1.0/robot/groupMessages/send" : "v1.0/robot/oToMessages/batchSend",
                    Bodies.write(body)));
        }
        return out;
    }
}
