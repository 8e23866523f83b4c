package dev.switchboard.training;

import dev.switchboard.understand.IntentTrainer;
import dev.switchboard.understand.OnnxExport;
import dev.switchboard.understand.Utterances;

import ai.onnx.proto.OnnxMl;
import dev.switchboard.understand.Featurizer;
import dev.switchboard.understand.ModelContract;
import dev.switchboard.understand.OnnxIntentSession;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A model file that does not fit the contract is refused at load time, saying why. */
class ModelContractTest {
    private static final IntentTrainer.LinearModel TINY = IntentTrainer.train(
            List.of(new Utterances.Utterance("greeting", "en", "hello", false),
                    new Utterances.Utterance("thanks", "en", "thank you", false)),
            List.of("greeting", "thanks"), new Featurizer(64, 1, 2));

    private static Path write(byte[] bytes) throws Exception {
        Path file = Files.createTempFile("model", ".onnx");
        file.toFile().deleteOnExit();
        Files.write(file, bytes);
        return file;
    }

    private static Path variant(UnaryOperator<OnnxMl.ModelProto.Builder> change) throws Exception {
        OnnxMl.ModelProto.Builder b = OnnxMl.ModelProto.parseFrom(OnnxExport.toOnnx(TINY, "tiny", Map.of())).toBuilder();
        return write(change.apply(b).build().toByteArray());
    }

    private static OnnxMl.ModelProto.Builder withMeta(OnnxMl.ModelProto.Builder b, String key, String value) {
        for (int i = 0; i < b.getMetadataPropsCount(); i++) {
            if (b.getMetadataProps(i).getKey().equals(key)) {
                if (value == null) {
                    b.removeMetadataProps(i);
                } else {
                    b.setMetadataProps(i, b.getMetadataProps(i).toBuilder().setValue(value));
                }
                return b;
            }
        }
        return b;
    }

    @Test
    void aFittingModelLoads() throws Exception {
        try (OnnxIntentSession m = OnnxIntentSession.load(write(OnnxExport.toOnnx(TINY, "tiny", Map.of())).toString(), null)) {
            assertThat(m.labels()).containsExactly("greeting", "thanks");
            assertThat(m.featurizer().buckets()).isEqualTo(64);
            assertThat(m.name()).isEqualTo("tiny");
            assertThat(m.provider().name()).isEqualTo("CPU");
        }
    }

    @Test
    void refusesWhatDoesNotFit() throws Exception {
        assertThatThrownBy(() -> OnnxIntentSession.load("/no/such/model.onnx", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot read intent model /no/such/model.onnx");
        assertThatThrownBy(() -> OnnxIntentSession.load(write("not a model".getBytes(StandardCharsets.UTF_8)).toString(), null))
                .hasMessageContaining("is not a model ONNX Runtime can load");
        assertThatThrownBy(() -> OnnxIntentSession.load(variant(b -> withMeta(b, ModelContract.META_LABELS, null)).toString(), null))
                .hasMessageContaining("does not fit the contract").hasMessageContaining(ModelContract.META_LABELS);
        assertThatThrownBy(() -> OnnxIntentSession.load(variant(b -> withMeta(b, ModelContract.META_LABELS, "greeting,weather")).toString(), null))
                .hasMessageContaining("label 'weather' is not one of the policy's intents");
        assertThatThrownBy(() -> OnnxIntentSession.load(variant(b -> withMeta(b, ModelContract.META_LABELS, "greeting,thanks,other")).toString(), null))
                .hasMessageContaining("has 2 classes but the metadata names 3 labels");
        assertThatThrownBy(() -> OnnxIntentSession.load(variant(b -> withMeta(b, ModelContract.META_FEATURIZER, "bpe")).toString(), null))
                .hasMessageContaining("expected 'char-ngram-v1'");
        assertThatThrownBy(() -> OnnxIntentSession.load(variant(b -> withMeta(b, ModelContract.META_BUCKETS, "lots")).toString(), null))
                .hasMessageContaining("featurizer parameters");
        assertThatThrownBy(() -> OnnxIntentSession.load(variant(b -> {
            b.getGraphBuilder().getInputBuilder(0).setName("tokens");
            b.getGraphBuilder().getNodeBuilder(0).setInput(1, "tokens");
            return b;
        }).toString(), null)).hasMessageContaining("input 'ids' is missing");
    }
}
