package dev.switchboard.bench;

import org.HdrHistogram.Histogram;

/** What a scenario produced: throughput in inputs/s, end-to-end latency, and the accounting of every input. */
record ScenarioResult(String name, long inputs, double throughput, Histogram latency, long answered, long deadLettered,
              long deduplicated, long expectedAnswered, long duplicateReplies) {
    long lost() {
        return Math.max(0, expectedAnswered - answered);
    }
}
