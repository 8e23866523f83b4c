package dev.switchboard.training;

import dev.switchboard.understand.ModelEvaluation;
import dev.switchboard.understand.IntentTrainer;
import dev.switchboard.understand.OnnxExport;
import dev.switchboard.understand.Utterances;

import dev.switchboard.understand.Featurizer;
import dev.switchboard.understand.ModelContract;
import dev.switchboard.understand.OnnxIntentSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The model the build trains: accuracy, agreement between trainer and ONNX Runtime, reproducibility. */
class IntentModelBuildTest {
    private static final Path DATA = Path.of("data/utterances.tsv");

    private static List<Utterances.Utterance> all;
    private static IntentTrainer.LinearModel trained;

    @BeforeAll
    static void train() throws Exception {
        all = Utterances.read(DATA);
        trained = IntentTrainer.train(all.stream().filter(u -> !u.heldOut()).toList(), TrainIntentModel.labels(),
                Featurizer.defaults());
    }

    @Test
    void datasetCoversEveryIntentInBothLanguages() {
        for (String language : List.of("en", "zh")) {
            for (String intent : TrainIntentModel.labels()) {
                long n = all.stream().filter(u -> u.language().equals(language) && u.intent().equals(intent)).count();
                assertThat(n).as(intent + "/" + language).isGreaterThanOrEqualTo(50);
            }
        }
    }

    @Test
    void heldOutAccuracyIsAtLeastNinetyPercentPerLanguage() {
        var eval = ModelEvaluation.of(trained, all.stream().filter(Utterances.Utterance::heldOut).toList());
        assertThat(eval.accuracyByLanguage()).containsOnlyKeys("en", "zh");
        assertThat(eval.accuracyByLanguage().values()).allSatisfy(a -> assertThat(a).isGreaterThanOrEqualTo(0.90));
    }

    @Test
    void onnxRuntimeAgreesWithTheTrainerOnEveryUtterance() throws Exception {
        byte[] onnx = OnnxExport.toOnnx(trained, "test", Map.of());
        Path file = Files.createTempFile("intent", ".onnx");
        try {
            Files.write(file, onnx);
            try (OnnxIntentSession model = OnnxIntentSession.load(file.toString(), null)) {
                assertThat(model.labels()).isEqualTo(TrainIntentModel.labels());
                List<Featurizer.Features> batch = new ArrayList<>();
                for (Utterances.Utterance u : all) {
                    batch.add(model.featurizer().featurize(u.text()));
                }
                float[][] ort = model.predict(batch);
                for (int i = 0; i < all.size(); i++) {
                    float[] java = trained.predict(batch.get(i));
                    assertThat(trained.argmax(ort[i])).as(all.get(i).text()).isEqualTo(trained.argmax(java));
                    for (int k = 0; k < java.length; k++) {
                        assertThat(ort[i][k]).as(all.get(i).text()).isCloseTo(java[k], org.assertj.core.data.Offset.offset(1e-5f));
                    }
                }
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void theSameDataGiveTheSameBytesAsTheBuild() throws Exception {
        Path built = Path.of("target/classes" + ModelContract.BUILT_IN_RESOURCE);
        assertThat(built).exists();
        List<Utterances.Utterance> train = all.stream().filter(u -> !u.heldOut()).toList();
        byte[] again = OnnxExport.toOnnx(IntentTrainer.train(train, TrainIntentModel.labels(), Featurizer.defaults()),
                TrainIntentModel.MODEL_NAME, Map.of("switchboard.training.utterances", Integer.toString(train.size())));
        assertThat(again).isEqualTo(Files.readAllBytes(built));
    }
}
