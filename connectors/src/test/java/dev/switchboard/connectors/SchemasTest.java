package dev.switchboard.connectors;

import dev.switchboard.model.InboundRecord;
import dev.switchboard.model.OutboundRecord;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class SchemasTest {

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void inboundRecordKeepsBytesTopicOffsetsAndHeaders() throws Exception {
        byte[] value = {0x7b, (byte) 0xff, 0x00, 0x7d}; // not even UTF-8: kept as it is
        RecordHeaders headers = new RecordHeaders(new Header[] {
                new RecordHeader("bot-id", utf8("acme")), new RecordHeader("received-at", utf8("1700000000123"))});
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("chat.in.telegram", 3, 42L, 1_700_000_000_000L,
                TimestampType.CREATE_TIME, 4, 4, utf8("chat"), value, headers, Optional.empty());
        List<InboundRecord> out = new ArrayList<>();
        new InboundRecordDeserializer().deserialize(record, new Collector<>() {
            @Override
            public void collect(InboundRecord r) {
                out.add(r);
            }

            @Override
            public void close() {}
        });
        InboundRecord r = out.get(0);
        assertThat(r.topic()).isEqualTo("chat.in.telegram");
        assertThat(r.partition()).isEqualTo(3);
        assertThat(r.offset()).isEqualTo(42L);
        assertThat(r.timestamp()).isEqualTo(1_700_000_000_000L);
        assertThat(r.key()).isEqualTo(utf8("chat"));
        assertThat(r.value()).isEqualTo(value);
        assertThat(r.headers()).containsExactlyInAnyOrderEntriesOf(Map.of("bot-id", "acme", "received-at", "1700000000123"));
    }

    @Test
    void outboundRecordBecomesTheProducerRecordItDescribes() {
        OutboundRecord record = new OutboundRecord("chat.out.slack", utf8("C123"), utf8("{\"channel\":\"C123\"}"),
                Map.of("endpoint", "chat.postMessage", "idempotency-key", "abc", "bot-id", "acme"));
        ProducerRecord<byte[], byte[]> p = new OutboundRecordSerializer().serialize(record, null, 5L);
        assertThat(p.topic()).isEqualTo("chat.out.slack");
        assertThat(p.partition()).isNull(); // Kafka's partitioner hashes the key: one conversation, one partition
        assertThat(p.key()).isEqualTo(utf8("C123"));
        assertThat(p.value()).isEqualTo(utf8("{\"channel\":\"C123\"}"));
        List<String> names = new ArrayList<>();
        p.headers().forEach(h -> names.add(h.key()));
        assertThat(names).containsExactly("bot-id", "endpoint", "idempotency-key");
        assertThat(new String(p.headers().lastHeader("endpoint").value(), StandardCharsets.UTF_8)).isEqualTo("chat.postMessage");
    }
}
