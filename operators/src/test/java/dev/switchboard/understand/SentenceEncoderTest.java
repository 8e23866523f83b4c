package dev.switchboard.understand;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The shipped encoders through this project's ONNX Runtime and DJL's tokenizers.
 *
 * <p>Reference token ids are the public BERT vocabularies' (BGE-small-en uses bert-base-uncased's: [CLS] 101, [SEP]
 * 102, "hello" 7592, "world" 2088; BGE-small-zh uses bert-base-chinese's: 你 872, 好 1962). The reference embeddings
 * were computed once with this code on 2026-11-30 (ONNX Runtime 1.29 CPU, the Maven Central files named in
 * {@link SentenceEncoder}): they pin the whole path (tokenizer, graph, [CLS] pooling, normalization), so a change of
 * model file, tokenizer version or pooling shows here; the similarity checks beside them hold for any sound encoder.
 */
class SentenceEncoderTest {
    static SentenceEncoder english;
    static SentenceEncoder chinese;

    @BeforeAll
    static void load() {
        english = SentenceEncoder.load(SentenceEncoder.ENGLISH, null);
        chinese = SentenceEncoder.load(SentenceEncoder.CHINESE, null);
    }

    @AfterAll
    static void close() throws Exception {
        english.close();
        chinese.close();
    }

    @Test
    void tokenIdsAreTheBertVocabularies() {
        assertThat(english.tokenIds("hello world")).containsExactly(101, 7592, 2088, 102);
        assertThat(english.tokenIds("When are you OPEN")).containsExactly(101, 2043, 2024, 2017, 2330, 102);
        assertThat(chinese.tokenIds("你好")).containsExactly(101, 872, 1962, 102);
        assertThat(english.tokenIds("word ".repeat(1000))).hasSize(SentenceEncoder.MAX_TOKENS);
        assertThat(english.tokenIds("")).containsExactly(101, 102);
    }

    @Test
    void longNumbersAndEnglishCaseDoNotMakeANewText() throws Exception {
        assertThat(SentenceEncoder.normalize(SentenceEncoder.ENGLISH, "  Where is Order #10234? ")).isEqualTo("where is order #0000?");
        assertThat(SentenceEncoder.normalize(SentenceEncoder.ENGLISH, "open 24 hours in 2026")).isEqualTo("open 24 hours in 0000");
        assertThat(SentenceEncoder.normalize(SentenceEncoder.CHINESE, "订单号 48213")).isEqualTo("订单号 0000");
        assertThat(SentenceEncoder.normalize(SentenceEncoder.CHINESE, "ABC 订单")).isEqualTo("ABC 订单");
        float[][] two = english.embed(List.of("Order 10234 has not arrived", "order 99999999 has not arrived"));
        assertThat(two[0]).isEqualTo(two[1]);
    }

    @Test
    void embeddingsMatchTheReferenceVectors() throws Exception {
        assertThat(english.dimension()).isEqualTo(384);
        assertThat(chinese.dimension()).isEqualTo(512);
        float[] en = english.embed(List.of("when are you open"))[0];
        float[] zh = chinese.embed(List.of("你们几点开门"))[0];
        float[] enRef = {-0.027868f, -0.096167f, 0.098340f, -0.016151f, -0.011085f, 0.032696f, 0.058502f, 0.003061f};
        float[] zhRef = {0.064128f, 0.030559f, 0.046424f, 0.013312f, 0.029166f, 0.009290f, -0.016843f, -0.000500f};
        for (int i = 0; i < enRef.length; i++) {
            assertThat(en[i]).as("en[%d]", i).isCloseTo(enRef[i], within(2e-5f));
            assertThat(zh[i]).as("zh[%d]", i).isCloseTo(zhRef[i], within(2e-5f));
        }
        assertThat(SentenceEncoder.similarity(en, en)).isCloseTo(1.0, within(1e-5));
    }

    @Test
    void paraphrasesAreCloserThanOtherQuestions() throws Exception {
        float[][] en = english.embed(List.of("when are you open", "what are your opening hours",
                "I want my money back for this order"));
        assertThat(SentenceEncoder.similarity(en[0], en[1])).isGreaterThan(SentenceEncoder.similarity(en[0], en[2]) + 0.1);
        float[][] zh = chinese.embed(List.of("你们几点开门", "营业时间是什么时候", "我要退款"));
        assertThat(SentenceEncoder.similarity(zh[0], zh[1])).isGreaterThan(SentenceEncoder.similarity(zh[0], zh[2]) + 0.1);
    }

    /** A text's embedding does not depend on what shares its batch (lengths 2 to 60 tokens mixed). */
    @Test
    void aTextsEmbeddingDoesNotDependOnItsBatch() throws Exception {
        for (SentenceEncoder encoder : List.of(english, chinese)) {
            List<String> texts = texts(encoder == chinese);
            float[][] alone = new float[texts.size()][];
            for (int i = 0; i < texts.size(); i++) {
                alone[i] = encoder.embed(List.of(texts.get(i)))[0];
            }
            for (int round = 0; round < 3; round++) {
                List<Integer> order = new ArrayList<>();
                for (int i = 0; i < texts.size(); i++) {
                    order.add(i);
                }
                Collections.shuffle(order, new Random(round));
                int size = 3 + round * 7;
                for (int start = 0; start < order.size(); start += size) {
                    List<Integer> ids = order.subList(start, Math.min(order.size(), start + size));
                    float[][] out = encoder.embed(ids.stream().map(texts::get).toList());
                    for (int k = 0; k < ids.size(); k++) {
                        float[] a = alone[ids.get(k)];
                        for (int d = 0; d < a.length; d++) {
                            assertThat(out[k][d]).as("%s, text %d, round %d", encoder.name(), ids.get(k), round)
                                    .isCloseTo(a[d], within(1e-5f));
                        }
                    }
                }
            }
        }
    }

    /** The shared service: concurrent texts of mixed lengths, batched, each answered with its own embedding. */
    @Test
    void theServiceAnswersEachTextWithItsOwnEmbedding() throws Exception {
        EncoderService service = EncoderService.acquire(SentenceEncoder.ENGLISH, InferenceSettings.DEFAULTS, null);
        try {
            List<String> texts = texts(false);
            List<CompletableFuture<float[]>> futures = new ArrayList<>();
            for (String t : texts) {
                futures.add(service.embed(t));
            }
            for (int i = 0; i < texts.size(); i++) {
                float[] expected = english.embed(List.of(texts.get(i)))[0];
                float[] got = futures.get(i).get();
                assertThat(SentenceEncoder.similarity(expected, got)).as(texts.get(i)).isCloseTo(1.0, within(1e-5));
            }
            assertThat(service.batchSizes().getStatistics().getMax()).isGreaterThan(1);
            long encodedBefore = service.encoded();
            assertThat(service.embed(texts.get(0)).get()).isEqualTo(futures.get(0).get());
            assertThat(service.encoded()).as("a repeated text comes from the cache").isEqualTo(encodedBefore);
            assertThat(service.cacheHits()).isPositive();
        } finally {
            service.release();
        }
        assertThat(EncoderService.liveServices()).isZero();
    }

    static List<String> texts(boolean chinese) {
        List<String> out = new ArrayList<>();
        Random random = new Random(11);
        String[] words = chinese ? new String[] {"订单", "退款", "什么时候", "发货", "我的", "包裹", "还没有", "到", "请问", "营业"}
                : new String[] {"order", "refund", "when", "shipping", "my", "parcel", "has", "not", "arrived", "please"};
        for (int i = 0; i < 30; i++) {
            int n = 1 + random.nextInt(i % 3 == 0 ? 40 : 6);
            StringBuilder b = new StringBuilder();
            for (int w = 0; w < n; w++) {
                b.append(words[random.nextInt(words.length)]).append(chinese ? "" : " ");
            }
            out.add(b.toString().strip());
        }
        return out;
    }
}
