package dev.switchboard.functions;

import dev.switchboard.format.Formatter;
import dev.switchboard.format.Formatters;
import dev.switchboard.format.PlatformRequest;
import dev.switchboard.format.Reply;
import dev.switchboard.model.Headers;
import dev.switchboard.model.OutboundRecord;
import dev.switchboard.model.Topics;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Replies to platform send requests on {@code chat.out.<platform>}, keyed by conversation, with the
 * headers of the topic contract. The {@code idempotency-key} is a hash of what identifies the reply
 * (bot, platform, conversation, source message, reply and part index), so the same reply replayed
 * after a failure in at-least-once mode carries the same key and a delivery service can drop it.
 */
public class FormatFunction extends ProcessFunction<BotReply, OutboundRecord> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(FormatFunction.class);

    private final Topics topics;

    private transient Counter formatErrors;
    private transient Map<String, DescriptiveStatisticsHistogram> endToEnd;
    private transient MetricGroup metrics;
    private transient MessageDigest sha256;

    public FormatFunction(Topics topics) {
        this.topics = topics;
    }

    @Override
    public void open(OpenContext openContext) throws NoSuchAlgorithmException {
        metrics = getRuntimeContext().getMetricGroup().addGroup("switchboard");
        formatErrors = metrics.counter("formatErrors");
        endToEnd = new HashMap<>();
        sha256 = MessageDigest.getInstance("SHA-256");
    }

    @Override
    public void processElement(BotReply reply, Context ctx, Collector<OutboundRecord> out) {
        if (reply.lookup() != null) {
            // No lookup step ran (a job without Redis): the data cannot be shown.
            reply = reply.withText(reply.lookup().unavailable());
        }
        Formatter formatter = Formatters.forPlatform(reply.platform()).orElse(null);
        List<PlatformRequest> requests;
        try {
            if (formatter == null) {
                throw new IllegalArgumentException("no formatter for platform " + reply.platform());
            }
            requests = formatter.format(new Reply(reply.chatId(), reply.text(), reply.replyToMessageId(),
                    reply.threadId(), reply.accountId(), reply.replyToken(), reply.recipientId()));
        } catch (IllegalArgumentException e) {
            formatErrors.inc();
            LOG.warn("cannot format reply for session {}: {}", reply.sessionKey(), e.getMessage());
            return;
        }
        // From the moment the platform's payload reached Kafka (or the received-at header) to the reply
        // leaving the job, per platform.
        endToEnd.computeIfAbsent(reply.platform(), p -> metrics.addGroup("platform", p)
                        .histogram("endToEndLatencyMillis", new DescriptiveStatisticsHistogram(1000)))
                .update(Math.max(0, System.currentTimeMillis() - reply.sourceReceivedAt()));
        byte[] key = reply.chatId().getBytes(StandardCharsets.UTF_8);
        String topic = topics.outbound(reply.platform());
        for (int part = 0; part < requests.size(); part++) {
            PlatformRequest request = requests.get(part);
            Map<String, String> headers = new HashMap<>();
            headers.put(Headers.ENDPOINT, request.endpoint());
            headers.put(Headers.IDEMPOTENCY_KEY, idempotencyKey(reply, part));
            headers.put(Headers.SOURCE_MESSAGE_ID, reply.sourceMessageId());
            headers.put(Headers.SOURCE_RECEIVED_AT, Long.toString(reply.sourceReceivedAt()));
            headers.put(Headers.BOT_ID, reply.botId());
            if (reply.botVersion() != null) {
                headers.put(Headers.BOT_VERSION, reply.botVersion());
            }
            if (reply.urgent()) {
                headers.put(Headers.PRIORITY, Headers.PRIORITY_URGENT);
            }
            if (reply.knowledgeId() != null) {
                headers.put(Headers.KNOWLEDGE_ID, reply.knowledgeId());
            }
            if (reply.generatedBy() != null) {
                headers.put(Headers.GENERATED_BY, reply.generatedBy());
            }
            if (requests.size() > 1) {
                headers.put(Headers.PART, (part + 1) + "/" + requests.size());
            }
            out.collect(new OutboundRecord(topic, key, request.body().getBytes(StandardCharsets.UTF_8), headers));
        }
    }

    private String idempotencyKey(BotReply reply, int part) {
        String identity = String.join("\u0000", reply.botId(), reply.platform(), reply.chatId(),
                String.valueOf(reply.threadId()), reply.sourceMessageId(), Integer.toString(reply.index()),
                Integer.toString(part));
        sha256.reset();
        byte[] digest = sha256.digest(identity.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(digest, 0, 16);
    }
}
