package dev.switchboard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.model.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code check} and {@code chat} on the shipped bots and on broken definitions. */
class BotCommandsTest {
    private static final String SUPPORT = Path.of("..", "bots", "support.yaml").toString();
    private static final String TRATTORIA = Path.of("..", "bots", "trattoria.yaml").toString();
    private static final String CLINIC = Path.of("..", "bots", "examples", "clinic.yaml").toString();

    private record Result(int code, String out, String err) {
        List<JsonNode> lines() throws Exception {
            List<JsonNode> out = new ArrayList<>();
            for (String l : this.out.split("\n")) {
                if (!l.isBlank()) {
                    out.add(Json.MAPPER.readTree(l));
                }
            }
            return out;
        }
    }

    private static Result run(String stdin, String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new SwitchboardCli(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void checkSummarizesTheShippedBotsAndWhatTheirExamplesTeach() throws Exception {
        Result r = run("", "check", "--bot", SUPPORT, "--bot", TRATTORIA);
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("bot 'support' version 2026-11-29.1: ok", "bot 'trattoria' version 3: ok",
                "flow reservation asks party_size, date, sitting, phone (give up after 2)",
                "phone (pattern, sensitive)", "handoff_quiet_for 30min", "handoff_quiet_for 2h");
        assertThat(r.out()).containsPattern("intent model: held-out accuracy en 0\\.9\\d\\d, zh 0\\.9\\d\\d");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void checkPrintsEveryProblemWithItsPlaceAndExitsOne(@TempDir Path dir) throws Exception {
        String broken = Files.readString(Path.of(TRATTORIA)).replace("ask: [party_size, date, sitting, phone]",
                "ask: [party_size, day, sitting, phone]").replace("    reset: true\n", "    reset: true\n    rest: false\n");
        Path file = Files.writeString(dir.resolve("broken.yaml"), broken);
        Result r = run("", "check", "--bot", file.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains(file + ":").contains(": error: unknown key 'rest' in intent 'bye' (did you mean 'reset'?)")
                .contains(": error: flow 'reservation' asks for unknown slot 'day' (did you mean 'date'?)")
                .contains(file + ": 3 errors");
        assertThat(r.err().lines().filter(l -> l.matches(".*broken\\.yaml:\\d+:\\d+: error: .*"))).hasSize(3);
        assertThat(r.out()).isEmpty();
    }

    @Test
    void checkReportsWhatTheEncoderMakesOfKnowledge() throws Exception {
        Result r = run("", "check", "--bot", CLINIC);
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("encoder: ").contains("embedded 134 examples and 26 knowledge questions");
        assertThat(r.out()).containsPattern("encoder intent head: held-out accuracy en 0\\.\\d{3}, zh 0\\.\\d{3}");
        assertThat(r.out()).contains("knowledge: 4 entries");
        assertThat(r.out()).containsPattern("en \\(min_similarity 0\\.78\\): a question vs its entry's others p5 0\\.\\d\\d p50 0\\.\\d\\d");
        assertThat(r.out()).containsPattern("zh: suggested min_similarity 0\\.\\d\\d \\(between p95 of other's examples");
        // The support bot: questions that look like its intents' examples are named.
        Result support = run("", "check", "--bot", SUPPORT);
        assertThat(support.out()).contains("a question that looks like an intent's examples (the intent answers when closer): return-policy ~ intent refund");
    }

    @Test
    void chatShowsTheClosestKnowledgeEntryOnEachLine() throws Exception {
        Result r = run("when are you open\nI'd like to book an appointment\nwhat should I bring with me\nfriday\n", "chat",
                "--bot", CLINIC, "--now", "2026-12-02T09:00:00Z");
        assertThat(r.code()).isZero();
        List<JsonNode> lines = r.lines();
        assertThat(lines).hasSize(4);
        JsonNode hours = lines.get(0);
        assertThat(hours.get("intent").asText()).isEqualTo("knowledge");
        assertThat(hours.get("knowledge").get("id").asText()).isEqualTo("opening-hours");
        assertThat(hours.get("knowledge").get("answers").asBoolean()).isTrue();
        assertThat(hours.get("knowledge").get("similarity").asDouble()).isGreaterThan(0.95);
        JsonNode booking = lines.get(1);
        assertThat(booking.get("intent").asText()).isEqualTo("book");
        assertThat(booking.get("knowledge").get("answers").asBoolean()).isFalse();
        assertThat(booking.get("knowledge").get("nearestIntent").asText()).isEqualTo("book");
        assertThat(booking.get("knowledge").get("intentSimilarity").asDouble())
                .isGreaterThan(booking.get("knowledge").get("similarity").asDouble());
        assertThat(lines.get(2).get("knowledge").get("id").asText()).isEqualTo("what-to-bring");
        assertThat(lines.get(2).get("flow").asText()).isEqualTo("booking");
        assertThat(lines.get(3).get("slots").get("day").asText()).isEqualTo("2026-12-04");
    }

    @Test
    void checkUsage() throws Exception {
        assertThat(run("", "check").code()).isEqualTo(2);
        assertThat(run("", "check", "--bot").code()).isEqualTo(2);
        assertThat(run("", "check", "--bot", "no/such.yaml").code()).isEqualTo(1);
    }

    @Test
    void chatAnswersOneJsonLinePerMessageWithTheJobsPolicy() throws Exception {
        Result r = run("where is my order\nhmm, 48213\n\n{\"text\":\"紧急！我要退款\",\"user\":\"li\",\"name\":\"李雷\"}\n"
                + "{\"text\":\"订单号A-10234\",\"user\":\"li\"}\nnot json {\n{\"user\":\"x\"}\n", "chat", "--bot", SUPPORT);
        assertThat(r.code()).isZero();
        List<JsonNode> lines = r.lines();
        assertThat(lines).hasSize(5);
        JsonNode ask = lines.get(0);
        assertThat(ask.get("intent").asText()).isEqualTo("order_status");
        assertThat(ask.get("replies").get(0).asText()).isEqualTo("Sure. What's your order number?");
        assertThat(ask.get("flow").asText()).isEqualTo("order_status");
        assertThat(ask.get("confidence").asDouble()).isBetween(0.5, 1.0);
        JsonNode done = lines.get(1);
        assertThat(done.get("flow").isNull()).isTrue();
        assertThat(done.get("slots").get("order_number").asText()).isEqualTo("48213");
        // The order's status is live data: without --redis, what the job without Redis says.
        assertThat(done.get("lookup").get("key").asText()).isEqualTo("order:48213");
        assertThat(done.get("lookup").get("outcome").asText()).isEqualTo("unavailable (no --redis)");
        assertThat(done.get("replies").get(0).asText()).startsWith("Got it: order **48213**.");
        // Another user is another session: li's refund asks for the number, then completes with li's own.
        JsonNode urgent = lines.get(2);
        assertThat(urgent.get("language").asText()).isEqualTo("zh");
        assertThat(urgent.get("urgent").asBoolean()).isTrue();
        assertThat(urgent.get("slots").size()).isZero();
        assertThat(lines.get(3).get("replies").get(0).asText()).contains("**A-10234**");
        assertThat(lines.get(4).get("input").asText()).isEqualTo("not json {");
        assertThat(r.err()).contains("stdin:7: not a message");
        for (JsonNode line : lines) {
            assertThat(line.fieldNames()).toIterable().startsWith("input", "intent", "confidence", "language",
                    "replies", "flow", "slots", "handoff", "urgent");
        }
    }

    @Test
    void chatWithRedisShowsTheOrderFromItsHash(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        try (dev.switchboard.testkit.RedisProcess redis = dev.switchboard.testkit.RedisProcess.start(tmp)) {
            org.redisson.api.RedissonClient client = dev.switchboard.redis.RedisClients.create(redis.address());
            client.getMap("order:48213", org.redisson.client.codec.StringCodec.INSTANCE)
                    .putAll(java.util.Map.of("status", "shipped", "eta", "Friday", "carrier", "DHL"));
            client.shutdown();
            List<JsonNode> lines = run("where is my order 48213\nwhere is my order 99999\n", "chat", "--bot", SUPPORT,
                    "--redis", redis.address()).lines();
            assertThat(lines.get(0).get("replies").get(0).asText()).isEqualTo("Order **48213** is shipped. Expected: Friday (DHL).");
            assertThat(lines.get(0).get("lookup").get("outcome").asText()).isEqualTo("found");
            assertThat(lines.get(1).get("replies").get(0).asText()).startsWith("I can't find order **99999**.");
            assertThat(lines.get(1).get("lookup").get("outcome").asText()).isEqualTo("not_found");
        }
    }

    @Test
    void chatWithTheSecondBotFillsSeveralSlotsAtOnceAndMasksSensitiveOnes() throws Exception {
        Result r = run("帮我订明天晚上4位\n13800138000\n", "chat", "--bot", TRATTORIA, "--now", "2026-12-02T09:00:00Z");
        List<JsonNode> lines = r.lines();
        assertThat(lines.get(0).get("replies").get(0).asText()).isEqualTo("请留一个联系电话。");
        assertThat(lines.get(0).get("slots").toString()).isEqualTo("{\"date\":\"2026-12-03\",\"party_size\":\"4\",\"sitting\":\"dinner\"}");
        assertThat(lines.get(1).get("replies").get(0).asText()).isEqualTo("已为您预订 2026-12-03 晚餐，4 位。确认短信会发到 13800138000。");
        assertThat(lines.get(1).get("slots").get("phone").asText()).isEqualTo("•••• 8000");
    }

    @Test
    void chatRefusesABrokenDefinitionAndBadOptions(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("b.yaml"), "bot: b\nversion: 1\nlanguages: [en]\nintents: {}\n");
        Result broken = run("hi\n", "chat", "--bot", file.toString());
        assertThat(broken.code()).isEqualTo(1);
        assertThat(broken.err()).contains("b.yaml:4:10: error: missing intent 'other'");
        assertThat(run("", "chat").code()).isEqualTo(2);
        assertThat(run("", "chat", "--bot", SUPPORT, "--now", "tomorrow").code()).isEqualTo(2);
        assertThat(run("", "chat", "--bot", SUPPORT, "--frobnicate", "x").code()).isEqualTo(2);
    }

    @Test
    void classifyWithABotShowsWhatItsModelMakesOfEachUtterance() throws Exception {
        Result r = run("where is my order?\n\n紧急！转人工\nxyzzy\n", "classify", "--bot", SUPPORT);
        assertThat(r.code()).isZero();
        List<JsonNode> lines = r.lines();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0).get("intent").asText()).isEqualTo("order_status");
        assertThat(lines.get(0).get("acted_on").asText()).isEqualTo("order_status");
        assertThat(lines.get(1).get("intent").asText()).isEqualTo("human_handoff");
        assertThat(lines.get(1).get("urgent").asBoolean()).isTrue();
        assertThat(lines.get(1).get("language").asText()).isEqualTo("zh");
        assertThat(lines.get(2).get("probability").asDouble()).isBetween(0.0, 1.0);
    }
}
