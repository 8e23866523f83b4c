package dev.switchboard.functions;

import dev.switchboard.dialogue.Turn;

import java.util.List;

/**
 * The record written to {@code chat.handoff} when a session is handed to a person: enough for a
 * support tool to open a ticket and show the conversation so far.
 */
public record HandoffRequest(
        String sessionKey,
        String botId,
        String platform,
        String chatId,
        String threadId,
        String userId,
        String userName,
        String reason,
        String intent,
        boolean urgent,
        String language,
        String sourceMessageId,
        long at,
        long quietUntil,
        List<Turn> history) {}
