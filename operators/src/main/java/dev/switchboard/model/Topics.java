package dev.switchboard.model;

import java.io.Serializable;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Topic names of the contract under one configurable prefix (default {@code chat.}):
 * {@code <prefix>in.<platform>}, {@code <prefix>out.<platform>}, {@code <prefix>dlq},
 * {@code <prefix>handoff}.
 */
public final class Topics implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final String DEFAULT_PREFIX = "chat.";

    private final String prefix;

    public Topics(String prefix) {
        if (prefix == null || !prefix.matches("[A-Za-z0-9._-]*")) {
            throw new IllegalArgumentException(
                    "topic prefix must use only letters, digits, '.', '_' and '-': " + prefix);
        }
        this.prefix = prefix;
    }

    public static Topics withDefaultPrefix() {
        return new Topics(DEFAULT_PREFIX);
    }

    public String prefix() {
        return prefix;
    }

    /**
     * Pattern the source subscribes to: every {@code <prefix>in.<platform>} and {@code <prefix>notify}; new
     * platform topics are picked up by partition discovery.
     */
    public Pattern inboundPattern() {
        return Pattern.compile(Pattern.quote(prefix + "in.") + "[A-Za-z0-9_-]+|" + Pattern.quote(notifications()));
    }

    /** Notifications a company's own systems send to people, delivered where each person was last seen. */
    public String notifications() {
        return prefix + "notify";
    }

    public String inbound(String platform) {
        return prefix + "in." + platform;
    }

    public String outbound(String platform) {
        return prefix + "out." + platform;
    }

    public String deadLetters() {
        return prefix + "dlq";
    }

    public String handoff() {
        return prefix + "handoff";
    }

    /** Published bot definitions (compacted; key: bot id, value: the YAML). */
    public String bots() {
        return prefix + "bots";
    }

    /** Rejected bot definitions, with their reasons. */
    public String botErrors() {
        return prefix + "bots.errors";
    }

    /** The delivery job's log: one outcome per outbound record (delivered or abandoned), keyed by conversation. */
    public String delivered() {
        return prefix + "delivered";
    }

    /** Outbound records the delivery job abandoned, with the platform's reason. */
    public String deliveryDeadLetters() {
        return prefix + "delivery.dlq";
    }

    /** Every topic the two jobs read or write for these platforms, for creating them. */
    public java.util.List<String> all(java.util.Collection<String> platforms) {
        java.util.List<String> names = new java.util.ArrayList<>();
        for (String p : platforms) {
            names.add(inbound(p));
            names.add(outbound(p));
        }
        names.add(deadLetters());
        names.add(handoff());
        names.add(notifications());
        names.add(bots());
        names.add(botErrors());
        names.add(delivered());
        names.add(deliveryDeadLetters());
        return names;
    }

    /** The platform an inbound topic carries, or empty when the topic is not {@code <prefix>in.<x>}. */
    public Optional<String> platformOf(String inboundTopic) {
        String head = prefix + "in.";
        if (inboundTopic == null || !inboundTopic.startsWith(head) || inboundTopic.length() == head.length()) {
            return Optional.empty();
        }
        return Optional.of(inboundTopic.substring(head.length()));
    }
}
