package dev.switchboard.testkit;

import dev.switchboard.format.Formatters;
import dev.switchboard.format.PlatformRequest;
import dev.switchboard.format.Reply;
import dev.switchboard.model.InboundRecord;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Records of {@code chat.out.<platform>} as the dialogue job writes them (the platform's request body from its
 * formatter, the {@code endpoint}, {@code idempotency-key}, {@code bot-id}, {@code source-received-at} and
 * {@code part} headers), for a conversation of each platform: what the delivery job's tests and benchmarks send.
 */
public final class OutboundSamples {
    public static final List<String> PLATFORMS = List.of("telegram", "slack", "discord", "whatsapp", "line", "feishu",
            "dingtalk", "wecom", "wechat");

    private OutboundSamples() {}

    /** Writes records as they are (topic, key, value, headers); does not flush. */
    public static void send(org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]> producer, List<InboundRecord> records) {
        for (InboundRecord r : records) {
            org.apache.kafka.clients.producer.ProducerRecord<byte[], byte[]> pr =
                    new org.apache.kafka.clients.producer.ProducerRecord<>(r.topic(), r.key(), r.value());
            r.headers().forEach((k, v) -> pr.headers().add(
                    new org.apache.kafka.common.header.internals.RecordHeader(k, v.getBytes(StandardCharsets.UTF_8))));
            producer.send(pr);
        }
    }

    /** A reply to conversation number {@code n} on {@code platform}, as the formatter builds it. */
    public static Reply reply(String platform, int n, String text) {
        return switch (platform) {
            case "telegram" -> new Reply(Long.toString(100_000_000L + n), text, null, null);
            case "slack" -> new Reply("C0" + (1_000_000 + n), text, null, null);
            case "discord" -> new Reply(Long.toString(1_100_000_000_000_000_000L + n), text, null, null);
            case "whatsapp" -> new Reply(Long.toString(15_550_000_000L + n), text, null, null, "106540352242922");
            case "line" -> new Reply("U" + String.format("%032x", n), text, null, null);
            case "feishu" -> new Reply("oc_" + String.format("%032x", n), text, null, null);
            case "dingtalk" -> new Reply("cid" + n + "==", text, null, null, "dingfakerobot");
            case "wecom" -> new Reply("user" + n, text, null, null, "1000002");
            case "wechat" -> new Reply("oFake" + n, text, null, null);
            default -> throw new IllegalArgumentException(platform);
        };
    }

    /** Every part of one reply, as records of {@code <prefix>out.<platform>}. */
    public static List<InboundRecord> records(String prefix, String platform, String bot, int conversation, String sourceId,
            String text) {
        Reply reply = reply(platform, conversation, text);
        List<PlatformRequest> parts = Formatters.forPlatform(platform).orElseThrow().format(reply);
        List<InboundRecord> out = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            Map<String, String> h = new HashMap<>();
            h.put("endpoint", parts.get(i).endpoint());
            h.put("idempotency-key", bot + ":" + platform + ":" + reply.chatId() + ":" + sourceId + ":0:" + i);
            h.put("bot-id", bot);
            h.put("source-message-id", sourceId);
            h.put("source-received-at", Long.toString(System.currentTimeMillis()));
            if (parts.size() > 1) {
                h.put("part", (i + 1) + "/" + parts.size());
            }
            out.add(new InboundRecord(prefix + "out." + platform, 0, 0, System.currentTimeMillis(),
                    reply.chatId().getBytes(StandardCharsets.UTF_8),
                    parts.get(i).body().getBytes(StandardCharsets.UTF_8), h));
        }
        return out;
    }
}
