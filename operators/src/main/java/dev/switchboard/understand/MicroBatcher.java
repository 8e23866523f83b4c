package dev.switchboard.understand;

import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The micro-batching core of the inference services: callers queue inputs; each worker thread forms a batch when it
 * is full or when its oldest input has waited the maximum delay, runs it in one call, and completes each caller's
 * future with its own output. A full queue refuses at once ({@link RejectedExecutionException}) rather than block the
 * caller (an operator thread).
 */
final class MicroBatcher<I, O> {
    private static final Logger LOG = LoggerFactory.getLogger(MicroBatcher.class);

    /** Runs one batch: one output per input, in the same order. */
    interface Runner<I, O> {
        List<O> run(List<I> inputs) throws Exception;
    }

    private record Request<I, O>(I input, long enqueuedNanos, CompletableFuture<O> result) {}

    private final int maxBatch;
    private final long maxDelayNanos;
    private final int queueCapacity;
    private final Runner<I, O> runner;
    private final BlockingQueue<Request<I, O>> queue;
    private final List<Thread> workers = new ArrayList<>();
    private volatile boolean running = true;

    private final DescriptiveStatisticsHistogram batchSizes = new DescriptiveStatisticsHistogram(1000);
    private final DescriptiveStatisticsHistogram queueWaitMicros = new DescriptiveStatisticsHistogram(1000);
    private final DescriptiveStatisticsHistogram runMicros = new DescriptiveStatisticsHistogram(1000);
    private final AtomicLong batches = new AtomicLong();

    MicroBatcher(String name, int maxBatch, long maxDelayNanos, int queueCapacity, int workerCount, Runner<I, O> runner) {
        this.maxBatch = maxBatch;
        this.maxDelayNanos = maxDelayNanos;
        this.queueCapacity = queueCapacity;
        this.runner = runner;
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        for (int i = 0; i < workerCount; i++) {
            Thread worker = new Thread(this::work, "switchboard-" + name + "-" + i);
            worker.setDaemon(true);
            workers.add(worker);
        }
        workers.forEach(Thread::start);
    }

    CompletableFuture<O> submit(I input) {
        CompletableFuture<O> result = new CompletableFuture<>();
        if (!running) {
            result.completeExceptionally(new IllegalStateException("inference service closed"));
        } else if (!queue.offer(new Request<>(input, System.nanoTime(), result))) {
            result.completeExceptionally(new RejectedExecutionException(
                    "inference queue full (" + queueCapacity + " waiting)"));
        }
        return result;
    }

    /** Stops the workers; what is still queued fails. */
    void stop() {
        running = false;
        for (Thread worker : workers) {
            worker.interrupt();
            try {
                worker.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Request<I, O> r;
        while ((r = queue.poll()) != null) {
            r.result().completeExceptionally(new IllegalStateException("inference service closed"));
        }
    }

    private void work() {
        List<Request<I, O>> batch = new ArrayList<>(maxBatch);
        while (running) {
            try {
                Request<I, O> first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                long deadline = first.enqueuedNanos() + maxDelayNanos;
                // Take what is already queued in one go, then wait only while the batch is not full and the oldest
                // request still has time.
                queue.drainTo(batch, maxBatch - batch.size());
                while (batch.size() < maxBatch) {
                    long wait = deadline - System.nanoTime();
                    Request<I, O> next = wait <= 0 ? null : queue.poll(wait, TimeUnit.NANOSECONDS);
                    if (next == null) {
                        break;
                    }
                    batch.add(next);
                    queue.drainTo(batch, maxBatch - batch.size());
                }
                run(batch);
            } catch (InterruptedException e) {
                if (!running) {
                    break;
                }
            } catch (RuntimeException e) {
                LOG.error("inference worker failed on a batch of {}", batch.size(), e);
                batch.forEach(r -> r.result().completeExceptionally(e));
            } finally {
                batch.clear();
            }
        }
        for (Request<I, O> r : batch) {
            r.result().completeExceptionally(new IllegalStateException("inference service closed"));
        }
    }

    private void run(List<Request<I, O>> batch) {
        long start = System.nanoTime();
        List<I> inputs = new ArrayList<>(batch.size());
        for (Request<I, O> r : batch) {
            inputs.add(r.input());
            queueWaitMicros.update((start - r.enqueuedNanos()) / 1000);
        }
        List<O> outputs;
        try {
            outputs = runner.run(inputs);
        } catch (Exception e) {
            batch.forEach(r -> r.result().completeExceptionally(e));
            return;
        }
        runMicros.update((System.nanoTime() - start) / 1000);
        batchSizes.update(batch.size());
        batches.incrementAndGet();
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).result().complete(outputs.get(i));
        }
    }

    DescriptiveStatisticsHistogram batchSizes() {
        return batchSizes;
    }

    DescriptiveStatisticsHistogram queueWaitMicros() {
        return queueWaitMicros;
    }

    DescriptiveStatisticsHistogram runMicros() {
        return runMicros;
    }

    long batches() {
        return batches.get();
    }
}
