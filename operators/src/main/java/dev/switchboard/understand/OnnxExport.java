package dev.switchboard.understand;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import dev.switchboard.understand.Featurizer;
import dev.switchboard.understand.ModelContract;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes a {@link IntentTrainer.LinearModel} as a sparse ONNX graph (opset 13):
 *
 * <pre>
 * ids [N,T] int64 ──Gather(weights [B,C])──► [N,T,C] ─┐
 * values [N,T] float ──Unsqueeze(2)──► [N,T,1] ───────Mul──► ReduceSum(axis 1) ─ Add(bias) ─ Softmax ─► probabilities [N,C]
 * </pre>
 *
 * Labels and featurizer parameters go into the model's metadata, so the file describes itself. Nothing
 * time- or machine-dependent is written: the same model gives the same bytes.
 */
public final class OnnxExport {
    private static final int OPSET = 13;
    private static final long IR_VERSION = 8;

    private OnnxExport() {}

    public static byte[] toOnnx(IntentTrainer.LinearModel model, String name, Map<String, String> extraMetadata) {
        int c = model.labels().size();
        Featurizer f = model.featurizer();
        OnnxMl.GraphProto.Builder graph = OnnxMl.GraphProto.newBuilder().setName(name);
        graph.addInput(tensorValue(ModelContract.INPUT_IDS, OnnxMl.TensorProto.DataType.INT64, "batch", "tokens"));
        graph.addInput(tensorValue(ModelContract.INPUT_VALUES, OnnxMl.TensorProto.DataType.FLOAT, "batch", "tokens"));
        graph.addOutput(tensorValue(ModelContract.OUTPUT_PROBABILITIES, OnnxMl.TensorProto.DataType.FLOAT, "batch", Integer.toString(c)));

        graph.addInitializer(floats("weights", model.weights(), f.buckets(), c));
        graph.addInitializer(floats("bias", model.bias(), c));
        graph.addInitializer(longs("axis_tokens", 1));
        graph.addInitializer(longs("axis_last", 2));

        graph.addNode(node("Gather", "gather", new String[] {"weights", ModelContract.INPUT_IDS}, "gathered")
                .addAttribute(intAttribute("axis", 0)));
        graph.addNode(node("Unsqueeze", "unsqueeze", new String[] {ModelContract.INPUT_VALUES, "axis_last"}, "values3"));
        graph.addNode(node("Mul", "weigh", new String[] {"gathered", "values3"}, "weighted"));
        graph.addNode(node("ReduceSum", "sum_tokens", new String[] {"weighted", "axis_tokens"}, "summed")
                .addAttribute(intAttribute("keepdims", 0)));
        graph.addNode(node("Add", "add_bias", new String[] {"summed", "bias"}, "logits"));
        graph.addNode(node("Softmax", "softmax", new String[] {"logits"}, ModelContract.OUTPUT_PROBABILITIES)
                .addAttribute(intAttribute("axis", -1)));

        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(ModelContract.META_NAME, name);
        meta.put(ModelContract.META_LABELS, String.join(",", model.labels()));
        meta.put(ModelContract.META_FEATURIZER, Featurizer.NAME);
        meta.put(ModelContract.META_BUCKETS, Integer.toString(f.buckets()));
        meta.put(ModelContract.META_MIN_N, Integer.toString(f.minN()));
        meta.put(ModelContract.META_MAX_N, Integer.toString(f.maxN()));
        meta.putAll(extraMetadata);

        OnnxMl.ModelProto.Builder proto = OnnxMl.ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .setProducerName("switchboard")
                .setProducerVersion("1")
                .setDomain("dev.switchboard")
                .setModelVersion(1)
                .setDocString("Switchboard intent classifier: a linear model over hashed character n-grams.")
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setGraph(graph);
        meta.forEach((k, v) -> proto.addMetadataProps(OnnxMl.StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        return proto.build().toByteArray();
    }

    private static OnnxMl.ValueInfoProto tensorValue(String name, OnnxMl.TensorProto.DataType type, String... dims) {
        OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
        for (String d : dims) {
            OnnxMl.TensorShapeProto.Dimension.Builder dim = OnnxMl.TensorShapeProto.Dimension.newBuilder();
            if (d.chars().allMatch(Character::isDigit)) {
                dim.setDimValue(Long.parseLong(d));
            } else {
                dim.setDimParam(d);
            }
            shape.addDim(dim);
        }
        return OnnxMl.ValueInfoProto.newBuilder()
                .setName(name)
                .setType(OnnxMl.TypeProto.newBuilder().setTensorType(
                        OnnxMl.TypeProto.Tensor.newBuilder().setElemType(type.getNumber()).setShape(shape)))
                .build();
    }

    private static OnnxMl.TensorProto floats(String name, float[] values, long... dims) {
        ByteBuffer buf = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            buf.putFloat(v);
        }
        OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder().setName(name)
                .setDataType(OnnxMl.TensorProto.DataType.FLOAT.getNumber())
                .setRawData(ByteString.copyFrom(buf.array()));
        for (long d : dims) {
            t.addDims(d);
        }
        return t.build();
    }

    private static OnnxMl.TensorProto longs(String name, long value) {
        return OnnxMl.TensorProto.newBuilder().setName(name)
                .setDataType(OnnxMl.TensorProto.DataType.INT64.getNumber())
                .addDims(1)
                .addInt64Data(value)
                .build();
    }

    private static OnnxMl.NodeProto.Builder node(String op, String name, String[] inputs, String output) {
        OnnxMl.NodeProto.Builder n = OnnxMl.NodeProto.newBuilder().setOpType(op).setName(name).addOutput(output);
        for (String in : inputs) {
            n.addInput(in);
        }
        return n;
    }

    private static OnnxMl.AttributeProto intAttribute(String name, long value) {
        return OnnxMl.AttributeProto.newBuilder().setName(name)
                .setType(OnnxMl.AttributeProto.AttributeType.INT).setI(value).build();
    }
}
