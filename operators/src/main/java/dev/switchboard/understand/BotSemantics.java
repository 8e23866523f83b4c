package dev.switchboard.understand;

import ai.onnxruntime.OrtException;
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
 * What a bot version knows by meaning, per language: its intents' examples and its knowledge questions embedded by
 * that language's encoder when the version loads, the intent head trained on them ({@code understanding: encoder}),
 * and the rule that picks a knowledge answer.
 *
 * <p>Knowledge rule: a message is answered by the entry of its closest question when that similarity clears the
 * language's {@code min_similarity} <em>and</em> beats the message's similarity to every example of every intent but
 * {@code other} (so "I'd like to book an appointment" stays with a booking intent even though it is close to "what
 * should I bring to my appointment"). Whether a waiting flow takes the message first is the policy's to decide.
 *
 * <p>Cost: one embedding per example and question at load (the shipped support bot's 1,138 examples: seconds on a
 * CPU, done once per TaskManager and training content), and per message a brute-force scan of the language's
 * vectors (384 or 512 multiply-adds each; 10,000 vectors are a few milliseconds on one core).
 */
public final class BotSemantics {

    /** Embeds texts with one language's encoder (the service's bulk path, or a test's encoder). */
    public interface Embedder {
        float[][] embed(SentenceEncoder.Model model, List<String> texts) throws OrtException;
    }

    /**
     * The closest knowledge entry to a message, whether or not it answers.
     *
     * @param entryId the entry whose question is closest, or null when the language has no questions
     * @param similarity that question's cosine similarity to the message
     * @param nearestIntent the intent (not {@code other}) with the closest example, or null (also when the entry's
     *     similarity is below {@code min_similarity}: then the examples are not compared)
     * @param intentSimilarity that example's similarity
     * @param answers whether the entry answers: clears {@code min_similarity} and beats every intent's examples
     * @param related the closest entries, closest first (at most {@link Understanding#RELATED})
     */
    public record KnowledgeMatch(String entryId, double similarity, String nearestIntent, double intentSimilarity,
                                 boolean answers, List<String> related) {}

    /** What one message's embedding says. {@code intent} is null unless the bot classifies with the encoder. */
    public record Analysis(Understanding intent, KnowledgeMatch knowledge) {}

    /** One language's vectors. */
    private record Side(String language, SentenceEncoder.Model model, float[][] examples, int[] exampleIntents,
                        float[][] questions, int[] questionEntries, IntentHead head, double minSimilarity) {}

    private final BotDefinition bot;
    private final List<String> labels;
    private final Map<String, Side> sides;

    private BotSemantics(BotDefinition bot, List<String> labels, Map<String, Side> sides) {
        this.bot = bot;
        this.labels = labels;
        this.sides = sides;
    }

    /** Embeds the bot's examples and questions, language by language, and trains the head when the bot asks for it. */
    public static BotSemantics build(BotDefinition bot, Embedder embedder) {
        List<String> labels = List.copyOf(bot.intents().keySet());
        boolean head = bot.settings().understanding() == BotDefinition.UnderstandingMode.ENCODER;
        Map<String, Side> sides = new LinkedHashMap<>();
        for (String language : bot.languages()) {
            List<String> exampleTexts = new ArrayList<>();
            List<Integer> exampleIntents = new ArrayList<>();
            for (int k = 0; k < labels.size(); k++) {
                for (String text : bot.intents().get(labels.get(k)).examples().getOrDefault(language, List.of())) {
                    exampleTexts.add(text);
                    exampleIntents.add(k);
                }
            }
            List<String> questionTexts = new ArrayList<>();
            List<Integer> questionEntries = new ArrayList<>();
            List<BotDefinition.KnowledgeEntry> entries = bot.knowledge().entries();
            for (int e = 0; e < entries.size(); e++) {
                for (String q : entries.get(e).questions().getOrDefault(language, List.of())) {
                    questionTexts.add(q);
                    questionEntries.add(e);
                }
            }
            if (exampleTexts.isEmpty() && questionTexts.isEmpty()) {
                continue;
            }
            SentenceEncoder.Model model = SentenceEncoder.forLanguage(language);
            try {
                float[][] examples = embedder.embed(model, exampleTexts);
                float[][] questions = embedder.embed(model, questionTexts);
                int[] classes = exampleIntents.stream().mapToInt(Integer::intValue).toArray();
                IntentHead trained = head && examples.length > 0 ? IntentHead.train(labels, examples, classes) : null;
                sides.put(language, new Side(language, model, examples, classes, questions,
                        questionEntries.stream().mapToInt(Integer::intValue).toArray(), trained,
                        bot.knowledge().minSimilarity(language)));
            } catch (OrtException e) {
                throw new IllegalArgumentException("the encoder failed on bot " + bot.id() + "'s " + language
                        + " examples: " + e.getMessage(), e);
            }
        }
        return new BotSemantics(bot, labels, java.util.Collections.unmodifiableMap(sides));
    }

    /**
     * The side a message is read on: its detected language when the bot has examples or questions in it, else the
     * bot's default language, else any.
     */
    public String sideFor(String detectedLanguage) {
        if (detectedLanguage != null && sides.containsKey(detectedLanguage)) {
            return detectedLanguage;
        }
        if (sides.containsKey(bot.defaultLanguage())) {
            return bot.defaultLanguage();
        }
        return sides.isEmpty() ? null : sides.keySet().iterator().next();
    }

    /** The encoder a side's messages go to. */
    public SentenceEncoder.Model modelOf(String side) {
        return sides.get(side).model();
    }

    public boolean classifiesIntents() {
        return bot.settings().understanding() == BotDefinition.UnderstandingMode.ENCODER;
    }

    /** The intent (when the head classifies) and the closest knowledge entry for a message embedded on {@code side}. */
    public Analysis analyse(float[] vector, String side, String detectedLanguage, String source) {
        Side s = sides.get(side);
        Understanding intent = null;
        if (s.head() != null) {
            float[] p = s.head().predict(vector);
            int best = OnnxIntentSession.argmax(p);
            intent = new Understanding(labels.get(best), p[best], false, detectedLanguage, source);
        }
        return new Analysis(intent, knowledge(s, vector));
    }

    private KnowledgeMatch knowledge(Side s, float[] vector) {
        if (s.questions().length == 0) {
            return null;
        }
        int bestQuestion = -1;
        double best = -2;
        double[] perEntry = new double[bot.knowledge().entries().size()];
        java.util.Arrays.fill(perEntry, -2);
        for (int i = 0; i < s.questions().length; i++) {
            double sim = SentenceEncoder.similarity(vector, s.questions()[i]);
            int e = s.questionEntries()[i];
            perEntry[e] = Math.max(perEntry[e], sim);
            if (sim > best) {
                best = sim;
                bestQuestion = i;
            }
        }
        List<String> related = closest(perEntry);
        String entry = bot.knowledge().entries().get(s.questionEntries()[bestQuestion]).id();
        if (best < s.minSimilarity()) {
            // Below the threshold nothing answers: the intents' examples need not be compared (most messages).
            return new KnowledgeMatch(entry, best, null, 0, false, related);
        }
        int other = labels.indexOf(BotDefinition.OTHER);
        int nearest = -1;
        double intentBest = -2;
        for (int i = 0; i < s.examples().length; i++) {
            if (s.exampleIntents()[i] == other) {
                continue;
            }
            double sim = SentenceEncoder.similarity(vector, s.examples()[i]);
            if (sim > intentBest) {
                intentBest = sim;
                nearest = s.exampleIntents()[i];
            }
        }
        boolean answers = best > intentBest;
        return new KnowledgeMatch(entry, best, nearest < 0 ? null : labels.get(nearest), nearest < 0 ? 0 : intentBest, answers,
                related);
    }

    /** The ids of the (at most {@link Understanding#RELATED}) entries with the highest similarity, highest first. */
    private List<String> closest(double[] perEntry) {
        String[] ids = new String[Math.min(Understanding.RELATED, perEntry.length)];
        int found = 0;
        boolean[] taken = new boolean[perEntry.length];
        for (; found < ids.length; found++) {
            int best = -1;
            for (int e = 0; e < perEntry.length; e++) {
                if (!taken[e] && perEntry[e] > -2 && (best < 0 || perEntry[e] > perEntry[best])) {
                    best = e;
                }
            }
            if (best < 0) {
                break;
            }
            taken[best] = true;
            ids[found] = bot.knowledge().entries().get(best).id();
        }
        return java.util.Arrays.asList(ids).subList(0, found);
    }

    /**
     * SHA-256 of what the vectors depend on (examples, questions, thresholds, the understanding mode): versions that
     * differ only in replies share one build.
     */
    public static String contentHash(BotDefinition bot) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(BotModels.trainingHash(bot).getBytes(StandardCharsets.UTF_8));
            sha.update(bot.settings().understanding().name().getBytes(StandardCharsets.UTF_8));
            sha.update(String.join(",", bot.languages()).getBytes(StandardCharsets.UTF_8));
            BotDefinition.Knowledge k = bot.knowledge();
            sha.update((k.minSimilarity() + "|" + k.defaultMinSimilarity()).getBytes(StandardCharsets.UTF_8));
            for (BotDefinition.KnowledgeEntry e : k.entries()) {
                sha.update(("\u0001" + e.id() + e.questions()).getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    // --- for check and the benchmarks ------------------------------------------------------------------

    /** Per language, the similarity of each knowledge question to its closest intent example (not {@code other}). */
    public Map<String, double[]> questionToIntentSimilarities() {
        Map<String, double[]> out = new LinkedHashMap<>();
        int other = labels.indexOf(BotDefinition.OTHER);
        sides.forEach((language, s) -> {
            double[] sims = new double[s.questions().length];
            for (int q = 0; q < sims.length; q++) {
                double best = -1;
                for (int i = 0; i < s.examples().length; i++) {
                    if (s.exampleIntents()[i] != other) {
                        best = Math.max(best, SentenceEncoder.similarity(s.questions()[q], s.examples()[i]));
                    }
                }
                sims[q] = best;
            }
            out.put(language, sims);
        });
        return out;
    }

    /** The languages with vectors. */
    public java.util.Set<String> languages() {
        return sides.keySet();
    }

    /** A side's question vectors and their entry ids (for check's reports). */
    public float[][] questionVectors(String language) {
        return sides.get(language).questions();
    }

    public String questionEntry(String language, int index) {
        return bot.knowledge().entries().get(sides.get(language).questionEntries()[index]).id();
    }

    public float[][] exampleVectors(String language) {
        return sides.get(language).examples();
    }

    public String exampleIntent(String language, int index) {
        return labels.get(sides.get(language).exampleIntents()[index]);
    }

    public BotDefinition bot() {
        return bot;
    }
}
