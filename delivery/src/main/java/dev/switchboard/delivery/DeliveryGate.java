package dev.switchboard.delivery;

import dev.switchboard.model.InboundRecord;
import dev.switchboard.model.OutboundRecord;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Keyed by conversation, before the sender: a record that cannot be sent whatever is retried (no endpoint, an
 * unknown platform, no body) goes to the dead letters with its reason; a record whose idempotency key this
 * conversation already took (a replay of the dialogue job's output, a duplicate in {@code chat.out}) is dropped
 * and counted. The keys are keyed state with a time to live, so they are as durable as the checkpoint.
 */
public final class DeliveryGate extends KeyedProcessFunction<String, InboundRecord, InboundRecord> {
    private static final long serialVersionUID = 1L;
    public static final OutputTag<OutboundRecord> DEAD_LETTERS =
            new OutputTag<>("delivery-dead-letters", TypeInformation.of(OutboundRecord.class));

    private final DeliverySettings settings;
    private final Duration keyTtl;
    private transient String deadLetterTopic;
    private transient MapState<String, Boolean> taken;
    private transient Counter duplicates;
    private transient Counter malformed;

    public DeliveryGate(DeliverySettings settings, Duration keyTtl) {
        this.settings = settings;
        this.keyTtl = keyTtl;
    }

    /** Platform, bot and record key: what orders, rate-limits and deduplicates. */
    public static KeySelector<InboundRecord, String> conversation(String topicPrefix, String defaultBotId) {
        String outPrefix = topicPrefix + "out.";
        return r -> {
            String platform = r.topic().startsWith(outPrefix) ? r.topic().substring(outPrefix.length()) : r.topic();
            String bot = r.header(OutboundRequest.BOT_ID);
            return OutboundRequest.chatKey(platform, bot == null || bot.isBlank() ? defaultBotId : bot,
                    r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8));
        };
    }

    @Override
    public void open(OpenContext openContext) {
        MapStateDescriptor<String, Boolean> d = new MapStateDescriptor<>("idempotency-keys", Types.STRING, Types.BOOLEAN);
        d.enableTimeToLive(StateTtlConfig.newBuilder(keyTtl).cleanupInRocksdbCompactFilter(1000).build());
        taken = getRuntimeContext().getMapState(d);
        org.apache.flink.metrics.MetricGroup metrics = getRuntimeContext().getMetricGroup().addGroup("switchboard");
        duplicates = metrics.counter("deliveryDuplicatesDropped");
        malformed = metrics.counter("deliveryMalformed");
        deadLetterTopic = new dev.switchboard.model.Topics(settings.topicPrefix()).deliveryDeadLetters();
    }

    @Override
    public void processElement(InboundRecord record, Context ctx, Collector<InboundRecord> out) throws Exception {
        OutboundRequest r;
        try {
            r = OutboundRequest.of(record, settings.topicPrefix(), settings.defaultBotId());
        } catch (OutboundRequest.Malformed m) {
            malformed.inc();
            ctx.output(DEAD_LETTERS, Sender.deadLetter(record, m.errorClass(), m.getMessage(), null, 0, deadLetterTopic));
            return;
        }
        if (taken.contains(r.idempotencyKey())) {
            duplicates.inc();
            return;
        }
        taken.put(r.idempotencyKey(), Boolean.TRUE);
        out.collect(record);
    }
}
