package dev.switchboard.understand;

import ai.onnxruntime.OrtException;
import dev.switchboard.understand.IntentClassifier;
import dev.switchboard.understand.Languages;
import dev.switchboard.understand.Understanding;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

/**
 * One intent model per TaskManager JVM (per model, device and batching settings), shared by all slots:
 * callers queue requests, a worker thread forms a batch when it is full or when its oldest request
 * has waited the maximum delay, runs one {@code OrtSession.run}, and completes each caller's future with
 * its own row of the output ({@link MicroBatcher}, shared with the {@link EncoderService}).
 *
 * <p>Reference-counted: each operator instance {@link #acquire}s in {@code open} and {@link #release}s
 * in {@code close}; the last release stops the worker and closes the session, so a job restart leaks
 * neither threads nor native memory.
 */
public final class InferenceService implements IntentClassifier {
    private static final Logger LOG = LoggerFactory.getLogger(InferenceService.class);

    private record Key(String modelId, Integer gpuIndex, int maxBatch, long maxDelayNanos, int queueCapacity,
                       int workers) {}

    private static final SharedServices<Key, InferenceService> SHARED = new SharedServices<>();

    private record Request(Featurizer.Features features, String language) {}

    private final Key key;
    private final OnnxIntentSession model;
    private final MicroBatcher<Request, Understanding> batcher;

    private InferenceService(Key key, OnnxIntentSession model) {
        this.key = key;
        this.model = model;
        this.batcher = new MicroBatcher<>("inference-" + model.name(), key.maxBatch(), key.maxDelayNanos(),
                key.queueCapacity(), key.workers(), this::run);
    }

    /**
     * The shared service for these settings on this JVM, loading the model file (or the built-in model) on
     * first use.
     *
     * @param gpuIndex the GPU Flink assigned to this TaskManager, or null
     * @throws IllegalArgumentException when the model cannot be loaded or does not fit the contract
     */
    public static InferenceService acquire(InferenceSettings settings, Integer gpuIndex) {
        return acquire(settings, "file:" + (settings.modelPath() == null ? "built-in" : settings.modelPath()),
                () -> OnnxIntentSession.load(settings.modelPath(), gpuIndex), gpuIndex);
    }

    /**
     * The shared service for one model on this JVM: {@code modelId} says which (a bot's training hash, a
     * file), {@code loader} loads it on first use. One ONNX Runtime session per model and device, shared by
     * every slot of the TaskManager that asks for the same model with the same settings.
     *
     * @throws IllegalArgumentException when the model cannot be loaded or does not fit the contract
     */
    public static InferenceService acquire(InferenceSettings settings, String modelId,
            Supplier<OnnxIntentSession> loader, Integer gpuIndex) {
        Key key = new Key(modelId, gpuIndex, settings.maxBatch(), settings.maxDelay().toNanos(),
                settings.queueCapacity(), settings.workers());
        return SHARED.acquire(key, () -> {
            OnnxIntentSession model = loader.get();
            LOG.info("Intent model {} ({} labels) runs on {}; batches of up to {} after at most {} µs, {} worker(s)",
                    model.name(), model.labels().size(), model.provider().describe(), settings.maxBatch(),
                    settings.maxDelay().toNanos() / 1000, settings.workers());
            return new InferenceService(key, model);
        });
    }

    /** Gives back one reference; the last one stops the worker and frees the session. */
    public void release() {
        if (!SHARED.release(key, this)) {
            return;
        }
        batcher.stop();
        try {
            model.close();
        } catch (OrtException e) {
            LOG.warn("closing the ONNX Runtime session failed", e);
        }
        LOG.info("Intent model {} released", model.name());
    }

    /** Services alive in this JVM (for tests and leak checks). */
    public static int liveServices() {
        return SHARED.size();
    }

    public OnnxIntentSession model() {
        return model;
    }

    @Override
    public CompletableFuture<Understanding> classify(String text) {
        return submit(model.featurizer().featurize(text), Languages.detect(text));
    }

    /** Queues one featurized text; fails fast with {@link RejectedExecutionException} when the queue is full. */
    public CompletableFuture<Understanding> submit(Featurizer.Features features, String language) {
        return batcher.submit(new Request(features, language));
    }

    private List<Understanding> run(List<Request> batch) throws OrtException {
        List<Featurizer.Features> features = new ArrayList<>(batch.size());
        for (Request r : batch) {
            features.add(r.features());
        }
        float[][] probabilities = model.predict(features);
        List<String> labels = model.labels();
        List<Understanding> out = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            float[] p = probabilities[i];
            int best = OnnxIntentSession.argmax(p);
            out.add(new Understanding(labels.get(best), p[best], false, batch.get(i).language(), model.name()));
        }
        return out;
    }

    public DescriptiveStatisticsHistogram batchSizes() {
        return batcher.batchSizes();
    }

    public DescriptiveStatisticsHistogram queueWaitMicros() {
        return batcher.queueWaitMicros();
    }

    public DescriptiveStatisticsHistogram inferenceMicros() {
        return batcher.runMicros();
    }

    public long batches() {
        return batcher.batches();
    }


    @Override
    public String toString() {
        return "InferenceService[" + model.name() + " on " + model.provider().name() + "]";
    }
}
