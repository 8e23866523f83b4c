package dev.switchboard.dialogue;

import java.io.Serializable;
import java.time.Duration;

/**
 * Dialogue configuration, validated once.
 *
 * @param historySize user and bot turns kept per session
 * @param dedupWindow redelivery keys remembered per session
 * @param sessionTimeout idle time after which a session and all its state expire
 * @param maxTurnTextLength characters of each turn kept in history (longer texts are cut)
 */
public record DialogueSettings(
        int historySize, int dedupWindow, Duration sessionTimeout, int maxTurnTextLength)
        implements Serializable {

    public static final DialogueSettings DEFAULTS =
            new DialogueSettings(20, 64, Duration.ofMinutes(30), 500);

    public DialogueSettings {
        if (historySize < 0 || historySize > 1000) {
            throw new IllegalArgumentException("history size must be within 0..1000, was " + historySize);
        }
        if (dedupWindow < 1 || dedupWindow > 10_000) {
            throw new IllegalArgumentException("dedup window must be within 1..10000, was " + dedupWindow);
        }
        if (sessionTimeout == null || sessionTimeout.isNegative() || sessionTimeout.isZero()) {
            throw new IllegalArgumentException("session timeout must be positive, was " + sessionTimeout);
        }
        if (maxTurnTextLength < 1) {
            throw new IllegalArgumentException("max turn text length must be positive, was " + maxTurnTextLength);
        }
    }
}
