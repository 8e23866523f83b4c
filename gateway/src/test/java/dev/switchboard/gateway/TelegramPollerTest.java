package dev.switchboard.gateway;

import com.sun.net.httpserver.HttpServer;
import dev.switchboard.model.Topics;
import dev.switchboard.testkit.EmbeddedKafka;
import dev.switchboard.testkit.KafkaClients;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Long polling against a local fake of the Bot API's {@code getUpdates} (Telegram's JSON, its offset rule: updates
 * below the asked offset are confirmed and gone), including a failing call and a 429 with {@code retry_after}.
 */
class TelegramPollerTest {

    /** The Bot API's getUpdates, in memory. */
    static final class FakeBotApi implements AutoCloseable {
        final HttpServer server;
        final List<String> updates = new CopyOnWriteArrayList<>();
        final List<Long> offsets = new CopyOnWriteArrayList<>();
        final AtomicInteger failuresToServe = new AtomicInteger();
        final AtomicInteger throttlesToServe = new AtomicInteger();

        FakeBotApi(String token) throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/bot" + token + "/getUpdates", exchange -> {
                Matcher m = Pattern.compile("offset=(-?\\d+)").matcher(exchange.getRequestURI().getQuery());
                long offset = m.find() ? Long.parseLong(m.group(1)) : 0;
                offsets.add(offset);
                String body;
                int status = 200;
                if (failuresToServe.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    status = 502;
                    body = "<html>Bad Gateway</html>";
                } else if (throttlesToServe.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    status = 429;
                    body = "{\"ok\":false,\"error_code\":429,\"description\":\"Too Many Requests: retry after 1\",\"parameters\":{\"retry_after\":1}}";
                } else {
                    List<String> pending = new ArrayList<>();
                    for (String u : updates) {
                        long id = Long.parseLong(u.replaceAll("^\\{\"update_id\":(\\d+).*", "$1"));
                        if (id >= offset) {
                            pending.add(u);
                        }
                    }
                    if (pending.isEmpty()) {
                        try {
                            Thread.sleep(300); // a short long poll
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    body = "{\"ok\":true,\"result\":[" + String.join(",", pending) + "]}";
                }
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(status, bytes.length);
                exchange.getResponseBody().write(bytes);
                exchange.close();
            });
            server.start();
        }

        String base() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        void add(long updateId, long chat, String text) {
            updates.add("{\"update_id\":" + updateId + ",\"message\":{\"message_id\":" + updateId + ",\"from\":{\"id\":" + chat
                    + ",\"is_bot\":false,\"first_name\":\"Ana\"},\"chat\":{\"id\":" + chat + ",\"type\":\"private\"},\"date\":1732181122,"
                    + "\"text\":\"" + text + "\"}}");
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    @Test
    void updatesReachKafkaOnceAndTheOffsetMovesOnlyPastAcknowledgedOnes() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(); FakeBotApi api = new FakeBotApi("123:ABC")) {
            Topics topics = new Topics("poll.");
            kafka.createTopics(List.of(topics.inbound("telegram")), 1);
            try (KafkaProducer<byte[], byte[]> producer = producer(kafka.bootstrapServers());
                 TelegramPoller poller = new TelegramPoller(api.base(), "123:ABC", "shop", topics, producer, () -> 42L, 1).start()) {
                api.add(100, 7, "hello");
                api.add(101, 8, "where is my order");
                waitFor(() -> poller.offset() == 102);
                // The connection drops once and Telegram throttles once: the poller waits and loses nothing.
                api.failuresToServe.set(1);
                api.throttlesToServe.set(1);
                api.add(102, 7, "48213");
                waitFor(() -> poller.offset() == 103);
                // The next long poll confirms 102 to Telegram by asking from 103: wait for it before the poller stops
                // (it may have been between two polls when its own offset moved).
                waitFor(() -> api.offsets.contains(103L));
            }
            List<ConsumerRecord<byte[], byte[]>> records = KafkaClients.readAtLeast(kafka.bootstrapServers(), topics.inbound("telegram"),
                    4, Duration.ofSeconds(5));
            assertThat(records).extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                    .containsExactly(api.updates.toArray(String[]::new));
            assertThat(records).extracting(KafkaClients::key).containsExactly("7", "8", "7");
            assertThat(records).allSatisfy(r -> {
                assertThat(KafkaClients.header(r, "bot-id")).isEqualTo("shop");
                assertThat(KafkaClients.header(r, "received-at")).isEqualTo("42");
            });
            assertThat(api.offsets).isSorted().contains(0L, 102L, 103L);
        }
    }

    @Test
    void whenKafkaCannotTakeTheUpdatesTheOffsetStays() throws Exception {
        try (FakeBotApi api = new FakeBotApi("9:Z");
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                     ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1", ProducerConfig.MAX_BLOCK_MS_CONFIG, 300,
                     ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                     ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            api.add(500, 7, "hello");
            try (TelegramPoller poller = new TelegramPoller(api.base(), "9:Z", "shop", new Topics("x."), producer, () -> 1L, 1).start()) {
                waitFor(() -> api.offsets.size() >= 2);
                assertThat(poller.offset()).isZero();
            }
            // Every call asked from the start again: update 500 was never confirmed to Telegram.
            assertThat(api.offsets).containsOnly(0L);
        }
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("condition not met within 30 s");
            }
            Thread.sleep(50);
        }
    }
}
