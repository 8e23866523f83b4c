package dev.switchboard.cli;

import dev.switchboard.model.Headers;
import dev.switchboard.model.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code switchboard send <platform> --bootstrap-servers H:P}: writes one raw payload from stdin to
 * {@code chat.in.<platform>} the way an ingress does (with {@code bot-id} and {@code received-at}), so
 * a user can try their own payloads against the demo without a Kafka client of their own; {@code send notify}
 * writes a notification to {@code chat.notify}.
 */
final class Send {
    static final String USAGE = "usage: switchboard send <platform>|notify --bootstrap-servers HOST:PORT"
            + " [--bot-id ID] [--key CONVERSATION] [--topic-prefix chat.] < payload";
    /** The pseudo-platform of {@code chat.notify}. */
    static final String NOTIFY = "notify";

    private Send() {}

    /** Returns the written record's topic, partition and offset. */
    static String send(List<String> args, byte[] payload) throws Exception {
        if (args.isEmpty() || args.get(0).startsWith("--") || args.size() % 2 != 1) {
            throw new IllegalArgumentException(USAGE);
        }
        String platform = args.get(0);
        String bootstrap = null;
        String botId = null;
        String key = null;
        String prefix = Topics.DEFAULT_PREFIX;
        for (int i = 1; i < args.size(); i += 2) {
            String value = args.get(i + 1);
            switch (args.get(i)) {
                case "--bootstrap-servers" -> bootstrap = value;
                case "--bot-id" -> botId = value;
                case "--key" -> key = value;
                case "--topic-prefix" -> prefix = value;
                default -> throw new IllegalArgumentException("unknown option " + args.get(i) + "\n" + USAGE);
            }
        }
        if (bootstrap == null) {
            throw new IllegalArgumentException("--bootstrap-servers is required\n" + USAGE);
        }
        if (payload.length == 0) {
            throw new IllegalArgumentException("no payload on stdin");
        }
        // "notify": a notification for chat.notify (JSON {"id", "botId", "to", "text", "priority"}), as a company's systems write it.
        String topic = platform.equals(NOTIFY) ? new Topics(prefix).notifications() : new Topics(prefix).inbound(platform);
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic,
                key == null ? null : key.getBytes(StandardCharsets.UTF_8), payload);
        if (botId != null) {
            record.headers().add(Headers.BOT_ID, botId.getBytes(StandardCharsets.UTF_8));
        }
        record.headers().add(Headers.RECEIVED_AT, Long.toString(System.currentTimeMillis()).getBytes(StandardCharsets.UTF_8));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 20_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            RecordMetadata m = producer.send(record).get(30, TimeUnit.SECONDS);
            return m.topic() + "-" + m.partition() + "@" + m.offset();
        }
    }
}
