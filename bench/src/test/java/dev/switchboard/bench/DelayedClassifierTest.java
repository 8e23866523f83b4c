package dev.switchboard.bench;

import dev.switchboard.understand.IntentClassifier;
import dev.switchboard.understand.Understanding;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DelayedClassifierTest {
    private static final IntentClassifier MODEL = text ->
            CompletableFuture.completedFuture(new Understanding("order_status", 0.9, false, "en", "model"));

    @Test
    void heldBackResultsAreTheModelsOnlyLater() throws Exception {
        IntentClassifier all = new DelayedClassifier(1.0, Duration.ofMillis(300)).apply(MODEL);
        long start = System.nanoTime();
        CompletableFuture<Understanding> result = all.classify("where is my order?");
        // Not yet: the model answered at once, the decorator holds it back.
        assertThat(result).isNotDone();
        assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo(MODEL.classify("x").join());
        // A lower bound only: held back at least the delay.
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(300);
    }

    @Test
    void aShareOfZeroHoldsNothingBack() {
        IntentClassifier none = new DelayedClassifier(0.0, Duration.ofSeconds(60)).apply(MODEL);
        for (int i = 0; i < 100; i++) {
            assertThat(none.classify("hi")).isDone();
        }
    }

    @Test
    void aShareOutsideZeroToOneIsRefused() {
        assertThatThrownBy(() -> new DelayedClassifier(1.5, Duration.ofMillis(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("share");
    }
}
