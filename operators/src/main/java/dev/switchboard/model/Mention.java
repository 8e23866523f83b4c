package dev.switchboard.model;

/** A mentioned user; {@code userId} is null where the platform only gives a username. */
public record Mention(String userId, String name) {}
