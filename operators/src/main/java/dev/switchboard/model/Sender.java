package dev.switchboard.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Who wrote a message. {@code name} may be null where the platform does not send one. */
public record Sender(String id, String name, @JsonProperty("isBot") boolean isBot) {}
