package dev.switchboard.format;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.markup.Flavor;
import dev.switchboard.markup.Markup;
import dev.switchboard.markup.MarkupSplitter;
import dev.switchboard.model.Platforms;

import java.util.ArrayList;
import java.util.List;

/**
 * WeCom application message (https://developer.work.weixin.qq.com/document/path/90236),
 * {@code cgi-bin/message/send}: text to the user from the application ({@code agentid}, the callback's
 * AgentID). Text is limited to 2048 bytes of UTF-8, so long replies are split by bytes.
 */
public final class WeComFormatter implements Formatter {
    public static final int MAX_BYTES = 2048;
    /** Markdown messages may carry 4096 bytes. */
    public static final int MAX_MARKDOWN_BYTES = 4096;

    @Override
    public String platform() {
        return Platforms.WECOM;
    }

    /** In UTF-16 units this is only an upper bound; parts are cut by UTF-8 bytes. */
    @Override
    public int maxTextLength() {
        return MAX_BYTES;
    }

    @Override
    public List<PlatformRequest> format(Reply reply) {
        Bodies.require(reply, "wecom");
        List<Markup.Block> blocks = Markup.parse(reply.text().strip());
        boolean markdown = Markup.hasMarkup(blocks);
        List<PlatformRequest> out = new ArrayList<>();
        for (String part : markdown ? MarkupSplitter.splitUtf8(blocks, Flavor.MARKDOWN_SUBSET, MAX_MARKDOWN_BYTES)
                : MarkupSplitter.splitUtf8(blocks, Flavor.PLAIN, MAX_BYTES)) {
            ObjectNode body = Bodies.object();
            body.put("touser", reply.chatId());
            body.put("msgtype", markdown ? "markdown" : "text");
            if (reply.accountId() != null) {
                Bodies.putId(body, "agentid", reply.accountId());
            }
            body.putObject(markdown ? "markdown" : "text").put("content", part);
            body.put("safe", 0);
            out.add(new PlatformRequest("cgi-bin/message/send", Bodies.write(body)));
        }
        return out;
    }
}
