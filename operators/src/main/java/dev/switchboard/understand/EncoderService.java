package dev.switchboard.understand;

import ai.onnxruntime.OrtException;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One sentence encoder per TaskManager JVM (per model, device and batching settings), shared by every slot and every
 * bot that uses it, micro-batched like the intent models ({@link MicroBatcher}), reference-counted like them: the last
 * {@link #release} stops the workers and frees the session.
 *
 * <p>In front of it, a cache of the most recent distinct texts ({@code --encoder-cache-size}, 10,000 by default) (chat traffic repeats itself:
 * "hi", "yes", "thanks"); a hit costs no inference. Safe only because the FP32 encoders give a text the same
 * embedding in any batch.
 */
public final class EncoderService {
    private static final Logger LOG = LoggerFactory.getLogger(EncoderService.class);
    /** Encoder batches stay smaller than the n-gram model's: a transformer's cost grows with the padded width. */
    public static final int MAX_BATCH = 32;

    private record Key(String model, Integer gpuIndex, int maxBatch, long maxDelayNanos, int queueCapacity, int workers,
                       int cacheSize) {}

    private static final SharedServices<Key, EncoderService> SHARED = new SharedServices<>();

    private final Key key;
    private final SentenceEncoder encoder;
    private final MicroBatcher<String, float[]> batcher;
    /** Recent texts' embeddings, or null when the cache is off. */
    private final RecentTexts<float[]> cache;
    private final AtomicLong cacheHits = new AtomicLong();
    private final AtomicLong encoded = new AtomicLong();

    private EncoderService(Key key, SentenceEncoder encoder) {
        this.key = key;
        this.encoder = encoder;
        this.cache = key.cacheSize() > 0 ? new RecentTexts<>(key.cacheSize()) : null;
        this.batcher = new MicroBatcher<>("encoder-" + encoder.name(), key.maxBatch(), key.maxDelayNanos(),
                key.queueCapacity(), key.workers(), this::run);
    }

    /**
     * The shared encoder for a language's model on this JVM, loaded on first use.
     *
     * @throws IllegalArgumentException when the model cannot be loaded
     */
    public static EncoderService acquire(SentenceEncoder.Model model, InferenceSettings settings, Integer gpuIndex) {
        Key key = new Key(model.name(), gpuIndex, Math.min(MAX_BATCH, settings.maxBatch()), settings.maxDelay().toNanos(),
                settings.queueCapacity(), settings.workers(), settings.encoderCacheSize());
        return SHARED.acquire(key, () -> {
            long start = System.nanoTime();
            SentenceEncoder encoder = SentenceEncoder.load(model, gpuIndex);
            LOG.info("Sentence encoder {} ({} dimensions) loaded in {} ms, runs on {}; batches of up to {}, {} worker(s)",
                    encoder.name(), encoder.dimension(), (System.nanoTime() - start) / 1_000_000,
                    encoder.provider().describe(), key.maxBatch(), key.workers());
            return new EncoderService(key, encoder);
        });
    }

    /** Gives back one reference; the last one stops the workers and frees the session. */
    public void release() {
        if (!SHARED.release(key, this)) {
            return;
        }
        batcher.stop();
        try {
            encoder.close();
        } catch (OrtException e) {
            LOG.warn("closing the encoder's session failed", e);
        }
        LOG.info("Sentence encoder {} released", encoder.name());
    }

    /** Services alive in this JVM (for tests and leak checks). */
    public static int liveServices() {
        return SHARED.size();
    }

    public SentenceEncoder encoder() {
        return encoder;
    }

    /** The text's unit-length embedding: from the cache, or queued for the next batch. */
    public CompletableFuture<float[]> embed(String text) {
        String t = cacheKey(text);
        float[] hit = cache == null ? null : cache.get(t);
        if (hit != null) {
            cacheHits.incrementAndGet();
            return CompletableFuture.completedFuture(hit);
        }
        return batcher.submit(t);
    }

    /** The cache's key for a text: what the encoder embeds for it ({@link SentenceEncoder#normalize}). */
    String cacheKey(String text) {
        return SentenceEncoder.normalize(encoder.model(), text);
    }

    /** Embeddings of many texts at once, in order, bypassing the queue (loading a bot's examples and knowledge). */
    public float[][] embedAll(List<String> texts) throws OrtException {
        float[][] out = new float[texts.size()][];
        for (int start = 0; start < texts.size(); start += 256) {
            List<String> part = texts.subList(start, Math.min(texts.size(), start + 256));
            float[][] done = encoder.embed(part);
            encoded.addAndGet(part.size());
            System.arraycopy(done, 0, out, start, done.length);
        }
        return out;
    }

    private List<float[]> run(List<String> texts) throws OrtException {
        float[][] vectors = encoder.embed(texts);
        encoded.addAndGet(texts.size());
        if (cache != null) {
            for (int i = 0; i < texts.size(); i++) {
                cache.put(texts.get(i), vectors[i]);
            }
        }
        return java.util.Arrays.asList(vectors);
    }

    public long cacheHits() {
        return cacheHits.get();
    }

    /** Texts run through the model: messages' cache misses and the texts of bots being loaded. */
    public long encoded() {
        return encoded.get();
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

    @Override
    public String toString() {
        return "EncoderService[" + encoder.name() + " on " + encoder.provider().name() + "]";
    }
}
