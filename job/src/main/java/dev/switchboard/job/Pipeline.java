package dev.switchboard.job;

import dev.switchboard.functions.BotDefinitionsFunction;
import dev.switchboard.functions.BotReply;
import dev.switchboard.functions.BotUpdate;
import dev.switchboard.functions.BotUpdateFunction;
import dev.switchboard.functions.ControlGateFunction;
import dev.switchboard.functions.DialogueFunction;
import dev.switchboard.functions.FormatFunction;
import dev.switchboard.functions.HandoffRecordFunction;
import dev.switchboard.functions.HandoffRequest;
import dev.switchboard.functions.NormalizeFunction;
import dev.switchboard.functions.OperatorIds;
import dev.switchboard.functions.UnderstandFunction;
import dev.switchboard.functions.UnderstoodMessage;
import dev.switchboard.model.InboundMessage;
import dev.switchboard.model.InboundRecord;
import dev.switchboard.model.OutboundRecord;
import dev.switchboard.normalize.GroupPolicy;
import dev.switchboard.redis.IdentityFunction;
import dev.switchboard.redis.LookupFunction;
import dev.switchboard.understand.IntentClassifier;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.util.function.SerializableFunction;

import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The topology, independent of Kafka: raw records in, three streams of outbound records handed to the
 * sink appliers (replies, dead letters, handoffs). Tests drive it with bounded in-memory sources.
 *
 * <pre>
 * records ─ normalize ─┬─ identity (async, Redis) ─ control-gate ─┬─ keyBy(session) ─ understand (async, batched model) ─ dialogue ─┬─ format ─► replies
 *                      └─► dead letters                             └─► dead letters (no-route)                                   └─ handoff-records ─► handoffs
 * </pre>
 */
public final class Pipeline {
    private Pipeline() {}

    /** Where each output stream goes; {@code botErrors} gets the rejected bot definitions (null: nowhere). */
    public record Sinks(
            Consumer<DataStream<OutboundRecord>> replies,
            Consumer<DataStream<OutboundRecord>> deadLetters,
            Consumer<DataStream<OutboundRecord>> handoffs,
            Consumer<DataStream<OutboundRecord>> botErrors) {

        public Sinks(Consumer<DataStream<OutboundRecord>> replies, Consumer<DataStream<OutboundRecord>> deadLetters,
                Consumer<DataStream<OutboundRecord>> handoffs) {
            this(replies, deadLetters, handoffs, null);
        }
    }

    /** The topology without published bot definitions: the bots the job was started with. */
    public static void define(DataStream<InboundRecord> records, JobConfig config, Sinks sinks) {
        define(records, null, config, sinks, null);
    }

    /**
     * The topology with the model seen through {@code classifierDecorator} (null: as it is). Production
     * passes none; the benchmark wraps the model to hold back a share of its results.
     */
    public static void define(DataStream<InboundRecord> records, DataStream<InboundRecord> botRecords, JobConfig config,
            Sinks sinks, SerializableFunction<IntentClassifier, IntentClassifier> classifierDecorator) {
        SingleOutputStreamOperator<InboundMessage> messages = records
                .process(new NormalizeFunction(config.topics(), config.defaultBotId(), config.definitions().ids(),
                        config.bots(), new GroupPolicy(config.groupPolicy(), config.bots()), config.answerEdits()))
                .uid(OperatorIds.NORMALIZE)
                .name("normalize");

        // Published bot definitions reach every subtask through the broadcast; the messages pass the broadcast
        // operator unchanged and in order (forward, chained with normalize), and its subtask on each TaskManager
        // makes the published versions current there for understand and dialogue.
        DataStream<InboundMessage> withBots = messages;
        if (botRecords != null) {
            SingleOutputStreamOperator<BotUpdate> updates = botRecords
                    .process(new BotUpdateFunction(config.topics()))
                    .uid(OperatorIds.BOT_UPDATES)
                    .name("bot-updates");
            BroadcastStream<BotUpdate> published = updates.broadcast(BotDefinitionsFunction.STATE);
            withBots = messages.connect(published)
                    .process(new BotDefinitionsFunction())
                    .uid(OperatorIds.BOT_DEFINITIONS)
                    .name("bot-definitions");
            if (sinks.botErrors() != null) {
                sinks.botErrors().accept(updates.getSideOutput(BotUpdateFunction.REJECTED));
            }
        }

        // The identity step (with Redis): a linked account's direct messages move into its person's session, the
        // routing table learns where each account was last seen, link commands are carried out, notifications are
        // routed. Ordered, so a conversation keeps its order; every Redis call is time-limited, so a slow or absent
        // Redis delays a message by at most the call timeout. Then the notifications without a route leave.
        DataStream<InboundMessage> identified = withBots;
        if (config.redis() != null) {
            identified = AsyncDataStream.orderedWait(withBots, new IdentityFunction(config.redis()),
                            config.redis().callTimeout().toMillis() * 4, TimeUnit.MILLISECONDS, config.understandCapacity())
                    .uid(OperatorIds.IDENTITY)
                    .name("identity");
        }
        SingleOutputStreamOperator<InboundMessage> gated = identified
                .process(new ControlGateFunction(config.topics(), config.redis() != null))
                .uid(OperatorIds.CONTROL_GATE)
                .name("control-gate");

        // Keying before the async step keeps a session on one subtask, so the dialogue step needs no second
        // shuffle. Unordered emission with per-session release in the function: a session keeps its order
        // and a slow classification holds back only its own session (orderedWait would hold the subtask).
        KeyedStream<InboundMessage, String> bySession = gated.keyBy(new SessionKeySelector());
        DataStream<UnderstoodMessage> understood = AsyncDataStream.unorderedWait(
                        bySession, new UnderstandFunction(config.inference(), config.definitions(), classifierDecorator), config.understandTimeout().toMillis(),
                        TimeUnit.MILLISECONDS, config.understandCapacity())
                .uid(OperatorIds.UNDERSTAND)
                .name("understand");

        SingleOutputStreamOperator<BotReply> replies = DataStreamUtils
                .reinterpretAsKeyedStream(understood, new UnderstoodSessionKeySelector(), Types.STRING)
                .process(new DialogueFunction(config.dialogue(), config.definitions(), config.stateCipher()))
                .uid(OperatorIds.DIALOGUE)
                .name("dialogue");

        // Replies that show live data read it from Redis (time-limited; ordered, so a session's replies keep their
        // order). Without Redis the format step gives such a reply its "unavailable" words.
        DataStream<BotReply> looked = replies;
        if (config.redis() != null) {
            looked = AsyncDataStream.orderedWait(replies, new LookupFunction(config.redis()),
                            config.redis().callTimeout().toMillis() * 4, TimeUnit.MILLISECONDS, config.understandCapacity())
                    .uid(OperatorIds.LOOKUP)
                    .name("lookup");
        }
        DataStream<OutboundRecord> formatted = looked
                .process(new FormatFunction(config.topics()))
                .uid(OperatorIds.FORMAT)
                .name("format");
        DataStream<HandoffRequest> handoffRequests = replies.getSideOutput(DialogueFunction.HANDOFFS);
        DataStream<OutboundRecord> handoffs = handoffRequests
                .map(new HandoffRecordFunction(config.topics()))
                .uid(OperatorIds.HANDOFF_RECORDS)
                .name("handoff-records");

        sinks.replies().accept(formatted);
        sinks.deadLetters().accept(messages.getSideOutput(NormalizeFunction.DEAD_LETTERS)
                .union(gated.getSideOutput(NormalizeFunction.DEAD_LETTERS)));
        sinks.handoffs().accept(handoffs);
    }

    /** Session key of a normalized message. */
    static final class SessionKeySelector implements KeySelector<InboundMessage, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getKey(InboundMessage message) {
            return message.sessionKey();
        }
    }

    /** Session key of an understood message: the same key, carried through the async step. */
    static final class UnderstoodSessionKeySelector implements KeySelector<UnderstoodMessage, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getKey(UnderstoodMessage message) {
            return message.inbound().sessionKey();
        }
    }
}
