package dev.switchboard.redis;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;

/**
 * An async step that talks to Redis: it holds the TaskManager's shared {@link RedisService} while it runs, and its
 * metrics live in the operator's {@code switchboard} group.
 */
abstract class RedisAsyncFunction<I, O> extends RichAsyncFunction<I, O> {
    private static final long serialVersionUID = 1L;

    protected final RedisSettings settings;
    protected transient RedisService redis;

    RedisAsyncFunction(RedisSettings settings) {
        this.settings = settings;
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        redis = RedisService.acquire(settings);
        registerMetrics(getRuntimeContext().getMetricGroup().addGroup("switchboard"));
    }

    /** The step's own counters and gauges. */
    protected abstract void registerMetrics(MetricGroup group);

    @Override
    public void close() throws Exception {
        if (redis != null) {
            redis.release();
            redis = null;
        }
        super.close();
    }
}
