package dev.switchboard.functions;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

import java.util.Map;

/**
 * Counters per platform under one metric name, registered on first use so that platforms added later
 * need no code here. {@code platform} is a key-value group: reporters that support labels (Prometheus)
 * export one metric with a {@code platform} label, others the scope {@code <scope>.platform.<p>.<name>}.
 */
final class PlatformCounters {
    private final MetricGroup group;
    private final String name;
    private final String label;
    private final Map<String, Counter> counters = new java.util.concurrent.ConcurrentHashMap<>();

    PlatformCounters(MetricGroup group, String name) {
        this(group, name, "platform");
    }

    /** Counters under another label ({@code bot}: one per bot id, e.g. {@code switchboard_bot_botReplies{bot="support"}}). */
    PlatformCounters(MetricGroup group, String name, String label) {
        this.group = group;
        this.name = name;
        this.label = label;
    }

    void inc(String platform) {
        counters.computeIfAbsent(platform == null ? "unknown" : platform,
                p -> group.addGroup(label, p).counter(name)).inc();
    }

    /** Adds {@code n} (tokens, bytes) to one label's counter. */
    void add(String platform, long n) {
        counters.computeIfAbsent(platform == null ? "unknown" : platform,
                p -> group.addGroup(label, p).counter(name)).inc(n);
    }

    /** Counts under a second label, {@code reason}, whose values must come from a small fixed set. */
    void inc(String platform, String reason) {
        String p = platform == null ? "unknown" : platform;
        counters.computeIfAbsent(p + '\u0000' + reason,
                k -> group.addGroup(label, p).addGroup("reason", reason).counter(name)).inc();
    }
}
