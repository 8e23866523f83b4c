package dev.switchboard.job;

import dev.switchboard.demo.EmbeddedKafka;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.util.Map;

/** Byte-array Kafka clients for the integration tests. */
final class TestClients {
    private TestClients() {}

    static KafkaProducer<byte[], byte[]> producer(EmbeddedKafka kafka) {
        return producer(kafka.bootstrapServers());
    }

    static KafkaProducer<byte[], byte[]> producer(String bootstrapServers) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
    }

    /** A consumer of its own new group, from the earliest offset. */
    static KafkaConsumer<byte[], byte[]> consumer(EmbeddedKafka kafka, String group, boolean readCommitted) {
        return consumer(kafka.bootstrapServers(), group, readCommitted);
    }

    /** A consumer of its own new group, from the earliest offset. */
    static KafkaConsumer<byte[], byte[]> consumer(String bootstrapServers, String group, boolean readCommitted) {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, group + "-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, readCommitted ? "read_committed" : "read_uncommitted",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class));
    }

    /** A Telegram Bot API update: a private text message from user {@code chatId} ("Ana"). */
    static String telegramUpdate(long updateId, long chatId, String text) {
        return "{\"update_id\":" + updateId + ",\"message\":{\"message_id\":" + updateId + ",\"from\":{\"id\":" + chatId
                + ",\"is_bot\":false,\"first_name\":\"Ana\"},\"chat\":{\"id\":" + chatId + ",\"type\":\"private\"},"
                + "\"date\":1732181122,\"text\":\"" + text + "\"}}";
    }
}
