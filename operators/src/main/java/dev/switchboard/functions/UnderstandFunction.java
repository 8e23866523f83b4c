package dev.switchboard.functions;

import dev.switchboard.model.InboundMessage;
import dev.switchboard.understand.InferenceService;
import dev.switchboard.understand.InferenceSettings;
import dev.switchboard.understand.IntentClassifier;
import dev.switchboard.understand.KeywordIntentRules;
import dev.switchboard.understand.Understanding;
import org.apache.flink.api.common.externalresource.ExternalResourceInfo;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.flink.util.function.SerializableSupplier;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The understand step: classifies each message's text without blocking the operator thread. By default
 * the classifier is the TaskManager's shared {@link InferenceService} over the intent model.
 *
 * <p>Order: run by {@code AsyncDataStream.unorderedWait} after {@code keyBy(session)}, and releases
 * each result only once the previous message of the same session has been released. A session keeps
 * its order, while a slow classification holds back only its own session's later messages, not every
 * message behind it on the subtask (which is what {@code orderedWait} would do).
 *
 * <p>The keyword rules stay beside the model: a message whose classification fails, times out,
 * finds the inference queue full (after {@value #OVERLOAD_RETRIES} retries {@value #OVERLOAD_RETRY_MILLIS} ms
 * apart) or comes back below the confidence threshold is understood by the rules (counted, marked in
 * {@link Understanding#source()}); the rules always decide urgency.
 */
public class UnderstandFunction extends RichAsyncFunction<InboundMessage, UnderstoodMessage> {
    private static final long serialVersionUID = 1L;

    public static final String FALLBACK_TIMEOUT = "rules-fallback:timeout";
    public static final String FALLBACK_ERROR = "rules-fallback:error";
    public static final String FALLBACK_OVERLOADED = "rules-fallback:overloaded";
    public static final String FALLBACK_LOW_CONFIDENCE = "rules-fallback:low-confidence";
    /** A full inference queue is transient: try this many more times, this far apart, before the rules answer. */
    public static final int OVERLOAD_RETRIES = 2;
    public static final long OVERLOAD_RETRY_MILLIS = 5;
    /** Flink's external resource name for GPUs (the GPU plugin). */
    public static final String GPU_RESOURCE = "gpu";

    private final InferenceSettings settings;
    private final SerializableSupplier<IntentClassifier> classifierFactory;
    private final SerializableFunction<IntentClassifier, IntentClassifier> decorator;

    private transient IntentClassifier classifier;
    private transient InferenceService service;
    private transient KeywordIntentRules rules;
    private transient Counter fallbacks;
    private transient Counter timeouts;
    private transient Counter overloaded;
    private transient Counter lowConfidence;
    /** Per session, the release of its latest message in flight. */
    private transient Map<String, CompletableFuture<Void>> sessionTails;
    /** The release of each message in flight, by identity (the operator passes the same object to timeout). */
    private transient Map<InboundMessage, CompletableFuture<Void>> releases;

    /** Production: the shared inference service with these settings (or the rules alone). */
    public UnderstandFunction(InferenceSettings settings) {
        this(settings, null);
    }

    /**
     * The shared inference service, seen through {@code decorator} in each parallel instance: a seam for
     * what wraps the model from outside the job (the benchmark's delayed results, a drill's failures). The
     * keyword rules, the fallback and the order per session stay the function's own.
     */
    public UnderstandFunction(InferenceSettings settings,
            SerializableFunction<IntentClassifier, IntentClassifier> decorator) {
        this.settings = settings;
        this.classifierFactory = null;
        this.decorator = decorator;
    }

    /** Any classifier, created in each parallel instance (tests, other model servers). */
    public UnderstandFunction(SerializableSupplier<IntentClassifier> classifierFactory) {
        this.settings = InferenceSettings.RULES_ONLY;
        this.classifierFactory = classifierFactory;
        this.decorator = null;
    }

    @Override
    public void open(OpenContext openContext) {
        rules = new KeywordIntentRules();
        sessionTails = new ConcurrentHashMap<>();
        releases = Collections.synchronizedMap(new IdentityHashMap<>());
        MetricGroup group = getRuntimeContext().getMetricGroup().addGroup("switchboard");
        fallbacks = group.counter("understandFallbacks");
        timeouts = group.counter("understandTimeouts");
        overloaded = group.counter("understandOverloaded");
        lowConfidence = group.counter("understandLowConfidence");
        if (classifierFactory != null) {
            classifier = classifierFactory.get();
        } else if (settings.rulesOnly()) {
            classifier = rules;
        } else {
            service = InferenceService.acquire(settings, assignedGpu());
            classifier = decorator == null ? service : decorator.apply(service);
            String provider = service.model().provider().name();
            group.gauge("inferenceProvider", (Gauge<String>) () -> provider);
            group.gauge("inferenceOnGpu", (Gauge<Integer>) () -> "CUDA".equals(provider) ? 1 : 0);
            group.histogram("inferenceBatchSize", service.batchSizes());
            group.histogram("inferenceQueueWaitMicros", service.queueWaitMicros());
            group.histogram("inferenceLatencyMicros", service.inferenceMicros());
        }
    }

    /** The index of the GPU Flink assigned to this TaskManager, or null. */
    private Integer assignedGpu() {
        Set<ExternalResourceInfo> gpus = getRuntimeContext().getExternalResourceInfos(GPU_RESOURCE);
        for (ExternalResourceInfo gpu : gpus) {
            String index = gpu.getProperty("index").orElse(null);
            if (index != null) {
                try {
                    return Integer.parseInt(index.trim());
                } catch (NumberFormatException e) {
                    // not an index: keep looking
                }
            }
        }
        return null;
    }

    @Override
    public void close() throws Exception {
        if (service != null) {
            service.release();
            service = null;
        }
        super.close();
    }

    @Override
    public void asyncInvoke(InboundMessage input, ResultFuture<UnderstoodMessage> resultFuture) {
        String text = input.message().text();
        CompletableFuture<Understanding> understood = text == null || text.isBlank() || classifier == rules
                ? CompletableFuture.completedFuture(rules.understand(text))
                : attempt(text, OVERLOAD_RETRIES).handle((understanding, error) -> decide(text, understanding, error));

        // Release after the session's previous message: the operator emits in completion order.
        CompletableFuture<Void> release = new CompletableFuture<>();
        CompletableFuture<Void> previous = sessionTails.put(input.sessionKey(), release);
        releases.put(input, release);
        CompletableFuture<?> ready = previous == null ? understood : CompletableFuture.allOf(understood, previous);
        ready.whenComplete((ignored, error) -> {
            resultFuture.complete(List.of(new UnderstoodMessage(input, understood.join())));
            release(input, release);
        });
    }

    private void release(InboundMessage input, CompletableFuture<Void> release) {
        releases.remove(input);
        sessionTails.remove(input.sessionKey(), release);
        release.complete(null);
    }

    /** One classification, retried a few milliseconds later while the inference queue is full. */
    private CompletableFuture<Understanding> attempt(String text, int retriesLeft) {
        CompletableFuture<Understanding> first = classifier.classify(text);
        if (retriesLeft == 0) {
            return first;
        }
        return first.handle((understanding, error) -> {
            if (error != null && cause(error) instanceof RejectedExecutionException) {
                return CompletableFuture.runAsync(() -> { },
                                CompletableFuture.delayedExecutor(OVERLOAD_RETRY_MILLIS, TimeUnit.MILLISECONDS))
                        .thenCompose(ignored -> attempt(text, retriesLeft - 1));
            }
            return error == null ? CompletableFuture.completedFuture(understanding)
                    : CompletableFuture.<Understanding>failedFuture(error);
        }).thenCompose(f -> f);
    }

    private Understanding decide(String text, Understanding understanding, Throwable error) {
        if (error != null || understanding == null) {
            if (cause(error) instanceof RejectedExecutionException) {
                overloaded.inc();
                return rules.understand(text).withSource(FALLBACK_OVERLOADED);
            }
            fallbacks.inc();
            return rules.understand(text).withSource(FALLBACK_ERROR);
        }
        if (understanding.confidence() < settings.minConfidence()) {
            // The model is unsure (a near-uniform distribution): the rules know at least their keywords.
            lowConfidence.inc();
            return rules.understand(text).withSource(FALLBACK_LOW_CONFIDENCE);
        }
        boolean urgent = understanding.urgent() || KeywordIntentRules.isUrgent(text);
        return new Understanding(understanding.intent(), understanding.confidence(), urgent,
                understanding.language(), understanding.source());
    }

    private static Throwable cause(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }

    @Override
    public void timeout(InboundMessage input, ResultFuture<UnderstoodMessage> resultFuture) {
        timeouts.inc();
        resultFuture.complete(List.of(new UnderstoodMessage(input,
                rules.understand(input.message().text()).withSource(FALLBACK_TIMEOUT))));
        CompletableFuture<Void> release = releases.get(input);
        if (release != null) {
            release(input, release);
        }
    }
}
