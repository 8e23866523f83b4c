package dev.switchboard.understand;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.switchboard.understand.Intent;

import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An intent model file loaded into an ONNX Runtime session, checked against {@link ModelContract} at
 * load time: a file that does not fit is refused with a message that says what is wrong.
 */
public final class OnnxIntentSession implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(OnnxIntentSession.class);

    /** Where the model comes from: the file the build trained (null path) or a user's file. */
    public static byte[] readBytes(String path) throws IOException {
        if (path == null) {
            try (InputStream in = OnnxIntentSession.class.getResourceAsStream(ModelContract.BUILT_IN_RESOURCE)) {
                if (in == null) {
                    throw new IOException("the built-in intent model " + ModelContract.BUILT_IN_RESOURCE
                            + " is not on the class path (is switchboard-training on it?)");
                }
                return in.readAllBytes();
            }
        }
        return Files.readAllBytes(Path.of(path));
    }

    private final OrtEnvironment env;
    private final OrtSession session;
    private final String name;
    private final List<String> labels;
    private final Featurizer featurizer;
    private final ExecutionProvider provider;

    private OnnxIntentSession(OrtEnvironment env, OrtSession session, String name, List<String> labels,
            Featurizer featurizer, ExecutionProvider provider) {
        this.env = env;
        this.session = session;
        this.name = name;
        this.labels = labels;
        this.featurizer = featurizer;
        this.provider = provider;
    }

    /**
     * Loads and validates a model.
     *
     * @param path a model file, or null for the built-in model
     * @param gpuIndex the GPU Flink assigned to this TaskManager, or null for none
     * @throws IllegalArgumentException when the file cannot be read or does not fit the contract
     */
    public static OnnxIntentSession load(String path, Integer gpuIndex) {
        String what = path == null ? "built-in intent model" : "intent model " + path;
        byte[] bytes;
        try {
            bytes = readBytes(path);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + what + ": " + e.getMessage(), e);
        }
        return load(bytes, what, path == null ? "built-in" : Path.of(path).getFileName().toString(), knownLabels(), false,
                gpuIndex);
    }

    /**
     * Loads and validates a model from its bytes: a model trained from a bot definition (whose labels are
     * that bot's intents), or a bring-your-own file for it.
     *
     * @param what names the model in messages
     * @param labels the labels the model may have, all of them: its labels must be exactly these, in any order
     */
    public static OnnxIntentSession load(byte[] bytes, String what, List<String> labels, Integer gpuIndex) {
        return load(bytes, what, what, List.copyOf(labels), true, gpuIndex);
    }

    /** {@code exact}: the labels must be all of {@code allowed} (a bot's intents), not a subset (the policy's). */
    private static OnnxIntentSession load(byte[] bytes, String what, String defaultName, List<String> allowed,
            boolean exact, Integer gpuIndex) {
        if (!"1".equals(System.getenv("ORT_DISABLE_TELEMETRY"))) {
            // ONNX Runtime 1.29 segfaults here when the command line is longer than ~3.9 KB (as Flink's
            // TaskManager command lines are) unless telemetry is disabled; say so before it happens.
            LOG.warn("ORT_DISABLE_TELEMETRY=1 is not set in this process's environment: ONNX Runtime may crash"
                    + " the JVM on long command lines. Set it in the TaskManager environment.");
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        ExecutionProvider provider = ExecutionProvider.choose(gpuIndex);
        OrtSession session;
        try (OrtSession.SessionOptions options = provider.options()) {
            session = env.createSession(bytes, options);
        } catch (OrtException e) {
            throw new IllegalArgumentException(what + " is not a model ONNX Runtime can load: " + e.getMessage(), e);
        }
        try {
            Map<String, String> meta = session.getMetadata().getCustomMetadata();
            List<String> labels = labels(meta, what, allowed, exact);
            Featurizer featurizer = featurizer(meta, what);
            checkSignature(session, labels.size(), what);
            String name = meta.getOrDefault(ModelContract.META_NAME, defaultName);
            return new OnnxIntentSession(env, session, name, labels, featurizer, provider);
        } catch (OrtException | RuntimeException e) {
            try {
                session.close();
            } catch (OrtException closing) {
                e.addSuppressed(closing);
            }
            if (e instanceof IllegalArgumentException iae) {
                throw iae;
            }
            throw new IllegalArgumentException(what + " cannot be inspected: " + e.getMessage(), e);
        }
    }

    private static List<String> labels(Map<String, String> meta, String what, List<String> allowed, boolean exact) {
        String raw = meta.get(ModelContract.META_LABELS);
        if (raw == null || raw.isBlank()) {
            throw new IllegalArgumentException(what + " does not fit the contract: metadata "
                    + ModelContract.META_LABELS + " (the labels in output order) is missing");
        }
        List<String> labels = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String label : raw.split(",")) {
            String l = label.trim();
            if (!allowed.contains(l)) {
                throw new IllegalArgumentException(what + " does not fit the contract: label '" + l
                        + "' is not one of the " + (exact ? "bot's" : "policy's") + " intents " + allowed);
            }
            if (!seen.add(l)) {
                throw new IllegalArgumentException(what + " does not fit the contract: label '" + l + "' appears twice");
            }
            labels.add(l);
        }
        if (exact && !seen.equals(Set.copyOf(allowed))) {
            List<String> missing = new ArrayList<>(allowed);
            missing.removeAll(seen);
            throw new IllegalArgumentException(what + " does not fit the bot: it has no label for "
                    + String.join(", ", missing) + " (its labels must be the bot's intents " + allowed + ")");
        }
        return List.copyOf(labels);
    }

    private static List<String> knownLabels() {
        List<String> out = new ArrayList<>();
        for (Intent i : Intent.values()) {
            out.add(i.label());
        }
        return out;
    }

    private static Featurizer featurizer(Map<String, String> meta, String what) {
        String kind = meta.get(ModelContract.META_FEATURIZER);
        if (!Featurizer.NAME.equals(kind)) {
            throw new IllegalArgumentException(what + " does not fit the contract: metadata "
                    + ModelContract.META_FEATURIZER + " is '" + kind + "', expected '" + Featurizer.NAME + "'");
        }
        try {
            return new Featurizer(Integer.parseInt(meta.get(ModelContract.META_BUCKETS)),
                    Integer.parseInt(meta.get(ModelContract.META_MIN_N)), Integer.parseInt(meta.get(ModelContract.META_MAX_N)));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(what + " does not fit the contract: featurizer parameters "
                    + ModelContract.META_BUCKETS + "/" + ModelContract.META_MIN_N + "/" + ModelContract.META_MAX_N
                    + " are missing or invalid (" + e.getMessage() + ")");
        }
    }

    private static void checkSignature(OrtSession session, int labelCount, String what) throws OrtException {
        Map<String, NodeInfo> inputs = session.getInputInfo();
        Map<String, NodeInfo> outputs = session.getOutputInfo();
        requireTensor(inputs, ModelContract.INPUT_IDS, OnnxJavaType.INT64, what, "input");
        requireTensor(inputs, ModelContract.INPUT_VALUES, OnnxJavaType.FLOAT, what, "input");
        if (inputs.size() != 2) {
            throw new IllegalArgumentException(what + " does not fit the contract: expected exactly the inputs "
                    + ModelContract.INPUT_IDS + " and " + ModelContract.INPUT_VALUES + ", found " + inputs.keySet());
        }
        TensorInfo out = requireTensor(outputs, ModelContract.OUTPUT_PROBABILITIES, OnnxJavaType.FLOAT, what, "output");
        long classes = out.getShape()[1];
        if (classes > 0 && classes != labelCount) {
            throw new IllegalArgumentException(what + " does not fit the contract: output "
                    + ModelContract.OUTPUT_PROBABILITIES + " has " + classes + " classes but the metadata names "
                    + labelCount + " labels");
        }
    }

    private static TensorInfo requireTensor(Map<String, NodeInfo> nodes, String name, OnnxJavaType type, String what,
            String kind) {
        NodeInfo node = nodes.get(name);
        if (node == null || !(node.getInfo() instanceof TensorInfo info)) {
            throw new IllegalArgumentException(what + " does not fit the contract: " + kind + " '" + name
                    + "' is missing (has " + nodes.keySet() + ")");
        }
        if (info.type != type || info.getShape().length != 2) {
            throw new IllegalArgumentException(what + " does not fit the contract: " + kind + " '" + name
                    + "' must be a rank-2 " + type + " tensor, is " + info);
        }
        return info;
    }

    public String name() {
        return name;
    }

    public List<String> labels() {
        return labels;
    }

    public Featurizer featurizer() {
        return featurizer;
    }

    public ExecutionProvider provider() {
        return provider;
    }

    /** Index of the largest probability (the first one on ties). */
    public static int argmax(float[] probabilities) {
        int best = 0;
        for (int k = 1; k < probabilities.length; k++) {
            if (probabilities[k] > probabilities[best]) {
                best = k;
            }
        }
        return best;
    }

    /** Class probabilities for a batch of featurized texts: one {@code OrtSession.run}. */
    public float[][] predict(List<Featurizer.Features> batch) throws OrtException {
        int n = batch.size();
        int t = 1;
        for (Featurizer.Features f : batch) {
            t = Math.max(t, f.size());
        }
        long[] ids = new long[n * t];
        float[] values = new float[n * t];
        for (int i = 0; i < n; i++) {
            Featurizer.Features f = batch.get(i);
            for (int j = 0; j < f.size(); j++) {
                ids[i * t + j] = f.ids()[j];
                values[i * t + j] = f.values()[j];
            }
        }
        long[] shape = {n, t};
        try (OnnxTensor idTensor = OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape);
             OnnxTensor valueTensor = OnnxTensor.createTensor(env, FloatBuffer.wrap(values), shape);
             OrtSession.Result result = session.run(Map.of(ModelContract.INPUT_IDS, idTensor,
                     ModelContract.INPUT_VALUES, valueTensor))) {
            return (float[][]) result.get(0).getValue();
        }
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
