package dev.switchboard.understand;

import ai.onnxruntime.OrtException;
import dev.switchboard.understand.IntentClassifier;
import dev.switchboard.understand.Languages;
import dev.switchboard.understand.Understanding;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One intent model per TaskManager JVM (per model, device and batching settings), shared by all slots:
 * callers queue requests, one worker thread forms a batch when it is full or when its oldest request
 * has waited the maximum delay, runs one {@code OrtSession.run}, and completes each caller's future with
 * its own row of the output.
 *
 * <p>Reference-counted: each operator instance {@link #acquire}s in {@code open} and {@link #release}s
 * in {@code close}; the last release stops the worker and closes the session, so a job restart leaks
 * neither threads nor native memory.
 */
public final class InferenceService implements IntentClassifier {
    private static final Logger LOG = LoggerFactory.getLogger(InferenceService.class);

    private record Key(String modelId, Integer gpuIndex, int maxBatch, long maxDelayNanos, int queueCapacity,
                       int workers) {}

    private static final Map<Key, InferenceService> SHARED = new HashMap<>();

    private record Request(Featurizer.Features features, String language, long enqueuedNanos,
                           CompletableFuture<Understanding> result) {}

    private final Key key;
    private final OnnxIntentSession model;
    private final BlockingQueue<Request> queue;
    private final List<Thread> workers = new ArrayList<>();
    private volatile boolean running = true;
    private int references;

    private final DescriptiveStatisticsHistogram batchSizes = new DescriptiveStatisticsHistogram(1000);
    private final DescriptiveStatisticsHistogram queueWaitMicros = new DescriptiveStatisticsHistogram(1000);
    private final DescriptiveStatisticsHistogram inferenceMicros = new DescriptiveStatisticsHistogram(1000);
    private final AtomicLong batches = new AtomicLong();

    private InferenceService(Key key, OnnxIntentSession model) {
        this.key = key;
        this.model = model;
        this.queue = new ArrayBlockingQueue<>(key.queueCapacity());
        for (int i = 0; i < key.workers(); i++) {
            Thread worker = new Thread(this::work, "switchboard-inference-" + model.name() + "-" + i);
            worker.setDaemon(true);
            workers.add(worker);
        }
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
    public static synchronized InferenceService acquire(InferenceSettings settings, String modelId,
            Supplier<OnnxIntentSession> loader, Integer gpuIndex) {
        Key key = new Key(modelId, gpuIndex, settings.maxBatch(), settings.maxDelay().toNanos(),
                settings.queueCapacity(), settings.workers());
        InferenceService service = SHARED.get(key);
        if (service == null) {
            OnnxIntentSession model = loader.get();
            LOG.info("Intent model {} ({} labels) runs on {}; batches of up to {} after at most {} µs, {} worker(s)",
                    model.name(), model.labels().size(), model.provider().describe(), settings.maxBatch(),
                    settings.maxDelay().toNanos() / 1000, settings.workers());
            service = new InferenceService(key, model);
            service.workers.forEach(Thread::start);
            SHARED.put(key, service);
        }
        service.references++;
        return service;
    }

    /** Gives back one reference; the last one stops the worker and frees the session. */
    public void release() {
        synchronized (InferenceService.class) {
            if (references == 0) {
                return;
            }
            if (--references > 0) {
                return;
            }
            SHARED.remove(key, this);
        }
        running = false;
        for (Thread worker : workers) {
            worker.interrupt();
            try {
                worker.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Request r;
        while ((r = queue.poll()) != null) {
            r.result().completeExceptionally(new IllegalStateException("inference service closed"));
        }
        try {
            model.close();
        } catch (OrtException e) {
            LOG.warn("closing the ONNX Runtime session failed", e);
        }
        LOG.info("Intent model {} released", model.name());
    }

    /** Services alive in this JVM (for tests and leak checks). */
    public static synchronized int liveServices() {
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
        CompletableFuture<Understanding> result = new CompletableFuture<>();
        if (!running) {
            result.completeExceptionally(new IllegalStateException("inference service closed"));
        } else if (!queue.offer(new Request(features, language, System.nanoTime(), result))) {
            result.completeExceptionally(new RejectedExecutionException(
                    "inference queue full (" + key.queueCapacity() + " waiting)"));
        }
        return result;
    }

    private void work() {
        List<Request> batch = new ArrayList<>(key.maxBatch());
        List<Featurizer.Features> features = new ArrayList<>(key.maxBatch());
        while (running) {
            try {
                Request first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                long deadline = first.enqueuedNanos() + key.maxDelayNanos();
                // Take what is already queued in one go, then wait only while the batch is not full and
                // the oldest request still has time.
                queue.drainTo(batch, key.maxBatch() - batch.size());
                while (batch.size() < key.maxBatch()) {
                    long wait = deadline - System.nanoTime();
                    Request next = wait <= 0 ? null : queue.poll(wait, TimeUnit.NANOSECONDS);
                    if (next == null) {
                        break;
                    }
                    batch.add(next);
                    queue.drainTo(batch, key.maxBatch() - batch.size());
                }
                run(batch, features);
            } catch (InterruptedException e) {
                if (!running) {
                    break;
                }
            } catch (RuntimeException e) {
                LOG.error("inference worker failed on a batch of {}", batch.size(), e);
                batch.forEach(r -> r.result().completeExceptionally(e));
            } finally {
                batch.clear();
                features.clear();
            }
        }
        for (Request r : batch) {
            r.result().completeExceptionally(new IllegalStateException("inference service closed"));
        }
    }

    private void run(List<Request> batch, List<Featurizer.Features> features) {
        long start = System.nanoTime();
        for (Request r : batch) {
            features.add(r.features());
            queueWaitMicros.update((start - r.enqueuedNanos()) / 1000);
        }
        float[][] probabilities;
        try {
            probabilities = model.predict(features);
        } catch (OrtException e) {
            batch.forEach(r -> r.result().completeExceptionally(e));
            return;
        }
        inferenceMicros.update((System.nanoTime() - start) / 1000);
        batchSizes.update(batch.size());
        batches.incrementAndGet();
        List<String> labels = model.labels();
        for (int i = 0; i < batch.size(); i++) {
            float[] p = probabilities[i];
            int best = OnnxIntentSession.argmax(p);
            Request r = batch.get(i);
            Understanding understanding = new Understanding(labels.get(best), p[best], false, r.language(), model.name());
            r.result().complete(understanding);
        }
    }

    public DescriptiveStatisticsHistogram batchSizes() {
        return batchSizes;
    }

    public DescriptiveStatisticsHistogram queueWaitMicros() {
        return queueWaitMicros;
    }

    public DescriptiveStatisticsHistogram inferenceMicros() {
        return inferenceMicros;
    }

    public long batches() {
        return batches.get();
    }


    @Override
    public String toString() {
        return "InferenceService[" + model.name() + " on " + model.provider().name() + ", refs=" + references + "]";
    }
}
