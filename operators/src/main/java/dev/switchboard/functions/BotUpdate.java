package dev.switchboard.functions;

/**
 * A published bot definition that passed the checks, on its way to every subtask.
 *
 * @param botId the bot's id (the record's key and the file's {@code bot:})
 * @param yaml the definition as published; its version is the one in the file
 */
public record BotUpdate(String botId, String yaml) {}
