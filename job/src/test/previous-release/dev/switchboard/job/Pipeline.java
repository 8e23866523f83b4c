package dev.switchboard.job;

import dev.switchboard.functions.BotReply;
import dev.switchboard.functions.DialogueFunction;
import dev.switchboard.functions.FormatFunction;
import dev.switchboard.functions.NormalizeFunction;
import dev.switchboard.functions.OperatorIds;
import dev.switchboard.functions.UnderstandFunction;
import dev.switchboard.functions.UnderstoodMessage;
import dev.switchboard.model.InboundMessage;
import dev.switchboard.model.InboundRecord;
import dev.switchboard.model.OutboundRecord;
import dev.switchboard.normalize.GroupPolicy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.functions.async.AsyncRetryStrategy;
import org.apache.flink.streaming.util.retryable.AsyncRetryStrategies;

import java.io.Serializable;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

/*
 * THE PREVIOUS RELEASE's topology, for ClusterUpgradeITCase: it had no handoff records (no
 * handoff-records operator, no handoff sink). Not part of the build.
 */
/**
 * The topology, independent of Kafka: raw records in, three streams of outbound records handed to the
 * sink appliers (replies, dead letters, handoffs). Tests drive it with bounded in-memory sources.
 *
 * <pre>
 * records ─ normalize ─┬─ keyBy(session) ─ understand (async, ordered, batched model) ─ dialogue ─┬─ format ─► replies
 *                      └─► dead letters                                          └─ handoff-records ─► handoffs
 * </pre>
 */
public final class Pipeline {
    private Pipeline() {}

    /** Where each output stream goes. */
    /** Today's SwitchboardJob also hands over a sink for rejected bot definitions; the previous release had none. */
    public record Sinks(
            Consumer<DataStream<OutboundRecord>> replies,
            Consumer<DataStream<OutboundRecord>> deadLetters,
            Consumer<DataStream<OutboundRecord>> handoffs,
            Consumer<DataStream<OutboundRecord>> ignoredBotErrors) {}

    /** A full inference queue is transient: try twice more, 5 ms apart, before the rules answer. */
    static final AsyncRetryStrategy<UnderstoodMessage> RETRY_WHEN_OVERLOADED =
            new AsyncRetryStrategies.FixedDelayRetryStrategyBuilder<UnderstoodMessage>(2, 5L)
                    // The previous release's predicate (UnderstandFunction.overloaded, since removed: the function
                    // retries itself now), inlined so this source compiles against the current jar.
                    .ifResult((Predicate<Collection<UnderstoodMessage>> & Serializable) results -> results != null
                            && results.stream().anyMatch(r -> UnderstandFunction.FALLBACK_OVERLOADED.equals(r.understanding().source())))
                    .build();

    /** The entry point today's SwitchboardJob calls; the previous release had no classifier decorator. */
    public static void define(DataStream<InboundRecord> records, DataStream<InboundRecord> ignoredBotRecords,
            JobConfig config, Sinks sinks, org.apache.flink.util.function.SerializableFunction<?, ?> ignoredDecorator) {
        // The bots topic is read by today's job only: the previous release had no published definitions. The
        // source exists in today's SwitchboardJob; without a consumer its records go nowhere.
        ignoredBotRecords.process(new org.apache.flink.streaming.api.functions.ProcessFunction<InboundRecord, InboundRecord>() {
            @Override
            public void processElement(InboundRecord r, Context ctx, org.apache.flink.util.Collector<InboundRecord> out) { }
        }).uid("previous-release-ignores-bots").name("ignore");
        define(records, config, sinks);
    }

    public static void define(DataStream<InboundRecord> records, JobConfig config, Sinks sinks) {
        SingleOutputStreamOperator<InboundMessage> messages = records
                .process(new NormalizeFunction(config.topics(), config.defaultBotId(), config.definitions().ids(),
                        config.bots(), new GroupPolicy(config.groupPolicy(), config.bots()), config.answerEdits()))
                .uid(OperatorIds.NORMALIZE)
                .name("normalize");

        // Keying before the async step keeps a session on one subtask, and orderedWait keeps its order
        // through the understand step, so the dialogue step needs no second shuffle.
        KeyedStream<InboundMessage, String> bySession = messages.keyBy(new SessionKeySelector());
        DataStream<UnderstoodMessage> understood = AsyncDataStream.orderedWaitWithRetry(
                        bySession, new UnderstandFunction(config.inference(), config.definitions()), config.understandTimeout().toMillis(),
                        TimeUnit.MILLISECONDS, config.understandCapacity(), RETRY_WHEN_OVERLOADED)
                .uid(OperatorIds.UNDERSTAND)
                .name("understand");

        SingleOutputStreamOperator<BotReply> replies = DataStreamUtils
                .reinterpretAsKeyedStream(understood, new UnderstoodSessionKeySelector(), Types.STRING)
                .process(new DialogueFunction(config.dialogue(), config.definitions()))
                .uid(OperatorIds.DIALOGUE)
                .name("dialogue");

        DataStream<OutboundRecord> formatted = replies
                .process(new FormatFunction(config.topics()))
                .uid(OperatorIds.FORMAT)
                .name("format");

        sinks.replies().accept(formatted);
        sinks.deadLetters().accept(messages.getSideOutput(NormalizeFunction.DEAD_LETTERS));
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
