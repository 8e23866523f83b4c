package dev.switchboard.delivery;

import dev.switchboard.model.InboundRecord;
import dev.switchboard.model.OutboundRecord;
import dev.switchboard.normalize.BotSettings;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.HistogramStatistics;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.ThreadSafeSimpleCounter;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The delivery job's sender (an {@code AsyncDataStream.unorderedWait} after the conversation key): each record goes
 * to {@link Sender}, which keeps the conversation's order, the limits and the retries; the task thread never waits
 * for a platform. Its result is the dead letter of an abandoned record, or nothing.
 *
 * <p>Once after a restore: the checkpoint keeps the time from which the delivery log must be read (the oldest
 * in-flight record's start, less a margin for clocks); on restore the subtask reads {@code chat.delivered} from
 * there for its own conversations and skips every record whose idempotency key it finds: those were accepted (or
 * abandoned) after the checkpoint.
 */
public final class SendFunction extends RichAsyncFunction<InboundRecord, OutboundRecord> implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(SendFunction.class);
    /** Clocks of TaskManagers and brokers may differ by this much. */
    static final long CLOCK_MARGIN_MS = 60_000;

    private final DeliverySettings settings;
    private final BotSettings bots;
    private final Map<String, String> kafka;
    private final Duration recoveryLookback;

    private transient Sender sender;
    private transient DeliveryLog log;
    private transient ScheduledExecutorService timer;
    private transient ListState<Long> logFrom;
    private transient Set<String> recovered;
    /** Each record in flight (its sender future) and when it was taken; read by snapshots on this task's thread. */
    private transient Map<CompletableFuture<Sender.Result>, Long> inFlightSince;
    private transient Counter skipped;

    /**
     * @param kafka client properties for the delivery log (bootstrap servers, security)
     * @param recoveryLookback how far back a start without a checkpoint reads the delivery log
     */
    public SendFunction(DeliverySettings settings, BotSettings bots, Map<String, String> kafka, Duration recoveryLookback) {
        this.settings = settings;
        this.bots = bots;
        this.kafka = Map.copyOf(kafka);
        this.recoveryLookback = recoveryLookback;
    }

    private String deliveredTopic() {
        return new dev.switchboard.model.Topics(settings.topicPrefix()).delivered();
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        logFrom = context.getOperatorStateStore().getUnionListState(
                new ListStateDescriptor<>("delivery-log-from", Types.LONG));
        recovered = ConcurrentHashMap.newKeySet();
        long from = Long.MAX_VALUE;
        if (context.isRestored()) {
            for (Long v : logFrom.get()) {
                from = Math.min(from, v);
            }
        } else {
            // No checkpoint (a first start, or a crash before the first checkpoint): the source starts from the
            // group's committed offsets, so what was delivered lately may come again.
            from = System.currentTimeMillis() - recoveryLookback.toMillis();
        }
        {
            if (from != Long.MAX_VALUE) {
                var task = getRuntimeContext().getTaskInfo();
                int max = task.getMaxNumberOfParallelSubtasks();
                int parallelism = task.getNumberOfParallelSubtasks();
                int index = task.getIndexOfThisSubtask();
                recovered.addAll(DeliveryLog.read(kafka, deliveredTopic(), from,
                        chat -> KeyGroupRangeAssignment.assignKeyToParallelOperator(chat, max, parallelism) == index,
                        "switchboard-delivery-recovery-" + index));
            }
        }
    }

    @Override
    public void open(OpenContext openContext) {
        var task = getRuntimeContext().getTaskInfo();
        inFlightSince = new ConcurrentHashMap<>();
        timer = Executors.newScheduledThreadPool(1, r -> {
            Thread t = new Thread(r, "delivery-timer-" + task.getIndexOfThisSubtask());
            t.setDaemon(true);
            return t;
        });
        log = new DeliveryLog(kafka, deliveredTopic(), "switchboard-delivery-log-" + task.getIndexOfThisSubtask());
        MetricGroup metrics = getRuntimeContext().getMetricGroup().addGroup("switchboard");
        skipped = metrics.counter("deliveryAlreadyLogged", new ThreadSafeSimpleCounter());
        HttpClient http = Sender.httpClient(settings.requestTimeout());
        sender = new Sender(settings, new Credentials(bots), task.getNumberOfParallelSubtasks(), http, timer, log::append,
                new Metrics(metrics), new HostBreakers(settings, (host, breaker) -> metrics.addGroup("host", host)
                        .gauge("circuitState", () -> state(breaker))), AccessTokens.shared());
        metrics.gauge("deliveryConversationsActive", sender::activeConversations);
        metrics.gauge("deliveryInFlight", () -> inFlightSince.size());
    }

    private static int state(CircuitBreaker b) {
        return switch (b.getState()) {
            case CLOSED -> 0;
            case HALF_OPEN -> 1;
            default -> 2;
        };
    }

    @Override
    public void asyncInvoke(InboundRecord record, ResultFuture<OutboundRecord> result) {
        OutboundRequest r;
        try {
            r = OutboundRequest.of(record, settings.topicPrefix(), settings.defaultBotId());
        } catch (OutboundRequest.Malformed m) {
            // The gate dead-letters these; a record restored from an older checkpoint may still come here.
            result.complete(Collections.emptyList());
            return;
        }
        if (recovered.contains(r.idempotencyKey())) {
            skipped.inc();
            result.complete(Collections.emptyList());
            return;
        }
        long taken = System.currentTimeMillis();
        CompletableFuture<Sender.Result> sending = sender.send(r);
        // Registered before the removal below can run (a snapshot cannot come in between: same thread).
        inFlightSince.put(sending, taken);
        sending.whenComplete((res, error) -> {
            inFlightSince.remove(sending);
            if (error != null) {
                // Without the log, "once" cannot be kept: fail, restart from the checkpoint, read the log again.
                result.completeExceptionally(error);
            } else {
                result.complete(res.deadLetter() == null ? Collections.emptyList() : List.of(res.deadLetter()));
            }
        });
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        long from = System.currentTimeMillis();
        for (Long since : inFlightSince.values()) {
            from = Math.min(from, since);
        }
        logFrom.update(List.of(from - CLOCK_MARGIN_MS));
    }

    @Override
    public void close() throws Exception {
        if (timer != null) {
            timer.shutdownNow();
            timer.awaitTermination(5, TimeUnit.SECONDS);
        }
        if (log != null) {
            log.close();
        }
    }

    /** The sender's reports as Flink metrics, per platform (thread-safe: they come from HTTP and timer threads). */
    private static final class Metrics implements Sender.Listener {
        private final MetricGroup group;
        private final Map<String, PlatformMetrics> platforms = new ConcurrentHashMap<>();

        Metrics(MetricGroup group) {
            this.group = group;
        }

        private PlatformMetrics of(String platform) {
            return platforms.computeIfAbsent(platform, p -> new PlatformMetrics(group.addGroup("platform", p)));
        }

        @Override
        public void accepted(String platform, long sendNanos) {
            PlatformMetrics m = of(platform);
            m.sent.inc();
            m.latency.update(sendNanos / 1_000_000);
        }

        @Override
        public void retried(String platform) {
            of(platform).retried.inc();
        }

        @Override
        public void rateLimited(String platform) {
            of(platform).rateLimited.inc();
        }

        @Override
        public void circuitWait(String platform) {
            of(platform).circuitWaits.inc();
        }

        @Override
        public void failed(String platform, String errorClass) {
            PlatformMetrics m = of(platform);
            m.deadLettered.computeIfAbsent(errorClass, c -> m.group.addGroup("reason", c)
                    .counter("deliveriesDeadLettered", new ThreadSafeSimpleCounter())).inc();
        }
    }

    private static final class PlatformMetrics {
        final MetricGroup group;
        final Counter sent;
        final Counter retried;
        final Counter rateLimited;
        final Counter circuitWaits;
        final Histogram latency;
        final Map<String, Counter> deadLettered = new ConcurrentHashMap<>();

        PlatformMetrics(MetricGroup group) {
            this.group = group;
            sent = group.counter("deliveriesSent", new ThreadSafeSimpleCounter());
            retried = group.counter("deliveriesRetried", new ThreadSafeSimpleCounter());
            rateLimited = group.counter("deliveriesRateLimited", new ThreadSafeSimpleCounter());
            circuitWaits = group.counter("deliveriesCircuitWaits", new ThreadSafeSimpleCounter());
            latency = group.histogram("sendLatencyMs", new SynchronizedHistogram(new DescriptiveStatisticsHistogram(1000)));
        }
    }

    /** Flink's histogram guarded for updates from several threads. */
    private static final class SynchronizedHistogram implements Histogram {
        private final Histogram inner;

        SynchronizedHistogram(Histogram inner) {
            this.inner = inner;
        }

        @Override
        public synchronized void update(long value) {
            inner.update(value);
        }

        @Override
        public synchronized long getCount() {
            return inner.getCount();
        }

        @Override
        public synchronized HistogramStatistics getStatistics() {
            return inner.getStatistics();
        }
    }
}
