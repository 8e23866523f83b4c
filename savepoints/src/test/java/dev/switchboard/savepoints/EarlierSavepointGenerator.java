package dev.switchboard.savepoints;

import dev.switchboard.dialogue.DialogueState;
import dev.switchboard.dialogue.Turn;
import dev.switchboard.functions.DialogueFunction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.OperatorTransformation;
import org.apache.flink.state.api.SavepointWriter;
import org.apache.flink.state.api.functions.KeyedStateBootstrapFunction;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Makes the checked-in savepoint {@code job/src/test/resources/savepoints/v0-turn-without-userid}: the
 * dialogue state of one Telegram user ({@code default:telegram:555}) in the middle of the order-number
 * flow, written with the state types of an earlier version of the job, in which {@code Turn} had no
 * {@code userId} field. Run it with that version's {@code operators} classes first on the class path
 * (they are what gives the savepoint the older POJO schema); compiled against the current classes it
 * uses nothing the older ones lack. Arguments: the target directory URI.
 */
public final class EarlierSavepointGenerator {
    private EarlierSavepointGenerator() {}

    /** Writes the session whole, with the descriptor the job used then (now its legacy descriptor). */
    public static class Writer extends KeyedStateBootstrapFunction<String, String> {
        private transient ValueState<DialogueState> state;

        @Override
        public void open(OpenContext openContext) {
            state = getRuntimeContext().getState(DialogueFunction.legacyStateDescriptor());
        }

        @Override
        public void processElement(String key, Context ctx) throws Exception {
            DialogueState s = new DialogueState();
            long now = System.currentTimeMillis();
            s.history.add(new Turn(Turn.USER, "where is my order?", now, "order_status"));
            s.history.add(new Turn(Turn.BOT, "Sure. What's your order number?", now, null));
            s.flow = "await_order_number";
            s.flowIntent = "order_status";
            s.lastIntent = "order_status";
            s.language = "en";
            s.lastActivity = now;
            s.recentRedeliveryKeys.add("1");
            state.update(s);
            // No expiry timer: the restoring test must not depend on when this file was made.
        }
    }

    public static void main(String[] args) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        SavepointWriter.newSavepoint(env, new EmbeddedRocksDBStateBackend(), 128)
                .withOperator(OperatorIdentifier.forUid("dialogue"), OperatorTransformation
                        .bootstrapWith(env.fromData(Types.STRING, "default:telegram:555"))
                        .keyBy(k -> k, Types.STRING)
                        .transform(new Writer()))
                .write(args[0]);
        env.execute("earlier savepoint");
    }
}
