package dev.switchboard.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.model.Json;
import dev.switchboard.model.Topics;
import dev.switchboard.testkit.EmbeddedKafka;
import dev.switchboard.testkit.KafkaClients;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.ServerWebSocket;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Discord Gateway adapter against a local fake that speaks the Gateway's protocol over a real WebSocket (Hello
 * with a heartbeat interval, Identify, READY with a session and a resume URL, dispatches with sequence numbers,
 * heartbeat acknowledgements, Resume replaying what came after the given sequence): messages reach Kafka once and
 * in order across a dropped connection and a dead one (heartbeats no longer acknowledged).
 */
class DiscordGatewayTest {

    /** The Gateway, in memory: one session, dispatches numbered from 2 (READY is 1). */
    static final class FakeGateway implements AutoCloseable {
        final Vertx vertx = Vertx.vertx();
        final HttpServer server;
        final List<String> dispatches = new CopyOnWriteArrayList<>();
        final List<JsonNode> identifies = new CopyOnWriteArrayList<>();
        final List<Long> resumedFrom = new CopyOnWriteArrayList<>();
        final AtomicInteger heartbeats = new AtomicInteger();
        final AtomicBoolean acking = new AtomicBoolean(true);
        volatile ServerWebSocket current;

        FakeGateway() throws Exception {
            server = vertx.createHttpServer().webSocketHandler(ws -> {
                current = ws;
                ws.writeTextMessage("{\"op\":10,\"d\":{\"heartbeat_interval\":300},\"s\":null,\"t\":null}");
                ws.textMessageHandler(text -> {
                    JsonNode msg;
                    try {
                        msg = Json.MAPPER.readTree(text);
                    } catch (Exception e) {
                        ws.close((short) 4002);
                        return;
                    }
                    switch (msg.path("op").asInt()) {
                        case 1 -> {
                            heartbeats.incrementAndGet();
                            if (acking.get()) {
                                ws.writeTextMessage("{\"op\":11}");
                            }
                        }
                        case 2 -> {
                            identifies.add(msg.path("d"));
                            ws.writeTextMessage("{\"op\":0,\"s\":1,\"t\":\"READY\",\"d\":{\"v\":10,\"session_id\":\"sess-1\","
                                    + "\"resume_gateway_url\":\"ws://127.0.0.1:" + port() + "\"}}");
                            replayAfter(ws, 1);
                        }
                        case 6 -> {
                            long seq = msg.path("d").path("seq").asLong();
                            resumedFrom.add(seq);
                            replayAfter(ws, seq);
                            ws.writeTextMessage("{\"op\":0,\"s\":" + (dispatches.size() + 1) + ",\"t\":\"RESUMED\",\"d\":{}}");
                        }
                        default -> { }
                    }
                });
            }).listen(0).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }

        int port() {
            return server.actualPort();
        }

        private void replayAfter(ServerWebSocket ws, long seq) {
            for (int i = 0; i < dispatches.size(); i++) {
                if (i + 2 > seq) {
                    ws.writeTextMessage(dispatches.get(i));
                }
            }
        }

        /** A new message in channel 1042; sent at once when a session is open. */
        void message(String id, String content) {
            String frame = "{\"op\":0,\"s\":" + (dispatches.size() + 2) + ",\"t\":\"MESSAGE_CREATE\",\"d\":{\"id\":\"" + id
                    + "\",\"channel_id\":\"1042\",\"author\":{\"id\":\"80351110224678912\",\"username\":\"Nelly\"},\"content\":\""
                    + content + "\",\"timestamp\":\"2026-11-30T00:00:00.000000+00:00\",\"type\":0}}";
            dispatches.add(frame);
            ServerWebSocket ws = current;
            if (ws != null && !ws.isClosed()) {
                ws.writeTextMessage(frame);
            }
        }

        /** The connection drops (the server goes away). */
        void drop() {
            ServerWebSocket ws = current;
            current = null;
            ws.close((short) 1001);
        }

        @Override
        public void close() throws Exception {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void messagesArriveOnceAndInOrderAcrossADropAndADeadConnection() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(); FakeGateway fake = new FakeGateway();
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                     kafka.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                     ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                     ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            Topics topics = new Topics("dg.");
            kafka.createTopics(List.of(topics.inbound("discord")), 1);
            fake.message("m1", "hello");
            fake.message("m2", "where is my order");
            try (DiscordGateway gateway = new DiscordGateway("ws://127.0.0.1:" + fake.port(), "bot-token-1", "shop", topics, producer,
                    () -> 7L).start()) {
                waitFor(() -> inKafka(kafka, topics) >= 2);
                assertThat(fake.identifies).singleElement().satisfies(d -> {
                    assertThat(d.path("token").asText()).isEqualTo("bot-token-1");
                    assertThat(d.path("intents").asInt()).isEqualTo(DiscordGateway.INTENTS);
                });

                // Dropped: messages sent meanwhile come with the resume, after the last one Kafka has.
                fake.drop();
                fake.message("m3", "48213");
                fake.message("m4", "thanks");
                waitFor(() -> inKafka(kafka, topics) >= 4);
                assertThat(fake.resumedFrom).containsExactly(3L);

                // Dead: heartbeats go unanswered; the adapter gives up on the connection and resumes on a new one.
                waitFor(() -> fake.heartbeats.get() >= 2);
                fake.acking.set(false);
                fake.message("m5", "bye");
                waitFor(() -> fake.resumedFrom.size() >= 2);
                fake.acking.set(true);
                waitFor(() -> inKafka(kafka, topics) >= 5);
                assertThat(gateway.identifies()).isEqualTo(1);
            }
            List<ConsumerRecord<byte[], byte[]>> records = KafkaClients.readAtLeast(kafka.bootstrapServers(), topics.inbound("discord"),
                    6, Duration.ofSeconds(3));
            assertThat(records).extracting(r -> Json.MAPPER.readTree(r.value()).path("d").path("id").asText())
                    .containsExactly("m1", "m2", "m3", "m4", "m5");
            assertThat(records).allSatisfy(r -> {
                assertThat(KafkaClients.key(r)).isEqualTo("1042");
                assertThat(KafkaClients.header(r, "bot-id")).isEqualTo("shop");
                assertThat(new String(r.value(), StandardCharsets.UTF_8)).startsWith("{\"op\":0,");
            });
        }
    }

    private static int inKafka(EmbeddedKafka kafka, Topics topics) {
        return KafkaClients.readAtLeast(kafka.bootstrapServers(), topics.inbound("discord"), 100, Duration.ofMillis(500)).size();
    }

    private static void waitFor(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("condition not met within 30 s");
            }
            Thread.sleep(100);
        }
    }
}
