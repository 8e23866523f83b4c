package dev.switchboard.savepoints;

import dev.switchboard.dialogue.DialogueState;
import dev.switchboard.functions.DialogueFunction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.state.api.functions.KeyedStateBootstrapFunction;

/**
 * Writes sessions back as the dialogue operator's state, with the job's state descriptor, and
 * re-registers each session's expiry timer so that restored sessions still expire.
 */
public class DialogueStateBootstrapper extends KeyedStateBootstrapFunction<String, SessionRecord> {
    private static final long serialVersionUID = 1L;

    private transient ValueState<DialogueState> state;

    @Override
    public void open(OpenContext openContext) {
        state = getRuntimeContext().getState(DialogueFunction.stateDescriptor());
    }

    @Override
    public void processElement(SessionRecord record, Context ctx) throws Exception {
        state.update(record.state);
        if (record.state.expiryTimer > 0) {
            ctx.timerService().registerProcessingTimeTimer(record.state.expiryTimer);
        }
    }
}
