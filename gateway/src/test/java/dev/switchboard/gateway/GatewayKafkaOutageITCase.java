package dev.switchboard.gateway;

import dev.switchboard.model.Topics;
import dev.switchboard.normalize.BotSettings;
import dev.switchboard.testkit.KafkaClients;
import dev.switchboard.testkit.KafkaProcess;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The broker (its own JVM) stopped while webhooks keep coming: the gateway answers 503 within the platform's
 * deadline while it is down, so the platform delivers again, and after it is back every webhook that got a 200 is
 * in Kafka. Nothing acknowledged is lost.
 */
class GatewayKafkaOutageITCase {

    @Test
    void whileKafkaIsDownWebhooksGet503AndEveryAcknowledgedOneIsInKafkaAfter(@TempDir Path tmp) throws Exception {
        try (KafkaProcess kafka = KafkaProcess.start(tmp.resolve("kafka"))) {
            Topics topics = Topics.withDefaultPrefix();
            kafka.createTopics(List.of(topics.inbound("telegram")), 1);
            try (Gateway gateway = Gateway.start(new Gateway.Settings(kafka.bootstrapServers(), topics,
                    new BotSettings(Map.of("shop.telegram.secret-token", "s3cret")), 0, Gateway.Settings.DEFAULT_MAX_BODY,
                    Duration.ofSeconds(2), Map.of(), System::currentTimeMillis))) {
                HttpClient http = HttpClient.newHttpClient();
                Set<Integer> acknowledged = new HashSet<>();
                int unavailable = 0;
                int update = 0;
                for (; update < 20; update++) {
                    assertThat(send(http, gateway, update)).isEqualTo(200);
                    acknowledged.add(update);
                }
                kafka.stopBroker();
                long down = System.currentTimeMillis();
                while (System.currentTimeMillis() - down < 8_000) {
                    int status = send(http, gateway, ++update);
                    if (status == 200) {
                        acknowledged.add(update);
                    } else {
                        assertThat(status).isEqualTo(503);
                        unavailable++;
                    }
                }
                assertThat(unavailable).as("503s while the broker was down").isPositive();
                kafka.startBroker();
                long deadline = System.currentTimeMillis() + 60_000;
                int status = 0;
                while (status != 200 && System.currentTimeMillis() < deadline) {
                    status = send(http, gateway, ++update);
                    if (status == 200) {
                        acknowledged.add(update);
                    }
                }
                assertThat(status).as("a 200 again once the broker is back").isEqualTo(200);

                List<ConsumerRecord<byte[], byte[]>> records = KafkaClients.readAtLeast(kafka.bootstrapServers(),
                        topics.inbound("telegram"), acknowledged.size() + 1000, Duration.ofSeconds(15));
                Set<Integer> inKafka = new HashSet<>();
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    String body = new String(r.value(), StandardCharsets.UTF_8);
                    inKafka.add(Integer.parseInt(body.substring(body.indexOf(':') + 1, body.indexOf(','))));
                }
                assertThat(inKafka).containsAll(acknowledged);
            }
        }
    }

    private static int send(HttpClient http, Gateway gateway, int update) throws Exception {
        String body = "{\"update_id\":" + update + ",\"message\":{\"message_id\":" + update + ",\"chat\":{\"id\":7,\"type\":\"private\"},"
                + "\"from\":{\"id\":7,\"first_name\":\"Ana\"},\"date\":1732181122,\"text\":\"hi\"}}";
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/webhooks/telegram/shop"))
                        .header("X-Telegram-Bot-Api-Secret-Token", "s3cret").timeout(Duration.ofSeconds(10))
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }
}
