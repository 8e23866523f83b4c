package dev.switchboard.functions;

import dev.switchboard.bot.BotDefinition;
import dev.switchboard.bot.BotDefinitionReader;
import dev.switchboard.model.InboundMessage;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.co.BroadcastProcessFunction;
import org.apache.flink.util.Collector;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Hot swap of bot definitions: the published versions arrive here, on every subtask, through Flink's
 * broadcast; each is kept in broadcast state (so a checkpoint holds exactly the versions in force, and a
 * restore brings them back) and made current on this TaskManager ({@link BotRegistry}), where the next
 * message of that bot is understood and answered with it. Messages pass through unchanged, in order.
 */
public class BotDefinitionsFunction extends BroadcastProcessFunction<InboundMessage, BotUpdate, InboundMessage>
        implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;

    /** Bot id → the published YAML in force. */
    public static final MapStateDescriptor<String, String> STATE =
            new MapStateDescriptor<>("bot-definitions", Types.STRING, Types.STRING);

    private transient String jobId;

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        jobId = getRuntimeContext().getJobInfo().getJobId().toString();
        BotRegistry.hold(jobId);
        BroadcastState<String, String> state = context.getOperatorStateStore().getBroadcastState(STATE);
        for (Map.Entry<String, String> e : state.entries()) {
            BotRegistry.publish(jobId, read(e.getValue()));
        }
    }

    @Override
    public void open(OpenContext openContext) {
        if (jobId == null) {
            jobId = getRuntimeContext().getJobInfo().getJobId().toString();
            BotRegistry.hold(jobId);
        }
    }

    @Override
    public void processElement(InboundMessage message, ReadOnlyContext ctx, Collector<InboundMessage> out) {
        out.collect(message);
    }

    @Override
    public void processBroadcastElement(BotUpdate update, Context ctx, Collector<InboundMessage> out) throws Exception {
        BotDefinition bot = read(update.yaml());
        ctx.getBroadcastState(STATE).put(bot.id(), update.yaml());
        BotRegistry.publish(jobId, bot);
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) {
        // The broadcast state is the state; nothing else to write.
    }

    @Override
    public void close() throws Exception {
        if (jobId != null) {
            BotRegistry.release(jobId);
            jobId = null;
        }
        super.close();
    }

    /** A version that passed {@link BotUpdateFunction}'s checks: read again here, where it is used. */
    private static BotDefinition read(String yaml) {
        return BotDefinitionReader.read(yaml.getBytes(StandardCharsets.UTF_8), "published").orThrow();
    }
}
