package dev.switchboard.bench;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.switchboard.understand.Utterances;

import java.io.InputStream;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The pretrained BGE-small sentence encoders (English and Chinese, INT8 and FP32, from Maven Central jars) on this
 * project's ONNX Runtime, with DJL's HuggingFace tokenizers, in one run: does a sentence's embedding depend on the
 * other sentences of its batch (the INT8 files quantize activations with one scale per batch), and what does each
 * cost per text by batch size. Embedding: the [CLS] token of {@code last_hidden_state}, L2-normalized (BGE's
 * pooling); batches padded to their longest text, with attention masks.
 *
 * <p>Run: {@code bin/bench encoder [--seconds 2]} (the model jars come with the Maven profile {@code encoders}).
 */
public final class EncoderBenchmark {

    record Model(String name, String onnx, String tokenizer) {}

    public static void main(String[] args) throws Exception {
        double seconds = args.length >= 2 && args[0].equals("--seconds") ? Double.parseDouble(args[1]) : 2;
        System.out.printf(Locale.ROOT, "# Encoder benchmark, %s, %d cores, bin/bench encoder --seconds %.0f%n", LocalDate.now(),
                Runtime.getRuntime().availableProcessors(), seconds);
        Map<String, List<String>> texts = new HashMap<>();
        for (Utterances.Utterance u : Utterances.read(Path.of("training/data/utterances.tsv"))) {
            texts.computeIfAbsent(u.language(), k -> new ArrayList<>()).add(u.text());
        }
        List<Model> models = List.of(
                new Model("en int8", "bge-small-en-v1.5-q.onnx", "bge-small-en-v1.5-q-tokenizer.json"),
                new Model("en fp32", "bge-small-en-v1.5.onnx", "bge-small-en-v1.5-tokenizer.json"),
                new Model("zh int8", "bge-small-zh-v1.5-q.onnx", "bge-small-zh-v1.5-q-tokenizer.json"),
                new Model("zh fp32", "bge-small-zh-v1.5.onnx", "bge-small-zh-v1.5-tokenizer.json"));
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        System.out.println("| model | max cosine distance, alone vs in a batch | max change of a pair's similarity | texts/s batch 1 | batch 8 | batch 32 | batch 64 |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|");
        for (Model m : models) {
            List<String> all = new ArrayList<>(texts.get(m.name().startsWith("zh") ? "zh" : "en"));
            Collections.shuffle(all, new Random(7));
            List<String> sample = all.subList(0, Math.min(96, all.size()));
            Path tokenizerFile = Files.createTempFile("tokenizer", ".json");
            try (InputStream in = resource(m.tokenizer())) {
                Files.write(tokenizerFile, in.readAllBytes());
            }
            byte[] onnx;
            try (InputStream in = resource(m.onnx())) {
                onnx = in.readAllBytes();
            }
            try (HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(tokenizerFile, Map.of("padding", "false"));
                 OrtSession session = env.createSession(onnx, new OrtSession.SessionOptions())) {
                // Alone: each sentence its own batch.
                List<float[]> alone = new ArrayList<>();
                for (String t : sample) {
                    alone.add(embed(env, session, tokenizer, List.of(t)).get(0));
                }
                // In batches of 16 of mixed lengths, three different compositions.
                double maxDistance = 0;
                double maxPair = 0;
                for (int round = 0; round < 3; round++) {
                    List<Integer> order = new ArrayList<>();
                    for (int i = 0; i < sample.size(); i++) {
                        order.add(i);
                    }
                    Collections.shuffle(order, new Random(round));
                    float[][] batched = new float[sample.size()][];
                    for (int start = 0; start < order.size(); start += 16) {
                        List<Integer> ids = order.subList(start, Math.min(order.size(), start + 16));
                        List<String> batch = new ArrayList<>();
                        ids.forEach(i -> batch.add(sample.get(i)));
                        List<float[]> out = embed(env, session, tokenizer, batch);
                        for (int k = 0; k < ids.size(); k++) {
                            batched[ids.get(k)] = out.get(k);
                        }
                    }
                    for (int i = 0; i < sample.size(); i++) {
                        maxDistance = Math.max(maxDistance, 1 - dot(alone.get(i), batched[i]));
                        for (int j = i + 1; j < sample.size(); j++) {
                            maxPair = Math.max(maxPair, Math.abs(dot(alone.get(i), alone.get(j)) - dot(batched[i], batched[j])));
                        }
                    }
                }
                StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %s | %.4f | %.4f |", m.name(), maxDistance, maxPair));
                for (int size : new int[] {1, 8, 32, 64}) {
                    row.append(String.format(Locale.ROOT, " %,.0f |", throughput(env, session, tokenizer, sample, size, seconds)));
                }
                System.out.println(row);
            }
        }
    }

    static InputStream resource(String name) {
        InputStream in = EncoderBenchmark.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new IllegalStateException(name + " is not on the class path: run bin/bench encoder (Maven profile encoders)");
        }
        return in;
    }

    /** Embeddings of one batch, padded to its longest text. */
    static List<float[]> embed(OrtEnvironment env, OrtSession session, HuggingFaceTokenizer tokenizer, List<String> batch) throws Exception {
        Encoding[] enc = tokenizer.batchEncode(batch);
        int width = 0;
        for (Encoding e : enc) {
            width = Math.max(width, Math.min(512, e.getIds().length));
        }
        long[] ids = new long[batch.size() * width];
        long[] mask = new long[batch.size() * width];
        long[] types = new long[batch.size() * width];
        for (int i = 0; i < enc.length; i++) {
            long[] t = enc[i].getIds();
            for (int j = 0; j < Math.min(width, t.length); j++) {
                ids[i * width + j] = t[j];
                mask[i * width + j] = 1;
            }
        }
        long[] shape = {batch.size(), width};
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try (OnnxTensor a = OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape);
             OnnxTensor b = OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape);
             OnnxTensor c = OnnxTensor.createTensor(env, LongBuffer.wrap(types), shape)) {
            inputs.put("input_ids", a);
            inputs.put("attention_mask", b);
            if (session.getInputNames().contains("token_type_ids")) {
                inputs.put("token_type_ids", c);
            }
            try (OrtSession.Result r = session.run(inputs)) {
                float[][][] hidden = (float[][][]) r.get(0).getValue();
                List<float[]> out = new ArrayList<>();
                for (float[][] h : hidden) {
                    float[] cls = h[0].clone();
                    double norm = 0;
                    for (float v : cls) {
                        norm += v * v;
                    }
                    norm = Math.sqrt(norm);
                    for (int k = 0; k < cls.length; k++) {
                        cls[k] /= (float) norm;
                    }
                    out.add(cls);
                }
                return out;
            }
        }
    }

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    static double throughput(OrtEnvironment env, OrtSession session, HuggingFaceTokenizer tokenizer, List<String> texts, int size,
            double seconds) throws Exception {
        List<String> batch = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            batch.add(texts.get(i % texts.size()));
        }
        embed(env, session, tokenizer, batch);
        long done = 0;
        long start = System.nanoTime();
        while (System.nanoTime() - start < seconds * 1e9) {
            embed(env, session, tokenizer, batch);
            done += size;
        }
        return done / ((System.nanoTime() - start) / 1e9);
    }

    private EncoderBenchmark() {}
}
