package dev.switchboard.savepoints;

import dev.switchboard.dialogue.DialogueSettings;
import dev.switchboard.dialogue.DialogueState;
import dev.switchboard.dialogue.Turn;
import dev.switchboard.functions.DialogueFunction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.state.api.functions.KeyedStateBootstrapFunction;

import java.util.ArrayList;
import java.util.List;

/**
 * Writes sessions back as the dialogue operator's state in the split layout (with the job's state descriptors),
 * whatever layout they were read in, and re-registers each session's expiry timer so that restored sessions still
 * expire.
 */
public class DialogueStateBootstrapper extends KeyedStateBootstrapFunction<String, SessionRecord> {
    private static final long serialVersionUID = 1L;

    private transient ValueState<DialogueState> state;
    private transient ListState<Turn> history;

    @Override
    public void open(OpenContext openContext) {
        state = getRuntimeContext().getState(DialogueFunction.stateDescriptor());
        history = getRuntimeContext().getListState(DialogueFunction.historyDescriptor());
    }

    @Override
    public void processElement(SessionRecord record, Context ctx) throws Exception {
        DialogueState s = record.state;
        // Redelivery keys of a session stored whole go into the ring; a ring already there is kept as it is.
        s.moveToSplitLayout(Math.max(DialogueSettings.DEFAULTS.dedupWindow(), s.recentRedeliveryKeys.size()));
        List<Turn> turns = s.history;
        s.history = new ArrayList<>();
        history.update(turns);
        state.update(s);
        s.history = turns;
        if (s.expiryTimer > 0) {
            ctx.timerService().registerProcessingTimeTimer(s.expiryTimer);
        }
    }
}
