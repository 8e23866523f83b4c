package dev.switchboard.format;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.markup.Flavor;
import dev.switchboard.markup.MarkupSplitter;
import dev.switchboard.model.Platforms;

import java.util.ArrayList;
import java.util.List;

/**
 * WeChat Official Account replies. The outbound record is the customer-service message
 * (https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Service_Center_messages.html),
 * {@code cgi-bin/message/custom/send}, which an asynchronous pipeline can send within 48 hours of the
 * user's message. The passive reply XML (only valid as the HTTP answer within 5 s of the push) is
 * {@link #passiveReplyXml}, for an ingress that answers synchronously.
 */
public final class WeChatFormatter implements Formatter {
    public static final int MAX_BYTES = 2048;

    @Override
    public String platform() {
        return Platforms.WECHAT;
    }

    @Override
    public int maxTextLength() {
        return MAX_BYTES;
    }

    @Override
    public List<PlatformRequest> format(Reply reply) {
        Bodies.require(reply, "wechat");
        List<PlatformRequest> out = new ArrayList<>();
        for (String part : MarkupSplitter.splitUtf8(reply.text(), Flavor.PLAIN, MAX_BYTES)) {
            ObjectNode body = Bodies.object();
            body.put("touser", reply.chatId());
            body.put("msgtype", "text");
            body.putObject("text").put("content", part);
            out.add(new PlatformRequest("cgi-bin/message/custom/send", Bodies.write(body)));
        }
        return out;
    }

    /**
     * The passive text reply: to the user ({@code chatId}) from the account ({@code accountId}, the
     * push's ToUserName), CDATA-quoted so that any text is safe.
     */
    public static String passiveReplyXml(Reply reply, long createTimeSeconds) {
        Bodies.require(reply, "wechat");
        return "<xml><ToUserName>" + cdata(reply.chatId()) + "</ToUserName><FromUserName>"
                + cdata(reply.accountId() == null ? "" : reply.accountId()) + "</FromUserName><CreateTime>"
                + createTimeSeconds + "</CreateTime><MsgType><![CDATA[text]]></MsgType><Content>"
                + cdata(reply.text()) + "</Content></xml>";
    }

    /** A CDATA section; "]]>" inside the text is split across two sections. */
    static String cdata(String text) {
        return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>";
    }
}
