package dev.switchboard.connectors;

import dev.switchboard.model.InboundRecord;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Keeps a {@code chat.in.*} record whole: raw value bytes untouched (parsing happens in the
 * normalizing operator, where a bad payload can go to the dead-letter topic instead of failing the
 * source), key, topic, partition, offset, timestamp and headers. A header repeated under one name
 * keeps its last value, as Kafka's {@code lastHeader} does.
 */
public class InboundRecordDeserializer implements KafkaRecordDeserializationSchema<InboundRecord> {
    private static final long serialVersionUID = 1L;

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<InboundRecord> out) {
        Map<String, String> headers = new HashMap<>();
        for (Header header : record.headers()) {
            headers.put(header.key(), header.value() == null ? "" : new String(header.value(), StandardCharsets.UTF_8));
        }
        out.collect(new InboundRecord(record.topic(), record.partition(), record.offset(), record.timestamp(),
                record.key(), record.value() == null ? new byte[0] : record.value(), headers));
    }

    @Override
    public TypeInformation<InboundRecord> getProducedType() {
        return TypeInformation.of(InboundRecord.class);
    }
}
