package dev.switchboard.understand;

import ai.onnxruntime.OrtException;
import dev.switchboard.bot.BotDefinition;

import java.util.List;
import java.util.Map;

/**
 * A bot's whole understanding in this process, one message at a time, exactly as the job's understand step decides
 * (the same model, head, encoders and knowledge rule), without the batching service: for {@code chat} and
 * {@code check}.
 */
public final class BotUnderstander implements AutoCloseable {

    /** The understanding, and the closest knowledge entry whether or not it answers (null without knowledge). */
    public record Result(Understanding understanding, BotSemantics.KnowledgeMatch knowledge) {}

    private final BotDefinition bot;
    private final BotClassifier ngram;
    private final Map<SentenceEncoder.Model, SentenceEncoder> encoders;
    private final BotSemantics semantics;

    private BotUnderstander(BotDefinition bot, BotClassifier ngram, Map<SentenceEncoder.Model, SentenceEncoder> encoders,
            BotSemantics semantics) {
        this.bot = bot;
        this.ngram = ngram;
        this.encoders = encoders;
        this.semantics = semantics;
    }

    /** Trains what the bot needs and loads the encoders its languages need (CPU). */
    public static BotUnderstander load(BotDefinition bot) {
        Map<SentenceEncoder.Model, SentenceEncoder> encoders = new java.util.HashMap<>();
        BotSemantics semantics = null;
        if (bot.usesEncoder()) {
            for (String language : bot.languages()) {
                encoders.computeIfAbsent(SentenceEncoder.forLanguage(language), m -> SentenceEncoder.load(m, null));
            }
            semantics = BotSemantics.build(bot, (model, texts) -> encoders.get(model).embed(texts));
        }
        BotClassifier ngram = bot.settings().understanding() == BotDefinition.UnderstandingMode.NGRAM
                ? BotClassifier.trained(bot) : null;
        return new BotUnderstander(bot, ngram, encoders, semantics);
    }

    public Result understand(String text) {
        String detected = Languages.detect(text);
        Understanding understanding = ngram == null ? null : ngram.classify(text);
        BotSemantics.KnowledgeMatch knowledge = null;
        // As the job: a message without letters is not embedded unless the encoder head classifies intents.
        String side = semantics == null || text == null || text.isBlank()
                || (detected == null && !semantics.classifiesIntents()) ? null : semantics.sideFor(detected);
        if (side != null) {
            SentenceEncoder encoder = encoders.get(semantics.modelOf(side));
            try {
                BotSemantics.Analysis analysis = semantics.analyse(encoder.embed(List.of(text))[0], side, detected, encoder.name());
                if (analysis.intent() != null) {
                    understanding = analysis.intent();
                }
                knowledge = analysis.knowledge();
            } catch (OrtException e) {
                throw new IllegalStateException("the encoder failed: " + e.getMessage(), e);
            }
        }
        if (understanding == null) {
            understanding = new BotKeywordRules(bot).understand(text);
        }
        if (knowledge != null) {
            understanding = understanding.withRelatedKnowledge(knowledge.related());
        }
        if (knowledge != null && knowledge.answers()) {
            understanding = understanding.withKnowledge(knowledge.entryId(), knowledge.similarity());
        }
        return new Result(understanding, knowledge);
    }

    /** The bot's vectors, or null when it needs no encoder. */
    public BotSemantics semantics() {
        return semantics;
    }

    /** Embeds with one of the loaded encoders (check's reports). */
    public float[][] embed(String language, List<String> texts) throws OrtException {
        return encoders.get(semantics.modelOf(language)).embed(texts);
    }

    @Override
    public void close() throws OrtException {
        if (ngram != null) {
            ngram.close();
        }
        for (SentenceEncoder e : encoders.values()) {
            e.close();
        }
    }
}
