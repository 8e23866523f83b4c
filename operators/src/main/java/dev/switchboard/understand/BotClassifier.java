package dev.switchboard.understand;

import ai.onnxruntime.OrtException;
import dev.switchboard.bot.BotDefinition;

import java.util.List;

/**
 * A bot's intent model in this process: trained from the definition (or a bring-your-own file whose labels
 * are the bot's intents) and loaded into ONNX Runtime, classifying one text at a time. For the command line
 * ({@code chat}); the job serves the same model through the batching {@link InferenceService}.
 */
public final class BotClassifier implements AutoCloseable {
    private final OnnxIntentSession session;

    private BotClassifier(OnnxIntentSession session) {
        this.session = session;
    }

    /** Trains the bot's model from its examples and loads it (CPU). */
    public static BotClassifier trained(BotDefinition bot) {
        return new BotClassifier(OnnxIntentSession.load(BotModels.train(bot), "intent model of bot " + bot.id(),
                BotModels.labels(bot), null));
    }

    /** The model's top intent and its probability, with the text's language. */
    public Understanding classify(String text) {
        try {
            float[] p = session.predict(List.of(session.featurizer().featurize(text == null ? "" : text)))[0];
            int best = OnnxIntentSession.argmax(p);
            return new Understanding(session.labels().get(best), p[best], false, Languages.detect(text), session.name());
        } catch (OrtException e) {
            throw new IllegalStateException("the intent model failed: " + e.getMessage(), e);
        }
    }

    public String name() {
        return session.name();
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
