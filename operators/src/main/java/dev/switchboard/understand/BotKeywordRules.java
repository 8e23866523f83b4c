package dev.switchboard.understand;

import dev.switchboard.bot.BotDefinition;
import dev.switchboard.bot.SlotValues;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * A bot's fallback understanding, from the {@code keywords} of its intents: the intent with the most keyword
 * hits (any language; whole words in spaced scripts, substrings in Chinese and Japanese) wins, the one listed
 * first on a tie; none is {@code other}. Used when the model is unavailable, times out or is overloaded.
 */
public final class BotKeywordRules implements IntentClassifier, Serializable {
    private static final long serialVersionUID = 1L;
    public static final String SOURCE = "keywords";

    private final BotDefinition bot;
    /** Per intent, in the file's order: its keywords of every language, lowercased once. */
    private transient Map<String, List<String>> keywords;

    public BotKeywordRules(BotDefinition bot) {
        this.bot = bot;
    }

    private Map<String, List<String>> keywords() {
        if (keywords == null) {
            Map<String, List<String>> byIntent = new LinkedHashMap<>();
            for (BotDefinition.Intent intent : bot.intents().values()) {
                List<String> lowered = new ArrayList<>();
                intent.keywords().values().forEach(words -> words.forEach(w -> lowered.add(w.toLowerCase(Locale.ROOT))));
                byIntent.put(intent.name(), List.copyOf(lowered));
            }
            keywords = byIntent;
        }
        return keywords;
    }

    @Override
    public CompletableFuture<Understanding> classify(String text) {
        return CompletableFuture.completedFuture(understand(text));
    }

    public Understanding understand(String text) {
        String language = Languages.detect(text);
        if (text == null || text.isBlank()) {
            return new Understanding(BotDefinition.OTHER, 1.0, false, language, SOURCE);
        }
        String lower = (text.length() > SlotValues.MAX_INPUT ? text.substring(0, SlotValues.MAX_INPUT) : text)
                .toLowerCase(Locale.ROOT);
        String best = BotDefinition.OTHER;
        int bestHits = 0;
        int total = 0;
        for (Map.Entry<String, List<String>> intent : keywords().entrySet()) {
            int hits = 0;
            for (String w : intent.getValue()) {
                if (SlotValues.contains(lower, w)) {
                    hits++;
                }
            }
            total += hits;
            if (hits > bestHits) {
                bestHits = hits;
                best = intent.getKey();
            }
        }
        double confidence = total == 0 ? 0.5 : bestHits / (double) total;
        return new Understanding(best, confidence, false, language, SOURCE);
    }
}
