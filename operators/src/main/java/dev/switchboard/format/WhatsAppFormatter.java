package dev.switchboard.format;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.markup.Flavor;
import dev.switchboard.markup.MarkupSplitter;
import dev.switchboard.model.Platforms;

import java.util.ArrayList;
import java.util.List;

/**
 * Cloud API send message, text type
 * (https://developers.facebook.com/docs/whatsapp/cloud-api/reference/messages), posted to
 * {@code /<phone_number_id>/messages} (the Graph API version prefix is the delivery service's choice).
 * The first part quotes the message answered with {@code context.message_id}.
 */
public final class WhatsAppFormatter implements Formatter {
    /** text.body: "Maximum 4096 characters". */
    public static final int MAX_TEXT = 4096;

    @Override
    public String platform() {
        return Platforms.WHATSAPP;
    }

    @Override
    public int maxTextLength() {
        return MAX_TEXT;
    }

    @Override
    public List<PlatformRequest> format(Reply reply) {
        Bodies.require(reply, "whatsapp");
        String endpoint = reply.accountId() == null ? "messages" : reply.accountId() + "/messages";
        List<PlatformRequest> out = new ArrayList<>();
        List<String> parts = MarkupSplitter.split(reply.text(), Flavor.WHATSAPP, MAX_TEXT);
        for (int i = 0; i < parts.size(); i++) {
            ObjectNode body = Bodies.object();
            body.put("messaging_product", "whatsapp");
            body.put("recipient_type", "individual");
            body.put("to", reply.chatId());
            if (i == 0 && reply.replyToMessageId() != null) {
                body.putObject("context").put("message_id", reply.replyToMessageId());
            }
            body.put("type", "text");
            body.putObject("text").put("preview_url", false).put("body", parts.get(i));
            out.add(new PlatformRequest(endpoint, Bodies.write(body)));
        }
        return out;
    }
}
