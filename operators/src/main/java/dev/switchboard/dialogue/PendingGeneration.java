package dev.switchboard.dialogue;

import java.util.ArrayList;
import java.util.List;

/**
 * A generated reply the session waits for, kept in its {@link DialogueState} until the answer (or its fallback) is
 * sent and in the history. A Flink POJO, like the state around it. What the reply needs is kept flat here so a restore
 * can send it without the message that asked.
 */
public class PendingGeneration {
    /** The chat-completions request body, sent again when a restore finds the request's answer lost. */
    public String requestBody;
    /** Epoch ms the request was (first) sent. */
    public long startedAt;
    /** The intent's own replies, said when generation fails. */
    public List<String> fallback = new ArrayList<>();
    public String intent;
    public String language;
    public boolean urgent;

    public String platform;
    public String botId;
    public String sessionKey;
    public String chatId;
    public String threadId;
    public String replyToMessageId;
    public String accountId;
    public String sourceMessageId;
    public long sourceReceivedAt;
    public String replyToken;
    public String recipientId;
    public String botVersion;

    public PendingGeneration() {}
}
