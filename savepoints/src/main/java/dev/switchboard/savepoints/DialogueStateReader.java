package dev.switchboard.savepoints;

import dev.switchboard.dialogue.DialogueState;
import dev.switchboard.functions.DialogueFunction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.state.api.functions.KeyedStateReaderFunction;
import org.apache.flink.util.Collector;

/** Reads every session's dialogue state with the job's own state descriptor. */
public class DialogueStateReader extends KeyedStateReaderFunction<String, SessionRecord> {
    private static final long serialVersionUID = 1L;

    private transient ValueState<DialogueState> state;
    private transient TypeSerializer<DialogueState> serializer;
    private transient DataOutputSerializer buffer;

    @Override
    public void open(OpenContext openContext) {
        state = getRuntimeContext().getState(DialogueFunction.stateDescriptor());
        serializer = TypeInformation.of(DialogueState.class).createSerializer(new SerializerConfigImpl());
        buffer = new DataOutputSerializer(1024);
    }

    @Override
    public void readKey(String key, Context ctx, Collector<SessionRecord> out) throws Exception {
        DialogueState s = state.value();
        if (s == null) {
            return;
        }
        buffer.clear();
        serializer.serialize(s, buffer);
        out.collect(new SessionRecord(key, s, buffer.length()));
    }
}
