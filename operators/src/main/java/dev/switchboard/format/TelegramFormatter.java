package dev.switchboard.format;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.markup.Flavor;
import dev.switchboard.markup.MarkupSplitter;
import dev.switchboard.model.Platforms;

import java.util.ArrayList;
import java.util.List;

/**
 * Bot API {@code sendMessage} (https://core.telegram.org/bots/api#sendmessage): the reply's markup as
 * Telegram HTML ({@code parse_mode: HTML}; only {@code & < >} need escaping), into the same forum topic,
 * quoting the message answered with {@code reply_parameters}.
 */
public final class TelegramFormatter implements Formatter {
    /** sendMessage: "Text of the message to be sent, 1-4096 characters after entities parsing". */
    public static final int MAX_TEXT = 4096;

    @Override
    public String platform() {
        return Platforms.TELEGRAM;
    }

    @Override
    public int maxTextLength() {
        return MAX_TEXT;
    }

    @Override
    public List<PlatformRequest> format(Reply reply) {
        Bodies.require(reply, "telegram");
        List<PlatformRequest> out = new ArrayList<>();
        List<String> parts = MarkupSplitter.split(reply.text(), Flavor.TELEGRAM_HTML, MAX_TEXT);
        for (int i = 0; i < parts.size(); i++) {
            ObjectNode body = Bodies.object();
            Bodies.putId(body, "chat_id", reply.chatId());
            Long thread = Bodies.asLong(reply.threadId());
            if (thread != null) {
                body.put("message_thread_id", thread);
            }
            body.put("text", parts.get(i));
            body.put("parse_mode", "HTML");
            Long replyTo = Bodies.asLong(reply.replyToMessageId());
            if (i == 0 && replyTo != null) {
                // Still send if the user deleted the message in the meantime.
                body.putObject("reply_parameters")
                        .put("message_id", replyTo)
                        .put("allow_sending_without_reply", true);
            }
            out.add(new PlatformRequest("sendMessage", Bodies.write(body)));
        }
        return out;
    }
}
