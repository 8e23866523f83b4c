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

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Slack Socket Mode against a local fake of {@code apps.connections.open} and the Socket Mode WebSocket (hello,
 * {@code events_api} envelopes, acknowledgements by {@code envelope_id}, a {@code disconnect} that asks for a new
 * connection, an unacknowledged envelope delivered again): every message is in Kafka once and acknowledged only
 * after it is there.
 */
class SlackSocketModeTest {

    static final class FakeSlack implements AutoCloseable {
        final Vertx vertx = Vertx.vertx();
        final HttpServer server;
        final AtomicInteger opens = new AtomicInteger();
        final List<String> tokens = new CopyOnWriteArrayList<>();
        final List<String> acks = new CopyOnWriteArrayList<>();
        volatile ServerWebSocket current;

        FakeSlack() throws Exception {
            server = vertx.createHttpServer()
                    .requestHandler(req -> {
                        if (req.path().equals("/api/apps.connections.open")) {
                            opens.incrementAndGet();
                            tokens.add(req.getHeader("Authorization"));
                            req.response().putHeader("content-type", "application/json")
                                    .end("{\"ok\":true,\"url\":\"ws://127.0.0.1:" + port() + "/link/?ticket=t" + opens.get() + "\"}");
                        } else {
                            req.response().setStatusCode(404).end();
                        }
                    })
                    .webSocketHandler(ws -> {
                        current = ws;
                        ws.textMessageHandler(text -> {
                            try {
                                acks.add(Json.MAPPER.readTree(text).path("envelope_id").asText());
                            } catch (Exception e) {
                                ws.close((short) 1003);
                            }
                        });
                        ws.writeTextMessage("{\"type\":\"hello\",\"num_connections\":1,\"debug_info\":{\"host\":\"fake\"},"
                                + "\"connection_info\":{\"app_id\":\"A0PNCHHK2\"}}");
                    })
                    .listen(0).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }

        int port() {
            return server.actualPort();
        }

        void envelope(String id, String text, int retry) {
            current.writeTextMessage("{\"envelope_id\":\"" + id + "\",\"payload\":{\"token\":\"t\",\"team_id\":\"T061EG9R6\","
                    + "\"api_app_id\":\"A0PNCHHK2\",\"event\":{\"type\":\"message\",\"channel\":\"D024BE91L\",\"user\":\"U2147483697\","
                    + "\"text\":\"" + text + "\",\"ts\":\"1355517523.00000" + id.length() + "\",\"channel_type\":\"im\"},"
                    + "\"type\":\"event_callback\",\"event_id\":\"Ev" + id + "\",\"event_time\":1355517523},\"type\":\"events_api\","
                    + "\"accepts_response_payload\":false,\"retry_attempt\":" + retry + ",\"retry_reason\":\"" + (retry > 0 ? "timeout" : "") + "\"}");
        }

        void slashCommand(String id) {
            current.writeTextMessage("{\"envelope_id\":\"" + id + "\",\"payload\":{\"command\":\"/order\",\"text\":\"48213\"},"
                    + "\"type\":\"slash_commands\",\"accepts_response_payload\":true}");
        }

        void disconnect() {
            current.writeTextMessage("{\"type\":\"disconnect\",\"reason\":\"refresh_requested\",\"debug_info\":{\"host\":\"fake\"}}");
        }

        @Override
        public void close() throws Exception {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void envelopesReachKafkaOnceAndAreAcknowledgedAfterwardsAcrossARefresh() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(); FakeSlack slack = new FakeSlack();
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                     kafka.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                     ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                     ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            Topics topics = new Topics("sm.");
            kafka.createTopics(List.of(topics.inbound("slack")), 1);
            try (SlackSocketMode socket = new SlackSocketMode("http://127.0.0.1:" + slack.port() + "/api", "xapp-1-A0PNCHHK2-1",
                    "support", topics, producer, () -> 5L).start()) {
                waitFor(() -> slack.current != null && socket.connections() == 1);
                slack.envelope("e1", "hello", 0);
                slack.envelope("e2", "where is my order", 0);
                slack.slashCommand("c1");
                waitFor(() -> slack.acks.size() >= 3);
                assertThat(slack.acks).containsExactly("e1", "e2", "c1");
                assertThat(KafkaClients.readAtLeast(kafka.bootstrapServers(), topics.inbound("slack"), 2, Duration.ofSeconds(10))).hasSize(2);

                // Slack refreshes the connection: a new one is opened; an envelope redelivered on it is written as a retry.
                slack.disconnect();
                waitFor(() -> slack.opens.get() == 2 && socket.connections() == 2);
                slack.envelope("e3", "48213", 1);
                waitFor(() -> slack.acks.size() >= 4);
            }
            assertThat(slack.tokens).containsOnly("Bearer xapp-1-A0PNCHHK2-1");
            List<ConsumerRecord<byte[], byte[]>> records = KafkaClients.readAtLeast(kafka.bootstrapServers(), topics.inbound("slack"), 3,
                    Duration.ofSeconds(10));
            assertThat(records).extracting(r -> {
                JsonNode env = Json.MAPPER.readTree(r.value());
                return env.path("envelope_id").asText();
            }).containsExactly("e1", "e2", "e3");
            assertThat(records).allSatisfy(r -> {
                assertThat(KafkaClients.key(r)).isEqualTo("D024BE91L");
                assertThat(KafkaClients.header(r, "bot-id")).isEqualTo("support");
            });
            assertThat(KafkaClients.header(records.get(2), "slack-retry-num")).isEqualTo("1");
        }
    }

    private static void waitFor(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("condition not met within 30 s");
            }
            Thread.sleep(50);
        }
    }
}
