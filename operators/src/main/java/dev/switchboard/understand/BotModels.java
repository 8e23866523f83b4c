package dev.switchboard.understand;

import dev.switchboard.bot.BotDefinition;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A bot's intent model, trained from its definition's examples with the project's trainer and written as
 * ONNX for the inference service. Deterministic: the same examples give the same bytes. Its labels are the
 * bot's intents in the file's order ({@code other} included, with or without examples).
 */
public final class BotModels {
    private BotModels() {}

    /** The model's metadata name: the bot and a short hash of what it was trained from. */
    public static String name(BotDefinition bot) {
        return "bot:" + bot.id() + "@" + trainingHash(bot).substring(0, 12);
    }

    /** The bot's intents, in order: the model's labels. */
    public static List<String> labels(BotDefinition bot) {
        return List.copyOf(bot.intents().keySet());
    }

    /**
     * The examples as labelled utterances; within each (intent, language) every fifth is marked held out, as
     * for the built-in model, so an evaluation needs no random split.
     */
    public static List<Utterances.Utterance> examples(BotDefinition bot) {
        List<Utterances.Utterance> out = new ArrayList<>();
        for (BotDefinition.Intent intent : bot.intents().values()) {
            for (Map.Entry<String, List<String>> byLanguage : intent.examples().entrySet()) {
                int i = 0;
                for (String text : byLanguage.getValue()) {
                    i++;
                    out.add(new Utterances.Utterance(intent.name(), byLanguage.getKey(), text,
                            i % Utterances.HOLD_OUT_EVERY == 0));
                }
            }
        }
        return out;
    }

    /** The model served for the bot: trained on every example. */
    public static byte[] train(BotDefinition bot) {
        IntentTrainer.LinearModel model = IntentTrainer.train(examples(bot), labels(bot), Featurizer.defaults());
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("switchboard.bot", bot.id());
        metadata.put("switchboard.bot.version", bot.version());
        metadata.put("switchboard.training.hash", trainingHash(bot));
        return OnnxExport.toOnnx(model, name(bot), metadata);
    }

    /** How well the bot's examples teach it: trained without the held-out fifth, measured on it. */
    public static ModelEvaluation evaluate(BotDefinition bot) {
        List<Utterances.Utterance> all = examples(bot);
        IntentTrainer.LinearModel model = IntentTrainer.train(all.stream().filter(u -> !u.heldOut()).toList(),
                labels(bot), Featurizer.defaults());
        return ModelEvaluation.of(model, all.stream().filter(Utterances.Utterance::heldOut).toList());
    }

    /** SHA-256 of the labels and examples: what the model depends on, and nothing else (replies may change). */
    public static String trainingHash(BotDefinition bot) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (BotDefinition.Intent intent : bot.intents().values()) {
                sha.update(("\u0001" + intent.name()).getBytes(StandardCharsets.UTF_8));
                for (Map.Entry<String, List<String>> byLanguage : intent.examples().entrySet()) {
                    sha.update(("\u0002" + byLanguage.getKey()).getBytes(StandardCharsets.UTF_8));
                    for (String text : byLanguage.getValue()) {
                        sha.update(("\u0003" + text).getBytes(StandardCharsets.UTF_8));
                    }
                }
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /**
     * How well the encoder head learns the bot's intents: trained on the embeddings of all but the held-out fifth,
     * measured on it, per language (each language on its own encoder).
     */
    public static ModelEvaluation evaluateEncoder(BotDefinition bot, BotSemantics.Embedder embedder) {
        List<String> labels = labels(bot);
        List<Utterances.Utterance> all = examples(bot);
        Map<String, float[]> vectors = new java.util.HashMap<>();
        Map<String, List<Utterances.Utterance>> byLanguage = new LinkedHashMap<>();
        all.forEach(u -> byLanguage.computeIfAbsent(u.language(), l -> new ArrayList<>()).add(u));
        Map<String, IntentHead> heads = new java.util.HashMap<>();
        for (Map.Entry<String, List<Utterances.Utterance>> e : byLanguage.entrySet()) {
            List<Utterances.Utterance> us = e.getValue();
            float[][] embedded;
            try {
                embedded = embedder.embed(SentenceEncoder.forLanguage(e.getKey()), us.stream().map(Utterances.Utterance::text).toList());
            } catch (ai.onnxruntime.OrtException ex) {
                throw new IllegalStateException("the encoder failed: " + ex.getMessage(), ex);
            }
            List<float[]> train = new ArrayList<>();
            List<Integer> classes = new ArrayList<>();
            for (int i = 0; i < us.size(); i++) {
                vectors.put(e.getKey() + "\u0000" + us.get(i).text(), embedded[i]);
                if (!us.get(i).heldOut()) {
                    train.add(embedded[i]);
                    classes.add(labels.indexOf(us.get(i).intent()));
                }
            }
            heads.put(e.getKey(), IntentHead.train(labels, train.toArray(new float[0][]),
                    classes.stream().mapToInt(Integer::intValue).toArray()));
        }
        return ModelEvaluation.of(u -> {
            float[] p = heads.get(u.language()).predict(vectors.get(u.language() + "\u0000" + u.text()));
            return labels.get(OnnxIntentSession.argmax(p));
        }, all.stream().filter(Utterances.Utterance::heldOut).toList());
    }
}
