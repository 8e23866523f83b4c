package dev.switchboard.understand;

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
 * @param minConfidence below this probability the model's intent is not trusted and the rules decide
 * @param workers threads forming batches and running the session (each runs one batch at a time)
 */
public record InferenceSettings(String modelPath, boolean rulesOnly, int maxBatch, Duration maxDelay, int queueCapacity,
                                double minConfidence, int workers)
        implements Serializable {

    public InferenceSettings(String modelPath, boolean rulesOnly, int maxBatch, Duration maxDelay, int queueCapacity,
            double minConfidence) {
        this(modelPath, rulesOnly, maxBatch, maxDelay, queueCapacity, minConfidence, 1);
    }

    public static final double DEFAULT_MIN_CONFIDENCE = 0.5;
    public static final InferenceSettings DEFAULTS =
            new InferenceSettings(null, false, 64, Duration.ofMillis(2), 10_000, DEFAULT_MIN_CONFIDENCE, 2);
    public static final InferenceSettings RULES_ONLY = new InferenceSettings(null, true, 1, Duration.ZERO, 1, 0);

    public InferenceSettings {
        if (maxBatch < 1 || maxBatch > 4096) {
            throw new IllegalArgumentException("inference batch size must be within 1..4096, was " + maxBatch);
        }
        if (maxDelay == null || maxDelay.isNegative()) {
            throw new IllegalArgumentException("inference max delay must not be negative");
        }
        if (minConfidence < 0 || minConfidence > 1) {
            throw new IllegalArgumentException("intent min confidence must be within 0..1, was " + minConfidence);
        }
        if (workers < 1 || workers > 64) {
            throw new IllegalArgumentException("inference workers must be within 1..64, was " + workers);
        }
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("inference queue capacity must be positive");
        }
    }
}
