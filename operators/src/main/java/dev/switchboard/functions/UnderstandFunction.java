package dev.switchboard.functions;

import dev.switchboard.dialogue.IntentClassifier;
import dev.switchboard.dialogue.KeywordIntentRules;
import dev.switchboard.dialogue.Understanding;
import dev.switchboard.intent.InferenceService;
import dev.switchboard.intent.InferenceSettings;
import dev.switchboard.model.InboundMessage;
import org.apache.flink.api.common.externalresource.ExternalResourceInfo;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;
import org.apache.flink.util.function.SerializableSupplier;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;

/**
 * The understand step: classifies each message's text without blocking the operator thread (run by
 * {@code AsyncDataStream.orderedWait} after {@code keyBy(session)}, so each session keeps its order).
 * By default the classifier is the TaskManager's shared {@link InferenceService} over the intent model.
 *
 * <p>The keyword rules stay beside the model: a message whose classification fails, times out,
 * finds the inference queue full or comes back below the confidence threshold is understood by the rules (counted, marked in
 * {@link Understanding#source()}); the rules always decide urgency. An overloaded result is retried
 * by the operator's retry strategy first ({@link #overloaded}).
 */
public class UnderstandFunction extends RichAsyncFunction<InboundMessage, UnderstoodMessage> {
    private static final long serialVersionUID = 1L;

    public static final String FALLBACK_TIMEOUT = "rules-fallback:timeout";
    public static final String FALLBACK_ERROR = "rules-fallback:error";
    public static final String FALLBACK_OVERLOADED = "rules-fallback:overloaded";
    public static final String FALLBACK_LOW_CONFIDENCE = "rules-fallback:low-confidence";
    /** Flink's external resource name for GPUs (the GPU plugin). */
    public static final String GPU_RESOURCE = "gpu";

    private final InferenceSettings settings;
    private final SerializableSupplier<IntentClassifier> classifierFactory;

    private transient IntentClassifier classifier;
    private transient InferenceService service;
    private transient KeywordIntentRules rules;
    private transient Counter fallbacks;
    private transient Counter timeouts;
    private transient Counter overloaded;
    private transient Counter lowConfidence;

    /** Production: the shared inference service with these settings (or the rules alone). */
    public UnderstandFunction(InferenceSettings settings) {
        this.settings = settings;
        this.classifierFactory = null;
    }

    /** Any classifier, created in each parallel instance (tests, other model servers). */
    public UnderstandFunction(SerializableSupplier<IntentClassifier> classifierFactory) {
        this.settings = InferenceSettings.RULES_ONLY;
        this.classifierFactory = classifierFactory;
    }

    /** Understanding by the keyword rules alone. */
    public static UnderstandFunction withRules() {
        return new UnderstandFunction(InferenceSettings.RULES_ONLY);
    }

    /** Retry predicate: the inference queue was full, so a later attempt may reach the model. */
    public static boolean overloaded(Collection<UnderstoodMessage> results) {
        return results != null && results.stream().anyMatch(r -> FALLBACK_OVERLOADED.equals(r.understanding().source()));
    }

    @Override
    public void open(OpenContext openContext) {
        rules = new KeywordIntentRules();
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
            classifier = service;
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
        if (text == null || text.isBlank() || classifier == rules) {
            resultFuture.complete(List.of(new UnderstoodMessage(input, rules.understand(text))));
            return;
        }
        classifier.classify(text).whenComplete((understanding, error) -> {
            Understanding result;
            if (error != null || understanding == null) {
                Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                if (cause instanceof RejectedExecutionException) {
                    overloaded.inc();
                    result = rules.understand(text).withSource(FALLBACK_OVERLOADED);
                } else {
                    fallbacks.inc();
                    result = rules.understand(text).withSource(FALLBACK_ERROR);
                }
            } else if (understanding.confidence() < settings.minConfidence()) {
                // The model is unsure (a near-uniform distribution): the rules know at least their keywords.
                lowConfidence.inc();
                result = rules.understand(text).withSource(FALLBACK_LOW_CONFIDENCE);
            } else {
                boolean urgent = understanding.urgent() || KeywordIntentRules.isUrgent(text);
                result = new Understanding(understanding.intent(), understanding.confidence(), urgent,
                        understanding.language(), understanding.source());
            }
            resultFuture.complete(List.of(new UnderstoodMessage(input, result)));
        });
    }

    @Override
    public void timeout(InboundMessage input, ResultFuture<UnderstoodMessage> resultFuture) {
        timeouts.inc();
        resultFuture.complete(List.of(new UnderstoodMessage(input,
                rules.understand(input.message().text()).withSource(FALLBACK_TIMEOUT))));
    }
}
