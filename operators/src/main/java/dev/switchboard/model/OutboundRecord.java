package dev.switchboard.model;

import java.util.Map;

/**
 * A record to write: replies to {@code chat.out.<platform>}, dead letters to {@code chat.dlq},
 * handoffs to {@code chat.handoff}. The connectors turn it into a Kafka producer record unchanged.
 */
public record OutboundRecord(String topic, byte[] key, byte[] value, Map<String, String> headers) {

    public OutboundRecord {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }
}
