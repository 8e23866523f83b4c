package dev.switchboard.understand;

import java.io.Serializable;
import java.time.Duration;

/**
 * How the understand step classifies.
 *
 * @param modelPath a bring-your-own intent model file for {@code modelBot} (its labels must be that bot's
 *     intents), or null: every bot's model is trained from its definition (the built-in model when a caller
 *     without bots acquires by settings)
 * @param modelBot the bot {@code modelPath} serves, or null
 * @param rulesOnly no model at all: the keywords decide (the fallback mode)
 * @param maxBatch largest batch of one {@code OrtSession.run}
 * @param maxDelay longest time the oldest queued request waits for its batch to fill
 * @param queueCapacity requests waiting beyond this are refused (and retried, then answered by the keywords)
 * @param workers threads forming batches and running the session (each runs one batch at a time)
 * @param encoderCacheSize distinct recent texts whose embeddings each encoder service keeps (0: none)
 */
public record InferenceSettings(String modelPath, String modelBot, boolean rulesOnly, int maxBatch, Duration maxDelay,
                                int queueCapacity, int workers, int encoderCacheSize)
        implements Serializable {

    public static final int DEFAULT_ENCODER_CACHE_SIZE = 10_000;
    public static final InferenceSettings DEFAULTS =
            new InferenceSettings(null, null, false, 64, Duration.ofMillis(2), 10_000, 2);
    public static final InferenceSettings RULES_ONLY = new InferenceSettings(null, null, true, 1, Duration.ZERO, 1, 1);

    public InferenceSettings(String modelPath, String modelBot, boolean rulesOnly, int maxBatch, Duration maxDelay,
            int queueCapacity, int workers) {
        this(modelPath, modelBot, rulesOnly, maxBatch, maxDelay, queueCapacity, workers, DEFAULT_ENCODER_CACHE_SIZE);
    }

    public InferenceSettings {
        if (encoderCacheSize < 0) {
            throw new IllegalArgumentException("encoder cache size must not be negative, was " + encoderCacheSize);
        }
        if (maxBatch < 1 || maxBatch > 4096) {
            throw new IllegalArgumentException("inference batch size must be within 1..4096, was " + maxBatch);
        }
        if (maxDelay == null || maxDelay.isNegative()) {
            throw new IllegalArgumentException("inference max delay must not be negative");
        }
        if (workers < 1 || workers > 64) {
            throw new IllegalArgumentException("inference workers must be within 1..64, was " + workers);
        }
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("inference queue capacity must be positive");
        }
    }
}
