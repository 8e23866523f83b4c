package dev.switchboard.savepoints;

import dev.switchboard.dialogue.DialogueState;
import dev.switchboard.dialogue.Turn;
import dev.switchboard.functions.OperatorIds;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.OperatorTransformation;
import org.apache.flink.state.api.SavepointWriter;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The savepoint tools on a savepoint holding dialogue state under the job's uid, written with the job's
 * own state descriptor: inspect, show, and erase-user (a user's own session dropped, their turns and
 * the bot's answers removed from a shared group session, everyone else untouched).
 */
class SavepointToolsTest {
    @TempDir
    static Path dir;
    static String savepoint;

    private static DialogueState session(long lastActivity, Turn... turns) {
        DialogueState s = new DialogueState();
        s.history.addAll(List.of(turns));
        s.lastActivity = lastActivity;
        s.startedAt = turns[0].at;
        s.expiryTimer = lastActivity + 1_800_000;
        s.language = "en";
        s.slots.put("order_number", "48213");
        return s;
    }

    @BeforeAll
    static void writeSavepoint() throws Exception {
        long now = System.currentTimeMillis();
        List<SessionRecord> sessions = List.of(
                new SessionRecord("acme:telegram:111", session(now - 60_000,
                        new Turn(Turn.USER, "where is my order 48213", now - 61_000, "order_status", "111"),
                        new Turn(Turn.BOT, "Got it: order **48213**.", now - 60_000, null)), 0),
                new SessionRecord("acme:telegram:-100500", session(now - 5_000,
                        new Turn(Turn.USER, "hi all", now - 9_000, "greeting", "222"),
                        new Turn(Turn.BOT, "Hi!", now - 9_000, null),
                        new Turn(Turn.USER, "my order is 48213", now - 6_000, "order_status", "111"),
                        new Turn(Turn.BOT, "Got it: order **48213**.", now - 5_000, null)), 0),
                new SessionRecord("acme:slack:D024BE91L", session(now - 120_000,
                        new Turn(Turn.USER, "hello", now - 120_000, "greeting", "U2147483697")), 0));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        savepoint = dir.resolve("v1").toUri().toString();
        SavepointWriter.newSavepoint(env, new EmbeddedRocksDBStateBackend(), 128)
                .withOperator(OperatorIdentifier.forUid(OperatorIds.DIALOGUE), OperatorTransformation
                        .bootstrapWith(env.fromData(TypeInformation.of(SessionRecord.class), sessions.toArray(new SessionRecord[0])))
                        .keyBy(new SavepointTools.SessionKey())
                        .transform(new DialogueStateBootstrapper()))
                .write(savepoint);
        env.execute("write test savepoint");

    }

    private static String run(String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = SavepointTools.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void inspectCountsSessionsPerPlatformWithSizesAndAges() throws Exception {
        String report = run("inspect", savepoint);
        assertThat(report).as(report).contains("\"sessions\" : 3");
        assertThat(report).contains("\"slack\"").contains("\"telegram\"");
        var all = dev.switchboard.model.Json.MAPPER.readTree(report).path("all");
        assertThat(all.path("stateBytes").path("min").asLong()).isGreaterThan(50);
        // Every session was started by the current version, so each has an age and an idle time.
        assertThat(all.path("ageSeconds").path("max").isNumber()).as(report).isTrue();
        assertThat(all.path("idleSeconds").path("max").asLong()).isLessThanOrEqualTo(all.path("ageSeconds").path("max").asLong());
        List<SessionRecord> sessions = SavepointTools.sessions(savepoint);
        assertThat(sessions).allSatisfy(s -> assertThat(s.sizeBytes).isGreaterThan(50));
    }

    @Test
    void showPrintsOneSession() throws Exception {
        assertThat(run("show", savepoint, "acme:telegram:-100500")).contains("my order is 48213").contains("\"userId\" : \"111\"");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(SavepointTools.run(List.of("show", savepoint, "nobody"), new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8))).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("no session 'nobody'");
    }

    @Test
    void eraseUserRemovesTheirSessionsAndTurnsAndKeepsEveryoneElse() throws Exception {
        String erased = dir.resolve("v1-erased").toUri().toString();
        assertThat(run("erase-user", savepoint, "telegram", "111", erased)).contains("wrote");
        Map<String, SessionRecord> after = SavepointTools.sessions(erased).stream()
                .collect(Collectors.toMap(s -> s.sessionKey, s -> s));
        assertThat(after).containsOnlyKeys("acme:telegram:-100500", "acme:slack:D024BE91L");
        DialogueState group = after.get("acme:telegram:-100500").state;
        assertThat(group.history).extracting(t -> t.text).containsExactly("hi all", "Hi!");
        assertThat(group.slots).isEmpty();
        assertThat(group.expiryTimer).isGreaterThan(0);
        DialogueState slack = after.get("acme:slack:D024BE91L").state;
        assertThat(slack.history).extracting(t -> t.text).containsExactly("hello");
        assertThat(slack.slots).containsEntry("order_number", "48213");
        // The original is untouched.
        assertThat(SavepointTools.sessions(savepoint)).hasSize(3);
    }

    /** Writes sessions whole, as releases before the split layout stored them. */
    static final class WholeValueBootstrapper extends org.apache.flink.state.api.functions.KeyedStateBootstrapFunction<String,
            SessionRecord> {
        private transient org.apache.flink.api.common.state.ValueState<DialogueState> state;

        @Override
        public void open(org.apache.flink.api.common.functions.OpenContext ctx) {
            state = getRuntimeContext().getState(dev.switchboard.functions.DialogueFunction.legacyStateDescriptor());
        }

        @Override
        public void processElement(SessionRecord r, Context ctx) throws Exception {
            state.update(r.state);
        }
    }

    @Test
    void migrateMovesSessionsStoredWholeIntoTheSplitLayout() throws Exception {
        long now = System.currentTimeMillis();
        DialogueState whole = session(now - 1_000,
                new Turn(Turn.USER, "我要退款", now - 3_000, "refund", "U1", "line"),
                new Turn(Turn.BOT, "请提供订单号。", now - 2_000, null));
        whole.startedAt = 0;
        whole.recentRedeliveryKeys.addAll(List.of("evt-1", "evt-2"));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        String earlier = dir.resolve("whole").toUri().toString();
        SavepointWriter.newSavepoint(env, new EmbeddedRocksDBStateBackend(), 128)
                .withOperator(OperatorIdentifier.forUid(OperatorIds.DIALOGUE), OperatorTransformation
                        .bootstrapWith(env.fromData(TypeInformation.of(SessionRecord.class),
                                new SessionRecord("shop:line:U1", whole, 0)))
                        .keyBy(new SavepointTools.SessionKey())
                        .transform(new WholeValueBootstrapper()))
                .write(earlier);
        env.execute("write whole-value savepoint");

        // The tools read the earlier layout as it is ...
        SessionRecord before = SavepointTools.sessions(earlier).get(0);
        assertThat(before.wholeValue).isTrue();
        assertThat(before.state.recentRedeliveryKeys).containsExactly("evt-1", "evt-2");
        assertThat(run("inspect", earlier)).contains("\"storedWhole\" : 1");

        String migrated = dir.resolve("whole-migrated").toUri().toString();
        assertThat(run("migrate", earlier, migrated)).contains("1 moved from the whole-value layout");
        SessionRecord after = SavepointTools.sessions(migrated).get(0);
        assertThat(after.wholeValue).isFalse();
        assertThat(after.state.history).usingRecursiveFieldByFieldElementComparator().isEqualTo(before.state.history);
        assertThat(after.state.historyTurns).isEqualTo(2);
        assertThat(after.state.slots).isEqualTo(before.state.slots);
        assertThat(after.state.startedAt).as("from the oldest turn").isEqualTo(now - 3_000);
        assertThat(after.state.recentRedeliveryKeys).isEmpty();
        assertThat(List.of("evt-1", "evt-2")).allMatch(after.state::seenRedelivery);
        assertThat(run("inspect", migrated)).contains("\"storedWhole\" : 0");
        // Migrating a savepoint already in the split layout changes nothing.
        String again = dir.resolve("whole-migrated-again").toUri().toString();
        assertThat(run("migrate", migrated, again)).contains("0 moved");
        assertThat(SavepointTools.sessions(again).get(0).state).usingRecursiveComparison().isEqualTo(after.state);
    }

    @Test
    void usageMistakesAreNamed() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        assertThat(SavepointTools.run(List.of("inspect"), System.out, e)).isEqualTo(2);
        assertThat(SavepointTools.run(List.of("erase-user", savepoint, "telegram", "1", savepoint), System.out, e)).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("wrong number of arguments").contains("new path");
        ByteArrayOutputStream missing = new ByteArrayOutputStream();
        assertThat(SavepointTools.run(List.of("inspect", dir.resolve("no-such-savepoint").toUri().toString()), System.out,
                new PrintStream(missing, true, StandardCharsets.UTF_8))).isEqualTo(1);
        assertThat(missing.toString(StandardCharsets.UTF_8)).startsWith("switchboard savepoint: ").contains("no-such-savepoint")
                .doesNotContain("\tat ");
    }
}
