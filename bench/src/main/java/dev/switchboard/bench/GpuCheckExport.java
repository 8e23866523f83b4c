package dev.switchboard.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.bot.BotDefinition;
import dev.switchboard.bot.BotDefinitionReader;
import dev.switchboard.understand.BotModels;
import dev.switchboard.understand.Featurizer;
import dev.switchboard.understand.OnnxIntentSession;
import dev.switchboard.understand.Utterances;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes what {@code bench/gpu/cuda_check.py} needs to check the served models on a CUDA machine that has
 * Python and ONNX Runtime but no Java: the built-in model and each shipped bot's trained model as
 * {@code .onnx} files, and for each model its featurized inputs (the training utterances and the bot's
 * examples, as the job featurizes them) with the probabilities this JVM's ONNX Runtime (CPU) computed.
 * Run: {@code bin/bench gpu-export [DIR]} (default {@code bench-results/gpu-check}).
 */
public final class GpuCheckExport {

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "bench-results/gpu-check");
        Files.createDirectories(dir);
        ObjectMapper json = new ObjectMapper();
        List<String> utterances = new ArrayList<>();
        for (Utterances.Utterance u : Utterances.read(Path.of("training/data/utterances.tsv"))) {
            utterances.add(u.text());
        }
        Map<String, byte[]> models = new LinkedHashMap<>();
        Map<String, List<String>> texts = new LinkedHashMap<>();
        Map<String, List<String>> labels = new LinkedHashMap<>();
        try (InputStream in = GpuCheckExport.class.getResourceAsStream("/models/switchboard-intent.onnx")) {
            models.put("built-in", in.readAllBytes());
            texts.put("built-in", utterances);
        }
        for (String bot : List.of("support", "trattoria")) {
            BotDefinition def = BotDefinitionReader.read(Files.readAllBytes(Path.of("bots", bot + ".yaml")),
                    bot + ".yaml").definition();
            models.put(bot, BotModels.train(def));
            labels.put(bot, BotModels.labels(def));
            List<String> own = new ArrayList<>();
            BotModels.examples(def).forEach(u -> own.add(u.text()));
            own.addAll(utterances);
            texts.put(bot, own);
        }
        for (Map.Entry<String, byte[]> m : models.entrySet()) {
            Files.write(dir.resolve(m.getKey() + ".onnx"), m.getValue());
            try (OnnxIntentSession session = labels.containsKey(m.getKey())
                    ? OnnxIntentSession.load(m.getValue(), m.getKey(), labels.get(m.getKey()), null)
                    : OnnxIntentSession.load(dir.resolve(m.getKey() + ".onnx").toString(), null)) {
                Featurizer featurizer = session.featurizer();
                List<String> list = texts.get(m.getKey());
                ObjectNode out = json.createObjectNode();
                out.put("model", m.getKey());
                out.put("provider", session.provider().describe());
                ArrayNode rows = out.putArray("rows");
                int batch = 64;
                for (int start = 0; start < list.size(); start += batch) {
                    List<Featurizer.Features> features = new ArrayList<>();
                    for (String t : list.subList(start, Math.min(list.size(), start + batch))) {
                        features.add(featurizer.featurize(t));
                    }
                    float[][] probabilities = session.predict(features);
                    for (int i = 0; i < features.size(); i++) {
                        ObjectNode row = rows.addObject();
                        ArrayNode ids = row.putArray("ids");
                        for (int id : features.get(i).ids()) {
                            ids.add(id);
                        }
                        ArrayNode values = row.putArray("values");
                        for (float v : features.get(i).values()) {
                            values.add(v);
                        }
                        ArrayNode p = row.putArray("cpu");
                        for (float v : probabilities[i]) {
                            p.add(v);
                        }
                    }
                }
                json.writeValue(dir.resolve(m.getKey() + ".inputs.json").toFile(), out);
                System.out.printf("%s: %d bytes, %d inputs, %d labels%n", m.getKey(), m.getValue().length,
                        rows.size(), session.labels().size());
            }
        }
        System.out.println("written to " + dir);
    }

    private GpuCheckExport() {}
}
