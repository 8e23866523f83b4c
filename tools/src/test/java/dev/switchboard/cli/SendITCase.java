package dev.switchboard.cli;

import dev.switchboard.testkit.EmbeddedKafka;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code switchboard send} against a real broker. */
class SendITCase {

    @Test
    void writesThePayloadAsAnIngressWould() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopics(List.of("chat.in.telegram"), 1);
            byte[] payload = "{\"update_id\":1}".getBytes(StandardCharsets.UTF_8);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = new SwitchboardCli(new ByteArrayInputStream(payload), new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8))
                    .run(new String[] {"send", "telegram", "--bootstrap-servers", kafka.bootstrapServers(), "--bot-id", "acme", "--key", "42"});
            assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
            assertThat(out.toString(StandardCharsets.UTF_8)).contains("sent to chat.in.telegram-0@0");

            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                    ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                    ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
                TopicPartition tp = new TopicPartition("chat.in.telegram", 0);
                consumer.assign(List.of(tp));
                consumer.seekToBeginning(List.of(tp));
                List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
                long deadline = System.currentTimeMillis() + 20_000;
                while (records.isEmpty() && System.currentTimeMillis() < deadline) {
                    consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                }
                ConsumerRecord<byte[], byte[]> r = records.get(0);
                assertThat(r.value()).isEqualTo(payload);
                assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("42");
                assertThat(new String(r.headers().lastHeader("bot-id").value(), StandardCharsets.UTF_8)).isEqualTo("acme");
                assertThat(new String(r.headers().lastHeader("received-at").value(), StandardCharsets.UTF_8)).matches("\\d{13}");
            }
        }
    }
}
