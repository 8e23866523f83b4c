package dev.switchboard.functions;

import java.util.List;

/**
 * The uid of every stateful or savepoint-relevant operator, in topology order. Savepoints map state to
 * operators by these strings: never rename one; a new operator gets a new uid. The savepoint tools use
 * these constants too.
 */
public final class OperatorIds {
    public static final String SOURCE = "kafka-source-chat-in";
    public static final String SOURCE_BOTS = "kafka-source-bots";
    public static final String BOT_UPDATES = "bot-updates";
    public static final String NORMALIZE = "normalize";
    public static final String BOT_DEFINITIONS = "bot-definitions";
    public static final String IDENTITY = "identity";
    public static final String CONTROL_GATE = "control-gate";
    public static final String UNDERSTAND = "understand";
    public static final String DIALOGUE = "dialogue";
    public static final String LOOKUP = "lookup";
    public static final String FORMAT = "format";
    public static final String HANDOFF_RECORDS = "handoff-records";
    public static final String SINK_REPLIES = "kafka-sink-replies";
    public static final String SINK_DEAD_LETTERS = "kafka-sink-dead-letters";
    public static final String SINK_HANDOFFS = "kafka-sink-handoffs";
    public static final String SINK_BOT_ERRORS = "kafka-sink-bot-errors";

    public static final List<String> ALL = List.of(SOURCE, SOURCE_BOTS, BOT_UPDATES, NORMALIZE, BOT_DEFINITIONS, IDENTITY, CONTROL_GATE, UNDERSTAND,
            DIALOGUE, LOOKUP, FORMAT, HANDOFF_RECORDS, SINK_REPLIES, SINK_DEAD_LETTERS, SINK_HANDOFFS, SINK_BOT_ERRORS);

    private OperatorIds() {}
}
