package dev.switchboard.savepoints;

import com.fasterxml.jackson.databind.SerializationFeature;
import dev.switchboard.dialogue.StateCipher;
import dev.switchboard.functions.OperatorIds;
import dev.switchboard.model.Json;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.OperatorTransformation;
import org.apache.flink.state.api.SavepointReader;
import org.apache.flink.state.api.SavepointWriter;
import org.apache.flink.state.api.StateBootstrapTransformation;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * {@code switchboard savepoint inspect|show|erase-user}: the dialogue state of a savepoint, read and
 * rewritten with the State Processor API under the job's own uid ({@link OperatorIds#DIALOGUE}) and
 * state descriptor. Every other operator's state (Kafka offsets, sink transactions) is left as it is.
 */
public final class SavepointTools {
    public static final String USAGE = String.join("\n",
            "usage: switchboard savepoint inspect <savepoint>",
            "       switchboard savepoint show <savepoint> <sessionKey>",
            "       switchboard savepoint erase-user <savepoint> <platform> <userId> <new-savepoint>",
            "       switchboard savepoint migrate <savepoint> <new-savepoint>");

    private static final OperatorIdentifier DIALOGUE = OperatorIdentifier.forUid(OperatorIds.DIALOGUE);

    private SavepointTools() {}

    public static void main(String[] args) throws Exception {
        System.exit(run(Arrays.asList(args), System.out, System.err));
    }

    public static int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        if (args.isEmpty()) {
            err.println("switchboard savepoint: missing subcommand\n" + USAGE);
            return 2;
        }
        if (args.contains("--help") || args.contains("-h") || args.get(0).equals("help")) {
            out.println(USAGE);
            return 0;
        }
        try {
            switch (args.get(0)) {
                case "inspect" -> {
                    require(args, 2);
                    out.println(inspect(args.get(1)));
                }
                case "show" -> {
                    require(args, 3);
                    SessionRecord r = sessions(args.get(1)).stream()
                            .filter(s -> s.sessionKey.equals(args.get(2))).findFirst().orElse(null);
                    if (r == null) {
                        err.println("switchboard savepoint: no session '" + args.get(2) + "' in " + args.get(1));
                        return 1;
                    }
                    // Sealed sensitive slot values are shown masked, never as ciphertext.
                    r.state.slots.replaceAll((k, v) -> StateCipher.isEncrypted(v) ? StateCipher.mask(v) : v);
                    out.println(Json.MAPPER.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(r.state));
                }
                case "erase-user" -> {
                    require(args, 5);
                    eraseUser(args.get(1), args.get(2), args.get(3), args.get(4));
                    out.println("wrote " + args.get(4) + " without " + args.get(2) + " user " + args.get(3));
                }
                case "migrate" -> {
                    require(args, 3);
                    long moved = migrate(args.get(1), args.get(2));
                    out.println("wrote " + args.get(2) + " with every session in the split layout (" + moved
                            + " moved from the whole-value layout)");
                }
                default -> {
                    err.println("switchboard savepoint: unknown subcommand '" + args.get(0) + "'\n" + USAGE);
                    return 2;
                }
            }
            return 0;
        } catch (IllegalArgumentException e) {
            err.println("switchboard savepoint: " + e.getMessage());
            return 2;
        } catch (java.io.FileNotFoundException e) {
            // A path that holds no savepoint: its reason, not a stack trace.
            err.println("switchboard savepoint: " + e.getMessage());
            return 1;
        }
    }

    private static void require(List<String> args, int n) {
        if (args.size() != n) {
            throw new IllegalArgumentException("wrong number of arguments\n" + USAGE);
        }
    }

    private static StreamExecutionEnvironment environment() {
        // Generic types stay enabled here: the State Processor API's own records need Kryo.
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(new Configuration());
        env.setParallelism(1);
        return env;
    }

    private static DataStream<SessionRecord> read(StreamExecutionEnvironment env, String savepoint) throws Exception {
        return SavepointReader.read(env, savepoint, new EmbeddedRocksDBStateBackend())
                .readKeyedState(DIALOGUE, new DialogueStateReader(), Types.STRING,
                        TypeInformation.of(SessionRecord.class));
    }

    /** Every session of the savepoint's dialogue state. */
    public static List<SessionRecord> sessions(String savepoint) throws Exception {
        List<SessionRecord> out = new ArrayList<>();
        try (CloseableIterator<SessionRecord> it = read(environment(), savepoint).executeAndCollect("savepoint sessions")) {
            it.forEachRemaining(out::add);
        }
        return out;
    }

    /** Sessions per platform, state size and age distributions, as JSON. */
    public static String inspect(String savepoint) throws Exception {
        List<SessionRecord> sessions = sessions(savepoint);
        long now = System.currentTimeMillis();
        Map<String, Object> report = new TreeMap<>();
        report.put("savepoint", savepoint);
        report.put("sessions", sessions.size());
        Map<String, List<SessionRecord>> byPlatform = new TreeMap<>();
        for (SessionRecord s : sessions) {
            byPlatform.computeIfAbsent(s.platform(), p -> new ArrayList<>()).add(s);
        }
        Map<String, Object> platforms = new TreeMap<>();
        byPlatform.forEach((p, list) -> platforms.put(p, summary(list, now)));
        report.put("all", summary(sessions, now));
        report.put("platforms", platforms);
        return Json.MAPPER.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report);
    }

    private static Map<String, Object> summary(List<SessionRecord> sessions, long now) {
        Map<String, Object> m = new TreeMap<>();
        m.put("sessions", sessions.size());
        m.put("stateBytes", distribution(sessions.stream().mapToLong(s -> s.sizeBytes).sorted().toArray()));
        m.put("idleSeconds", distribution(sessions.stream()
                .mapToLong(s -> Math.max(0, now - s.state.lastActivity) / 1000).sorted().toArray()));
        // Sessions saved by a version without a start time (startedAt 0) have no age yet.
        m.put("ageSeconds", distribution(sessions.stream().filter(s -> s.state.startedAt > 0)
                .mapToLong(s -> Math.max(0, now - s.state.startedAt) / 1000).sorted().toArray()));
        m.put("handedOff", sessions.stream().filter(s -> s.state.handedOff(now)).count());
        m.put("storedWhole", sessions.stream().filter(s -> s.wholeValue).count());
        return m;
    }

    private static Map<String, Long> distribution(long[] sorted) {
        Map<String, Long> d = new TreeMap<>();
        if (sorted.length == 0) {
            return d;
        }
        d.put("min", sorted[0]);
        d.put("p50", sorted[(int) (sorted.length * 0.5)]);
        d.put("p90", sorted[Math.min(sorted.length - 1, (int) (sorted.length * 0.9))]);
        d.put("max", sorted[sorted.length - 1]);
        return d;
    }

    /** Writes a copy of the savepoint without the user's sessions and turns; everything else as it was. */
    public static void eraseUser(String savepoint, String platform, String userId, String target) throws Exception {
        Erasure erasure = new Erasure(platform, userId);
        rewrite(savepoint, target, sessions -> sessions
                .map(erasure::apply).returns(TypeInformation.of(SessionRecord.class))
                .filter(Objects::nonNull), "erase " + platform + " user from savepoint");
    }

    /**
     * Writes a copy of the savepoint with every session in the split layout (small fields, turns in a list), the
     * layout this version stores; everything else as it was. Returns how many sessions were stored whole before.
     * The job moves such sessions by itself on their first message, so this is optional: it does the work up front,
     * and lets an older savepoint's sessions be inspected in the layout the running job keeps.
     */
    public static long migrate(String savepoint, String target) throws Exception {
        // Counted while the sessions pass through the rewrite: the savepoint is read once.
        return rewrite(savepoint, target, sessions -> sessions.map(new CountStoredWhole()),
                "move savepoint sessions to the split layout").<Long>getAccumulatorResult(CountStoredWhole.NAME);
    }

    /** Passes sessions on unchanged, counting those stored whole (an accumulator of the rewriting job). */
    static final class CountStoredWhole extends org.apache.flink.api.common.functions.RichMapFunction<SessionRecord, SessionRecord> {
        private static final long serialVersionUID = 1L;
        static final String NAME = "storedWhole";
        private final org.apache.flink.api.common.accumulators.LongCounter whole =
                new org.apache.flink.api.common.accumulators.LongCounter();

        @Override
        public void open(org.apache.flink.api.common.functions.OpenContext ctx) {
            getRuntimeContext().addAccumulator(NAME, whole);
        }

        @Override
        public SessionRecord map(SessionRecord r) {
            if (r.wholeValue) {
                whole.add(1);
            }
            return r;
        }
    }

    private static org.apache.flink.api.common.JobExecutionResult rewrite(String savepoint, String target,
            java.util.function.UnaryOperator<DataStream<SessionRecord>> change, String jobName) throws Exception {
        if (Objects.equals(savepoint, target)) {
            throw new IllegalArgumentException("write the new savepoint to a new path, not over " + savepoint);
        }
        StreamExecutionEnvironment env = environment();
        DataStream<SessionRecord> kept = change.apply(read(env, savepoint));
        StateBootstrapTransformation<SessionRecord> dialogue = OperatorTransformation.bootstrapWith(kept)
                .keyBy(new SessionKey())
                .transform(new DialogueStateBootstrapper());
        SavepointWriter.fromExistingSavepoint(env, savepoint, new EmbeddedRocksDBStateBackend())
                .removeOperator(DIALOGUE)
                .withOperator(DIALOGUE, dialogue)
                .write(target);
        return env.execute(jobName);
    }

    static final class SessionKey implements KeySelector<SessionRecord, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getKey(SessionRecord r) {
            return r.sessionKey;
        }
    }

}
