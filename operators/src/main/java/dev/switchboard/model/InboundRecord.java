package dev.switchboard.model;

import java.util.Map;

/**
 * A record read from a {@code chat.in.<platform>} topic, exactly as it arrived: the raw payload bytes,
 * where it came from and its headers (decoded as UTF-8). Nothing here depends on Kafka's classes, so
 * the normalizing step can be tested without a broker.
 */
public record InboundRecord(
        String topic,
        int partition,
        long offset,
        long timestamp,
        byte[] key,
        byte[] value,
        Map<String, String> headers) {

    public InboundRecord {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    public String header(String name) {
        return headers.get(name);
    }
}
