package dev.switchboard.bench;

import dev.switchboard.understand.IntentClassifier;
import dev.switchboard.understand.Understanding;
import org.apache.flink.util.function.SerializableFunction;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Fault injection for the long-tail scenario, outside the job: a share of the model's results is held back
 * a while before it is delivered, the way a slow remote model server or a stalled GPU would. Applied to each
 * understand instance through {@code SwitchboardJob.build(env, config, decorator)}; production code has no
 * such option.
 */
final class DelayedClassifier implements SerializableFunction<IntentClassifier, IntentClassifier> {
    private static final long serialVersionUID = 1L;

    private final double share;
    private final long delayMillis;

    DelayedClassifier(double share, Duration delay) {
        if (share < 0 || share > 1) {
            throw new IllegalArgumentException("delayed share must be within 0..1, was " + share);
        }
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative");
        }
        this.share = share;
        this.delayMillis = delay.toMillis();
    }

    @Override
    public IntentClassifier apply(IntentClassifier model) {
        Executor later = CompletableFuture.delayedExecutor(delayMillis, TimeUnit.MILLISECONDS);
        return text -> {
            CompletableFuture<Understanding> result = model.classify(text);
            if (ThreadLocalRandom.current().nextDouble() >= share) {
                return result;
            }
            // Held back after the model answered: the answer is the model's, only later.
            return result.thenApplyAsync(understanding -> understanding, later);
        };
    }
}
