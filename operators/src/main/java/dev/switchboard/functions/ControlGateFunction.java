package dev.switchboard.functions;

import dev.switchboard.identity.Notifications;
import dev.switchboard.model.Control;
import dev.switchboard.model.Headers;
import dev.switchboard.model.InboundMessage;
import dev.switchboard.model.OutboundRecord;
import dev.switchboard.model.Topics;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * After the identity step (or in its place, in a job without Redis): a notification that has no route goes to the
 * dead letters ({@code no-route}, with the reason and the notification as it was sent), so that it can be sent
 * again. Everything else passes unchanged (in a job without Redis, "/link" is text like any other).
 */
public class ControlGateFunction extends ProcessFunction<InboundMessage, InboundMessage> {
    private static final long serialVersionUID = 1L;
    /** Dead-letter class of a notification that cannot be delivered. */
    public static final String NO_ROUTE = "no-route";

    private final Topics topics;
    private final boolean withRedis;
    private transient PlatformCounters deadLettered;

    public ControlGateFunction(Topics topics, boolean withRedis) {
        this.topics = topics;
        this.withRedis = withRedis;
    }

    @Override
    public void open(OpenContext openContext) {
        MetricGroup group = getRuntimeContext().getMetricGroup().addGroup("switchboard");
        deadLettered = new PlatformCounters(group, "deadLetteredByReason");
    }

    @Override
    public void processElement(InboundMessage in, Context ctx, Collector<InboundMessage> out) {
        Control control = in.control();
        if (in.isNotification() && (control == null || !control.is(Control.NOTIFY) || !withRedis)) {
            String reason = control != null && control.is(Control.NO_ROUTE) ? control.detail()
                    : "this job runs without Redis (--redis), so it knows no routes";
            deadLettered.inc("notify", NO_ROUTE);
            Map<String, String> headers = new HashMap<>();
            headers.put(Headers.BOT_ID, in.message().botId());
            headers.put(Headers.SOURCE_TOPIC, topics.notifications());
            headers.put(Headers.ERROR, reason);
            headers.put(Headers.ERROR_CLASS, NO_ROUTE);
            ctx.output(NormalizeFunction.DEAD_LETTERS, new OutboundRecord(topics.deadLetters(),
                    in.message().messageId().getBytes(StandardCharsets.UTF_8), Notifications.toJson(in), headers));
            return;
        }
        out.collect(in);
    }
}
