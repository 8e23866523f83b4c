package dev.switchboard.dialogue;

import dev.switchboard.bot.BotDefinition;

import java.util.ArrayList;
import java.util.List;

/**
 * The prompt of a generated reply: the bot's system prompt in the reply's language, the knowledge entries closest to
 * the message (question and answer), the session's recent turns (user and bot, as history keeps them: sensitive slot
 * values already masked) and the message itself (masked by the caller).
 */
public final class GenerationPrompt {
    private GenerationPrompt() {}

    public static List<ChatCompletions.Message> messages(BotDefinition bot, String language, List<Turn> history,
            String message, List<String> relatedKnowledge) {
        BotDefinition.Generate g = bot.generate();
        StringBuilder system = new StringBuilder(g.system().getOrDefault(language,
                g.system().getOrDefault(bot.defaultLanguage(), "")));
        List<String> facts = new ArrayList<>();
        for (String id : relatedKnowledge) {
            BotDefinition.KnowledgeEntry entry = bot.knowledge().entry(id);
            if (entry == null) {
                continue;
            }
            List<String> questions = entry.questions().getOrDefault(language,
                    entry.questions().getOrDefault(bot.defaultLanguage(), List.of()));
            List<String> answer = entry.answer().in(language, bot.defaultLanguage());
            if (!questions.isEmpty() && !answer.isEmpty()) {
                facts.add("- Q: " + questions.get(0) + "\n  A: " + String.join(" ", answer));
            }
        }
        if (!facts.isEmpty()) {
            if (system.length() > 0) {
                system.append("\n\n");
            }
            system.append("Facts you may use:\n").append(String.join("\n", facts));
        }
        List<ChatCompletions.Message> out = new ArrayList<>();
        if (system.length() > 0) {
            out.add(new ChatCompletions.Message("system", system.toString()));
        }
        for (Turn t : history) {
            if (t.text == null || t.text.isBlank()) {
                continue;
            }
            out.add(new ChatCompletions.Message(Turn.BOT.equals(t.role) ? "assistant" : "user", t.text));
        }
        out.add(new ChatCompletions.Message("user", message == null ? "" : message));
        return out;
    }
}
