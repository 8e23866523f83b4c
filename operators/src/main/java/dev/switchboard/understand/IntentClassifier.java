package dev.switchboard.understand;

import java.util.concurrent.CompletableFuture;

/**
 * Classifies a message's text. Asynchronous so that a model served in batches can sit behind it; the
 * rule set answers at once.
 */
public interface IntentClassifier {
    CompletableFuture<Understanding> classify(String text);
}
