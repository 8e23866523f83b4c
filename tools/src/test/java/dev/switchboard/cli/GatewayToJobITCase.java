package dev.switchboard.cli;

import dev.switchboard.gateway.Gateway;
import dev.switchboard.job.JobConfig;
import dev.switchboard.job.SwitchboardJob;
import dev.switchboard.model.Json;
import dev.switchboard.model.Platforms;
import dev.switchboard.model.Topics;
import dev.switchboard.normalize.BotSettings;
import dev.switchboard.testkit.EmbeddedKafka;
import dev.switchboard.testkit.KafkaClients;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A signed Slack webhook sent to the gateway is answered by the job on chat.out.slack; a forged one never reaches Kafka. */
class GatewayToJobITCase {
    private static final String SECRET = "gw-e2e-signing-secret";

    @Test
    void aSignedWebhookIsAnsweredByTheJobAndAForgedOneNeverReachesKafka(@TempDir Path tmp) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            Topics topics = new Topics("e2e.");
            kafka.createTopics(topics.all(Platforms.SUPPORTED), 1);
            JobConfig config = JobConfig.parse(List.of("--bootstrap-servers", kafka.bootstrapServers(), "--topic-prefix", topics.prefix(),
                    "--intent-model", "rules", "--parallelism", "1", "--checkpoint-interval", "1s",
                    "--checkpoint-dir", tmp.toUri().toString(), "--partition-discovery-interval", "1s"));
            JobClient job = SwitchboardJob.build(StreamExecutionEnvironment.getExecutionEnvironment(SwitchboardJob.jobConfiguration(config)),
                    config).executeAsync("gateway-e2e");
            try (Gateway gateway = Gateway.start(new Gateway.Settings(kafka.bootstrapServers(), topics,
                    new BotSettings(Map.of("support.slack.signing-secret", SECRET)), 0, Gateway.Settings.DEFAULT_MAX_BODY, null,
                    Map.of(), System::currentTimeMillis))) {
                String body = "{\"token\":\"t\",\"team_id\":\"T061EG9R6\",\"api_app_id\":\"A0PNCHHK2\",\"event\":{\"type\":\"message\","
                        + "\"channel\":\"D0E2E0001\",\"user\":\"U0E2E0001\",\"text\":\"where is my order?\",\"ts\":\"1732181122.000100\","
                        + "\"event_ts\":\"1732181122.000100\",\"channel_type\":\"im\"},\"type\":\"event_callback\",\"event_id\":\"Ev0E2E01\","
                        + "\"event_time\":1732181122}";
                String ts = Long.toString(System.currentTimeMillis() / 1000);
                HttpClient http = HttpClient.newHttpClient();
                assertThat(post(http, gateway, body.replace("where is my order?", "where is my order!"), ts, sign(ts, body))).isEqualTo(401);
                assertThat(post(http, gateway, body, ts, sign(ts, body))).isEqualTo(200);

                List<ConsumerRecord<byte[], byte[]>> replies = KafkaClients.readAtLeast(kafka.bootstrapServers(),
                        topics.outbound("slack"), 1, Duration.ofSeconds(90));
                assertThat(replies).hasSize(1);
                assertThat(Json.MAPPER.readTree(replies.get(0).value()).get("text").asText()).isEqualTo("Sure. What's your order number?");
                assertThat(Json.MAPPER.readTree(replies.get(0).value()).get("channel").asText()).isEqualTo("D0E2E0001");
                // The forged request never reached Kafka: the inbound topic holds the signed one alone.
                assertThat(KafkaClients.readAtLeast(kafka.bootstrapServers(), topics.inbound("slack"), 2, Duration.ofSeconds(3)))
                        .singleElement().satisfies(r -> assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo(body));
            } finally {
                job.cancel().get();
            }
        }
    }

    private static String sign(String ts, String body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return "v0=" + HexFormat.of().formatHex(mac.doFinal(("v0:" + ts + ":" + body).getBytes(StandardCharsets.UTF_8)));
    }

    private static int post(HttpClient http, Gateway gateway, String body, String ts, String signature) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/webhooks/slack/support"))
                .header("X-Slack-Request-Timestamp", ts).header("X-Slack-Signature", signature)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
