package dev.switchboard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.bot.BotDefinition;
import dev.switchboard.dialogue.BotPolicy;
import dev.switchboard.dialogue.Decision;
import dev.switchboard.dialogue.DialogueState;
import dev.switchboard.dialogue.StateCipher;
import dev.switchboard.model.ChatType;
import dev.switchboard.model.Json;
import dev.switchboard.model.MessageKind;
import dev.switchboard.model.Sender;
import dev.switchboard.model.UnifiedMessage;
import dev.switchboard.redis.LookupFunction;
import dev.switchboard.redis.RedisClients;
import dev.switchboard.understand.BotSemantics;
import dev.switchboard.understand.BotUnderstander;
import dev.switchboard.understand.Understanding;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code switchboard chat --bot FILE}: a conversation with a bot in the terminal, with exactly the job's
 * understanding and policy (the same classes, the model trained from the same examples), no Kafka. Each input
 * line is one user message (text, or a JSON object {@code {"text", "user", "platform", "name"}}); each gets one
 * JSON line on stdout, or, on a terminal, the replies to read.
 */
final class ChatCommand {
    static final String USAGE = "usage: switchboard chat --bot FILE [--platform P] [--user ID] [--name NAME] [--json]"
            + " [--now 2026-12-02T09:00:00Z] [--redis redis://H:P|FILE]\n"
            + "  one message per line on stdin (text, or {\"text\", \"user\", \"platform\", \"name\"}); one JSON line per"
            + " message on stdout:\n"
            + "  {input, intent, confidence, language, replies, flow, slots, handoff, urgent[, lookup][, knowledge]}";

    private ChatCommand() {}

    static int run(List<String> args, InputStream in, PrintStream out, PrintStream err, boolean terminal) throws Exception {
        String file = null;
        String platform = "cli";
        String user = "you";
        String name = null;
        boolean json = !terminal;
        Long fixedNow = null;
        String redisAddress = null;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--json")) {
                json = true;
                continue;
            }
            if (i + 1 >= args.size()) {
                err.println("switchboard chat: " + a + " needs a value\n" + USAGE);
                return SwitchboardCli.USAGE;
            }
            String v = args.get(++i);
            switch (a) {
                case "--bot" -> file = v;
                case "--platform" -> platform = v;
                case "--user" -> user = v;
                case "--name" -> name = v;
                case "--redis" -> redisAddress = v;
                case "--now" -> {
                    try {
                        fixedNow = Instant.parse(v).toEpochMilli();
                    } catch (DateTimeParseException e) {
                        err.println("switchboard chat: --now takes an instant like 2026-12-02T09:00:00Z, not '" + v + "'");
                        return SwitchboardCli.USAGE;
                    }
                }
                default -> {
                    err.println("switchboard chat: unknown option '" + a + "'\n" + USAGE);
                    return SwitchboardCli.USAGE;
                }
            }
        }
        if (file == null) {
            err.println(USAGE);
            return SwitchboardCli.USAGE;
        }
        BotFiles.Read read = BotFiles.read(Path.of(file), err, false);
        if (read == null) {
            return SwitchboardCli.BAD_INPUT;
        }
        if (!read.ok()) {
            err.println(file + ": fix these first (switchboard check --bot " + file + ")");
            return SwitchboardCli.BAD_INPUT;
        }
        BotDefinition bot = read.result().definition();
        BotPolicy policy = new BotPolicy(bot);
        Map<String, DialogueState> sessions = new HashMap<>();
        if (!json) {
            err.println("Talking to bot '" + bot.id() + "' version " + bot.version() + " (" + String.join(", ", bot.languages())
                    + "). One message per line; Ctrl-D ends.");
        }
        RedissonClient redis = null;
        if (redisAddress != null) {
            try {
                redis = RedisClients.create(redisAddress);
            } catch (IllegalArgumentException e) {
                err.println("switchboard chat: " + e.getMessage());
                return SwitchboardCli.USAGE;
            } catch (RuntimeException e) {
                err.println("switchboard chat: cannot reach Redis at " + redisAddress + ": " + e.getMessage());
                return SwitchboardCli.BAD_INPUT;
            }
        }
        try (BotUnderstander model = BotUnderstander.load(bot);
             BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            int number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                String text = line;
                String lineUser = user;
                String linePlatform = platform;
                String lineName = name;
                if (line.stripLeading().startsWith("{")) {
                    try {
                        JsonNode node = Json.MAPPER.readTree(line);
                        text = node.path("text").isTextual() ? node.get("text").asText() : null;
                        lineUser = node.path("user").isValueNode() ? node.get("user").asText() : user;
                        linePlatform = node.path("platform").isTextual() ? node.get("platform").asText() : platform;
                        lineName = node.path("name").isTextual() ? node.get("name").asText() : name;
                        if (text == null) {
                            throw new IOException("a message needs \"text\"");
                        }
                    } catch (IOException e) {
                        err.println("stdin:" + number + ": not a message: " + Json.firstLine(e.getMessage()));
                        continue;
                    }
                }
                long now = fixedNow != null ? fixedNow : System.currentTimeMillis();
                DialogueState state = sessions.computeIfAbsent(linePlatform + ":" + lineUser, k -> new DialogueState());
                UnifiedMessage message = new UnifiedMessage(linePlatform, bot.id(), Integer.toString(number), lineUser,
                        ChatType.DIRECT, null, null, new Sender(lineUser, lineName, false), MessageKind.TEXT, text,
                        List.of(), List.of(), now, Integer.toString(number));
                BotUnderstander.Result understood = model.understand(text);
                Understanding understanding = understood.understanding();
                Decision decision = policy.decide(state, message, understanding, now);
                List<String> replies = new java.util.ArrayList<>(decision.replies());
                String lookupOutcome = decision.lookup() == null ? null : lookUp(redis, decision, replies);
                if (json) {
                    ObjectNode lineJson = line(text, understanding, decision, state, bot, replies);
                    if (understood.knowledge() != null) {
                        BotSemantics.KnowledgeMatch k = understood.knowledge();
                        ObjectNode kn = lineJson.putObject("knowledge");
                        kn.put("id", k.entryId()).put("similarity", Math.round(k.similarity() * 10_000) / 10_000.0)
                                .put("answers", decision.knowledgeId() != null);
                        if (k.nearestIntent() != null) {
                            kn.put("nearestIntent", k.nearestIntent())
                                    .put("intentSimilarity", Math.round(k.intentSimilarity() * 10_000) / 10_000.0);
                        }
                    }
                    if (lookupOutcome != null) {
                        lineJson.putObject("lookup").put("key", decision.lookup().key()).put("outcome", lookupOutcome);
                    }
                    out.println(Json.MAPPER.writeValueAsString(lineJson));
                } else {
                    for (String reply : replies) {
                        out.println("  " + bot.id() + " › " + reply.replace("\n", "\n    "));
                    }
                    out.printf(java.util.Locale.ROOT, "    [%s %.2f%s%s%s%s]%n", decision.intent(), decision.knowledgeId() != null
                                    ? understanding.knowledgeSimilarity() : understanding.confidence(),
                            decision.knowledgeId() != null ? " " + decision.knowledgeId() : "",
                            state.flow == null ? "" : ", waiting in " + state.flow,
                            decision.handoff() ? ", handed off" : "", decision.urgent() ? ", urgent" : "");
                }
                out.flush();
            }
        } finally {
            if (redis != null) {
                redis.shutdown();
            }
        }
        return SwitchboardCli.OK;
    }

    /**
     * The reply that shows live data, as the job would give it: filled from the hash in Redis, or its not_found or
     * unavailable words (always unavailable without {@code --redis}). Returns the outcome.
     */
    private static String lookUp(RedissonClient redis, Decision decision, List<String> replies) {
        int i = decision.lookupIndex();
        if (redis == null) {
            replies.set(i, decision.lookup().unavailable());
            return "unavailable (no --redis)";
        }
        try {
            Map<String, String> fields = redis.<String, String>getMap(decision.lookup().key(), StringCodec.INSTANCE)
                    .readAllMapAsync().toCompletableFuture().get(2, java.util.concurrent.TimeUnit.SECONDS);
            if (fields.isEmpty()) {
                replies.set(i, decision.lookup().notFound());
                return "not_found";
            }
            replies.set(i, LookupFunction.fill(replies.get(i), fields));
            return "found";
        } catch (Exception e) {
            replies.set(i, decision.lookup().unavailable());
            return "unavailable";
        }
    }

    private static ObjectNode line(String input, Understanding understanding, Decision decision, DialogueState state,
            BotDefinition bot, List<String> replies) {
        ObjectNode json = Json.MAPPER.createObjectNode();
        json.put("input", input);
        json.put("intent", decision.intent());
        json.put("confidence", Math.round(understanding.confidence() * 10_000) / 10_000.0);
        json.put("language", decision.language());
        replies.forEach(json.putArray("replies")::add);
        if (state.flow == null) {
            json.putNull("flow");
        } else {
            json.put("flow", state.flow);
        }
        ObjectNode slots = json.putObject("slots");
        new TreeMap<>(state.slots).forEach((k, v) -> {
            BotDefinition.Slot slot = bot.slots().get(k);
            slots.put(k, slot != null && slot.sensitive() ? StateCipher.mask(v) : v);
        });
        json.put("handoff", decision.handoff());
        json.put("urgent", decision.urgent());
        return json;
    }
}
