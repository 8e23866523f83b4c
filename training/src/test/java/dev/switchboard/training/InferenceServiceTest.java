package dev.switchboard.training;

import dev.switchboard.understand.Utterances;

import dev.switchboard.understand.InferenceService;
import dev.switchboard.understand.InferenceSettings;
import dev.switchboard.understand.Understanding;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The shared batching service over the built model, under concurrent callers. */
class InferenceServiceTest {
    private static final InferenceSettings SETTINGS =
            new InferenceSettings(null, null, false, 32, Duration.ofMillis(5), 10_000, 1);

    @Test
    void concurrentCallersEachGetTheirOwnResultAndBatchesForm() throws Exception {
        List<Utterances.Utterance> all = Utterances.read(Path.of("data/utterances.tsv"));
        InferenceService service = InferenceService.acquire(SETTINGS, null);
        ExecutorService callers = Executors.newFixedThreadPool(8);
        try {
            // What each text gets alone, one run per text.
            List<String> expected = new ArrayList<>();
            for (Utterances.Utterance u : all) {
                float[] p = service.model().predict(List.of(service.model().featurizer().featurize(u.text())))[0];
                int best = dev.switchboard.understand.OnnxIntentSession.argmax(p);
                expected.add(service.model().labels().get(best));
            }
            long batchesBefore = service.batches();
            List<Future<List<Understanding>>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int offset = t;
                futures.add(callers.submit(() -> {
                    List<CompletableFuture<Understanding>> mine = new ArrayList<>();
                    for (int i = offset; i < all.size(); i += 8) {
                        mine.add(service.classify(all.get(i).text()));
                    }
                    List<Understanding> out = new ArrayList<>();
                    for (CompletableFuture<Understanding> f : mine) {
                        out.add(f.get(30, TimeUnit.SECONDS));
                    }
                    return out;
                }));
            }
            for (int t = 0; t < 8; t++) {
                List<Understanding> got = futures.get(t).get(60, TimeUnit.SECONDS);
                for (int j = 0, i = t; i < all.size(); i += 8, j++) {
                    assertThat(got.get(j).intent()).as(all.get(i).text()).isEqualTo(expected.get(i));
                    assertThat(got.get(j).source()).isEqualTo("switchboard-intent-v1");
                    assertThat(got.get(j).language()).isEqualTo(dev.switchboard.understand.Languages.detect(all.get(i).text()));
                }
            }
            long batches = service.batches() - batchesBefore;
            assertThat(batches).as("batches for %d requests", all.size()).isLessThan(all.size() / 2);
            assertThat(service.batchSizes().getStatistics().getMax()).isGreaterThan(1);
            assertThat(service.batchSizes().getStatistics().getMax()).isLessThanOrEqualTo(32);
        } finally {
            callers.shutdownNow();
            service.release();
        }
        assertThat(InferenceService.liveServices()).isZero();
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().startsWith("switchboard-inference-"));
        assertThatThrownBy(() -> service.classify("hello").get(5, TimeUnit.SECONDS)).hasMessageContaining("closed");
    }

    @Test
    void oneServicePerJvmIsSharedAndReferenceCounted() {
        InferenceService a = InferenceService.acquire(SETTINGS, null);
        InferenceService b = InferenceService.acquire(SETTINGS, null);
        assertThat(b).isSameAs(a);
        assertThat(InferenceService.liveServices()).isEqualTo(1);
        a.release();
        assertThat(InferenceService.liveServices()).isEqualTo(1);
        b.release();
        assertThat(InferenceService.liveServices()).isZero();
    }

    @Test
    void aFullQueueRefusesInsteadOfBlocking() throws Exception {
        InferenceService service = InferenceService.acquire(
                new InferenceSettings(null, null, false, 1, Duration.ZERO, 1, 1), null);
        try {
            List<CompletableFuture<Understanding>> burst = new ArrayList<>();
            for (int i = 0; i < 2_000; i++) {
                burst.add(service.classify("where is my order " + i));
            }
            long refused = burst.stream().filter(f -> {
                try {
                    f.get(30, TimeUnit.SECONDS);
                    return false;
                } catch (Exception e) {
                    return e.getCause() instanceof RejectedExecutionException;
                }
            }).count();
            assertThat(refused).isGreaterThan(0);
        } finally {
            service.release();
        }
    }
}
