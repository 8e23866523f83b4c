package dev.switchboard.savepoints;

import dev.switchboard.dialogue.DialogueState;
import dev.switchboard.dialogue.SessionSerializer;
import dev.switchboard.dialogue.Turn;
import dev.switchboard.functions.DialogueFunction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.state.api.functions.KeyedStateReaderFunction;
import org.apache.flink.util.Collector;

import java.util.ArrayList;

/**
 * Reads every session's dialogue state with the job's own state descriptors: the split layout (small fields and the
 * turns' list, the list filled into {@link DialogueState#history}), or a session still stored whole by a release
 * before it. The size is what the session takes in state, in the layout it is stored in.
 */
public class DialogueStateReader extends KeyedStateReaderFunction<String, SessionRecord> {
    private static final long serialVersionUID = 1L;

    private transient ValueState<DialogueState> state;
    private transient ListState<Turn> history;
    private transient ValueState<DialogueState> legacy;
    private transient TypeSerializer<DialogueState> legacySerializer;
    private transient TypeSerializer<Turn> turnSerializer;
    private transient DataOutputSerializer buffer;

    @Override
    public void open(OpenContext openContext) {
        state = getRuntimeContext().getState(DialogueFunction.stateDescriptor());
        history = getRuntimeContext().getListState(DialogueFunction.historyDescriptor());
        legacy = getRuntimeContext().getState(DialogueFunction.legacyStateDescriptor());
        legacySerializer = TypeInformation.of(DialogueState.class).createSerializer(new SerializerConfigImpl());
        turnSerializer = TypeInformation.of(Turn.class).createSerializer(new SerializerConfigImpl());
        buffer = new DataOutputSerializer(1024);
    }

    @Override
    public void readKey(String key, Context ctx, Collector<SessionRecord> out) throws Exception {
        buffer.clear();
        DialogueState s = state.value();
        if (s != null) {
            SessionSerializer.INSTANCE.serialize(s, buffer);
            s.history = new ArrayList<>();
            Iterable<Turn> turns = history.get();
            if (turns != null) {
                for (Turn t : turns) {
                    s.history.add(t);
                    turnSerializer.serialize(t, buffer);
                }
            }
            out.collect(new SessionRecord(key, s, buffer.length()));
            return;
        }
        s = legacy.value();
        if (s != null) {
            legacySerializer.serialize(s, buffer);
            out.collect(new SessionRecord(key, s, buffer.length(), true));
        }
    }
}
