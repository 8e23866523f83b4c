package dev.switchboard.connectors;

import dev.switchboard.model.OutboundRecord;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * An {@link OutboundRecord} as the producer record it describes: its topic, key, value and headers
 * (sorted by name, so the same record always has the same bytes). The partition is left to Kafka's
 * partitioner, which hashes the key: one conversation, one partition, in order.
 */
public class OutboundRecordSerializer implements KafkaRecordSerializationSchema<OutboundRecord> {
    private static final long serialVersionUID = 1L;

    @Override
    public ProducerRecord<byte[], byte[]> serialize(OutboundRecord record, KafkaSinkContext context, Long timestamp) {
        RecordHeaders headers = new RecordHeaders();
        for (Map.Entry<String, String> h : new TreeMap<>(record.headers()).entrySet()) {
            if (h.getValue() != null) {
                headers.add(new RecordHeader(h.getKey(), h.getValue().getBytes(StandardCharsets.UTF_8)));
            }
        }
        return new ProducerRecord<>(record.topic(), null, null, record.key(), record.value(), headers);
    }
}
