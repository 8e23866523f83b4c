package dev.switchboard.intent;

import java.io.Serializable;
import java.time.Duration;

/**
 * How the understand step classifies.
 *
 * @param modelPath the intent model file, or null for the built-in one
 * @param rulesOnly no model at all: the keyword rules decide (the fallback mode)
 * @param maxBatch largest batch of one {@code OrtSession.run}
 * @param maxDelay longest time the oldest queued request waits for its batch to fill
 * @param queueCapacity requests waiting beyond this are refused (and retried, then answered by the rules)
 */
public record InferenceSettings(String modelPath, boolean rulesOnly, int maxBatch, Duration maxDelay, int queueCapacity)
        implements Serializable {

    public static final InferenceSettings DEFAULTS = new InferenceSettings(null, false, 64, Duration.ofMillis(2), 10_000);
    public static final InferenceSettings RULES_ONLY = new InferenceSettings(null, true, 1, Duration.ZERO, 1);

    public InferenceSettings {
        if (maxBatch < 1 || maxBatch > 4096) {
            throw new IllegalArgumentException("inference batch size must be within 1..4096, was " + maxBatch);
        }
        if (maxDelay == null || maxDelay.isNegative()) {
            throw new IllegalArgumentException("inference max delay must not be negative");
        }
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("inference queue capacity must be positive");
        }
    }
}
