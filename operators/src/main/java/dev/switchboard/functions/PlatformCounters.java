package dev.switchboard.functions;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

import java.util.HashMap;
import java.util.Map;

/**
 * Counters per platform under one metric name ({@code <scope>.platform.<p>.<name>}), registered on
 * first use so that platforms added later need no code here.
 */
final class PlatformCounters {
    private final MetricGroup group;
    private final String name;
    private final Map<String, Counter> counters = new HashMap<>();

    PlatformCounters(MetricGroup group, String name) {
        this.group = group;
        this.name = name;
    }

    void inc(String platform) {
        counters.computeIfAbsent(platform == null ? "unknown" : platform,
                p -> group.addGroup("platform", p).counter(name)).inc();
    }
}
