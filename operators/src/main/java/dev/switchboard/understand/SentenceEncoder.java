package dev.switchboard.understand;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import java.io.IOException;
import java.io.InputStream;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A pretrained BERT-style sentence encoder (BGE-small v1.5, English or Chinese) in one ONNX Runtime session, with its
 * own HuggingFace tokenizer: texts in, unit-length embeddings out ({@code [CLS]} of the last hidden state, L2-normalized,
 * which is how BGE is meant to be pooled), so a dot product is a cosine similarity.
 *
 * <p>Batches: the texts of one call are sorted by token count and cut into groups whose longest text is at most
 * {@value #PAD_SLACK}× the shortest (plus a few tokens); each group is one {@code run}, padded to its own longest
 * text, with an attention mask, so a short message never pays for a long one. The FP32 files give the same embedding
 * for a text whatever shares its batch (padding is masked): {@code EncoderDeterminismTest}.
 *
 * <p>Not thread-safe for {@link #close}; {@link #embed} may be called from several threads (ONNX Runtime sessions
 * and DJL tokenizers allow concurrent use).
 */
public final class SentenceEncoder implements AutoCloseable {
    /** Tokens beyond this are cut (chat messages rarely reach it; BGE takes 512, at quadratic cost). */
    public static final int MAX_TOKENS = 256;
    static final double PAD_SLACK = 1.5;

    /** One of the encoders the project ships, by the language it was trained for. */
    public record Model(String language, String name, String onnxResource, String tokenizerResource) {}

    public static final Model ENGLISH = new Model(Languages.ENGLISH, "bge-small-en-v1.5",
            "bge-small-en-v1.5.onnx", "bge-small-en-v1.5-tokenizer.json");
    public static final Model CHINESE = new Model(Languages.CHINESE, "bge-small-zh-v1.5",
            "bge-small-zh-v1.5.onnx", "bge-small-zh-v1.5-tokenizer.json");

    /** The encoder for a message's language: Chinese text to the Chinese model, everything else to the English one. */
    public static Model forLanguage(String language) {
        return Languages.CHINESE.equals(language) ? CHINESE : ENGLISH;
    }

    private final Model model;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final HuggingFaceTokenizer tokenizer;
    private final boolean tokenTypes;
    private final ExecutionProvider provider;
    private final int dimension;

    private SentenceEncoder(Model model, OrtEnvironment env, OrtSession session, HuggingFaceTokenizer tokenizer,
            ExecutionProvider provider) throws OrtException {
        this.model = model;
        this.env = env;
        this.session = session;
        this.tokenizer = tokenizer;
        this.provider = provider;
        this.tokenTypes = session.getInputNames().contains("token_type_ids");
        this.dimension = (int) ((ai.onnxruntime.TensorInfo) session.getOutputInfo().values().iterator().next().getInfo())
                .getShape()[2];
    }

    /**
     * Loads one of the shipped encoders from the class path (its jar from Maven Central: in Flink's {@code lib/} on a
     * cluster), on the GPU Flink assigned when ONNX Runtime can use it, else on the CPU.
     *
     * @throws IllegalArgumentException when the model's files are not on the class path or do not load
     */
    public static SentenceEncoder load(Model model, Integer gpuIndex) {
        byte[] onnx = resource(model.onnxResource(), model);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        ExecutionProvider provider = ExecutionProvider.choose(gpuIndex);
        HuggingFaceTokenizer tokenizer;
        try (InputStream in = stream(model.tokenizerResource(), model)) {
            tokenizer = HuggingFaceTokenizer.newInstance(in, Map.of("padding", "false", "truncation", "true",
                    "maxLength", Integer.toString(MAX_TOKENS)));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("the tokenizer of " + model.name() + " does not load: " + e.getMessage(), e);
        }
        try (OrtSession.SessionOptions options = provider.options()) {
            return new SentenceEncoder(model, env, env.createSession(onnx, options), tokenizer, provider);
        } catch (OrtException e) {
            tokenizer.close();
            throw new IllegalArgumentException(model.name() + " is not a model ONNX Runtime can load: " + e.getMessage(), e);
        }
    }

    private static byte[] resource(String name, Model model) {
        try (InputStream in = stream(name, model)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + name + ": " + e.getMessage(), e);
        }
    }

    private static InputStream stream(String name, Model model) {
        InputStream in = SentenceEncoder.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new IllegalArgumentException(name + " is not on the class path: the encoder " + model.name()
                    + " comes in the jar dev.langchain4j:langchain4j-embeddings-" + model.name().replace("-v1.5", "-v15")
                    + " (on a cluster, in Flink's lib/)");
        }
        return in;
    }

    public Model model() {
        return model;
    }

    public String name() {
        return model.name();
    }

    public int dimension() {
        return dimension;
    }

    public ExecutionProvider provider() {
        return provider;
    }

    private static final java.util.regex.Pattern LONG_NUMBER = java.util.regex.Pattern.compile("\\d{4,}");

    /**
     * What is embedded for a text: stripped; every run of four or more digits (an order, a phone or a ticket number)
     * written as {@code 0000}, since which number it is says nothing about what the message means, and chat traffic is
     * full of them (so "order 10234" and "order 10235" are one text to embed and to cache); lowercased for the English
     * model, whose tokenizer lowercases anyway (uncased vocabulary).
     */
    public static String normalize(Model model, String text) {
        String t = text == null ? "" : LONG_NUMBER.matcher(text.strip()).replaceAll("0000");
        return model.language().equals(Languages.ENGLISH) ? t.toLowerCase(java.util.Locale.ROOT) : t;
    }

    /** Token ids of a text as the model sees it ({@code [CLS]} … {@code [SEP]}, cut at {@link #MAX_TOKENS}). */
    public long[] tokenIds(String text) {
        return tokenizer.encode(text == null ? "" : text).getIds();
    }

    /** Unit-length embeddings, one per text, in the order given. */
    public float[][] embed(List<String> texts) throws OrtException {
        int n = texts.size();
        float[][] out = new float[n][];
        if (n == 0) {
            return out;
        }
        List<String> clean = new ArrayList<>(n);
        for (String t : texts) {
            clean.add(normalize(model, t));
        }
        Encoding[] encodings = tokenizer.batchEncode(clean);
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, Comparator.comparingInt(i -> encodings[i].getIds().length));
        int start = 0;
        while (start < n) {
            int shortest = encodings[order[start]].getIds().length;
            int end = start + 1;
            while (end < n && encodings[order[end]].getIds().length <= shortest * PAD_SLACK + 4) {
                end++;
            }
            run(encodings, order, start, end, out);
            start = end;
        }
        return out;
    }

    /** One session run over {@code order[start, end)}, padded to the group's longest text. */
    private void run(Encoding[] encodings, Integer[] order, int start, int end, float[][] out) throws OrtException {
        int rows = end - start;
        int width = encodings[order[end - 1]].getIds().length;
        long[] ids = new long[rows * width];
        long[] mask = new long[rows * width];
        for (int r = 0; r < rows; r++) {
            long[] t = encodings[order[start + r]].getIds();
            System.arraycopy(t, 0, ids, r * width, t.length);
            java.util.Arrays.fill(mask, r * width, r * width + t.length, 1L);
        }
        long[] shape = {rows, width};
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try (OnnxTensor idTensor = OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape);
             OnnxTensor maskTensor = OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape);
             OnnxTensor typeTensor = tokenTypes ? OnnxTensor.createTensor(env, LongBuffer.wrap(new long[rows * width]), shape) : null) {
            inputs.put("input_ids", idTensor);
            inputs.put("attention_mask", maskTensor);
            if (typeTensor != null) {
                inputs.put("token_type_ids", typeTensor);
            }
            try (OrtSession.Result result = session.run(inputs)) {
                // last_hidden_state [rows, width, dim]: read only each row's first ([CLS]) vector.
                java.nio.FloatBuffer hidden = ((OnnxTensor) result.get(0)).getFloatBuffer();
                for (int r = 0; r < rows; r++) {
                    float[] cls = new float[dimension];
                    hidden.get(r * width * dimension, cls);
                    out[order[start + r]] = normalize(cls);
                }
            }
        }
    }

    static float[] normalize(float[] v) {
        double norm = 0;
        for (float x : v) {
            norm += x * x;
        }
        norm = Math.sqrt(norm);
        if (norm > 0) {
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (v[i] / norm);
            }
        }
        return v;
    }

    /** Cosine similarity of two unit vectors. */
    public static double similarity(float[] a, float[] b) {
        // Four independent float sums: the loop's iterations no longer wait on one another (2–4× faster than one
        // double sum here); the rounding stays far below any threshold's precision.
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        int n = a.length;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            s0 += a[i] * b[i];
            s1 += a[i + 1] * b[i + 1];
            s2 += a[i + 2] * b[i + 2];
            s3 += a[i + 3] * b[i + 3];
        }
        for (; i < n; i++) {
            s0 += a[i] * b[i];
        }
        return (double) s0 + s1 + s2 + s3;
    }

    @Override
    public void close() throws OrtException {
        try {
            session.close();
        } finally {
            tokenizer.close();
        }
    }
}
