package dev.switchboard.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.model.Json;
import dev.switchboard.model.Platforms;
import dev.switchboard.model.Topics;
import dev.switchboard.normalize.BotSettings;
import dev.switchboard.testkit.EmbeddedKafka;
import dev.switchboard.testkit.KafkaClients;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway against a real broker, with every platform's signed requests from {@code vectors/vectors.json}: signed
 * by {@code vectors/make_vectors.py} (Python's hmac, hashlib and cryptography, not this code), plus the example
 * Slack publishes in its documentation. A verified webhook is in Kafka, untouched, before the 200; a forged one is
 * refused and never written; handshakes are answered without writing.
 */
class GatewayTest {
    private static final AtomicLong NOW = new AtomicLong(1_732_181_122_000L);
    private static EmbeddedKafka kafka;
    private static Gateway gateway;
    private static JsonNode v;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Topics TOPICS = new Topics("gw.");

    @BeforeAll
    static void start() throws Exception {
        v = Json.MAPPER.readTree(GatewayTest.class.getResourceAsStream("/vectors/vectors.json"));
        kafka = EmbeddedKafka.start();
        kafka.createTopics(TOPICS.all(Platforms.SUPPORTED), 1);
        Map<String, String> secrets = new HashMap<>();
        secrets.put("acme.slack.signing-secret", v.at("/slack/secret").asText());
        secrets.put("docs.slack.signing-secret", "8f742231b10e8888abcd99yyyzzz85a5");
        secrets.put("acme.telegram.secret-token", v.at("/telegram/secret").asText());
        secrets.put("acme.whatsapp.app-secret", v.at("/whatsapp/secret").asText());
        secrets.put("acme.whatsapp.verify-token", "wa-verify-1");
        secrets.put("acme.line.channel-secret", v.at("/line/secret").asText());
        secrets.put("acme.discord.public-key", v.at("/discord/publicKey").asText());
        secrets.put("acme.feishu.encrypt-key", v.at("/feishu/encryptKey").asText());
        secrets.put("acme.feishu.verification-token", "vtok");
        secrets.put("plain.feishu.verification-token", "vtok");
        secrets.put("acme.dingtalk.app-secret", v.at("/dingtalk/secret").asText());
        secrets.put("acme.wecom.token", v.at("/wecom/token").asText());
        secrets.put("acme.wecom.aes-key", v.at("/wecom/aesKey").asText());
        secrets.put("acme.wecom.receive-id", v.at("/wecom/receiveId").asText());
        secrets.put("*.wechat.token", v.at("/wechat/token").asText());
        gateway = Gateway.start(new Gateway.Settings(kafka.bootstrapServers(), TOPICS, new BotSettings(secrets), 0,
                Gateway.Settings.DEFAULT_MAX_BODY, null, Map.of(), NOW::get));
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    private static HttpResponse<String> post(String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).timeout(Duration.ofSeconds(20));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String s(String pointer) {
        return v.at(pointer).asText();
    }

    @Test
    void everyPlatformsSignedWebhookIsWrittenUntouchedAndAForgedOneNever() throws Exception {
        NOW.set(1_732_181_122_000L);
        Map<String, Integer> accepted = new HashMap<>();
        // Slack: the example of Slack's "Verifying requests from Slack" (a slash command), at its own time.
        NOW.set(1_531_420_618_000L);
        String docBody = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V"
                + "&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text="
                + "&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN"
                + "&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
        assertThat(post("/webhooks/slack/docs", docBody, "X-Slack-Request-Timestamp", "1531420618",
                "X-Slack-Signature", "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503").statusCode()).isEqualTo(200);
        accepted.merge("slack", 1, Integer::sum);
        NOW.set(1_732_181_122_000L);

        String[][] signed = {
                {"slack", s("/slack/body"), "X-Slack-Request-Timestamp", s("/slack/timestamp"), "X-Slack-Signature", s("/slack/sig"),
                        "X-Slack-Retry-Num", "1", "X-Slack-Retry-Reason", "http_timeout"},
                {"telegram", s("/telegram/body"), "X-Telegram-Bot-Api-Secret-Token", s("/telegram/secret")},
                {"whatsapp", s("/whatsapp/body"), "X-Hub-Signature-256", s("/whatsapp/sig")},
                {"line", s("/line/body"), "X-Line-Signature", s("/line/sig")},
                {"discord", s("/discord/command"), "X-Signature-Ed25519", s("/discord/commandSig"), "X-Signature-Timestamp", s("/discord/timestamp")},
                {"feishu", s("/feishu/body"), "X-Lark-Request-Timestamp", s("/feishu/timestamp"), "X-Lark-Request-Nonce", s("/feishu/nonce"),
                        "X-Lark-Signature", s("/feishu/sig")},
                {"dingtalk", s("/dingtalk/body"), "timestamp", s("/dingtalk/timestamp"), "sign", s("/dingtalk/sign")},
        };
        for (String[] c : signed) {
            String[] headers = java.util.Arrays.copyOfRange(c, 2, c.length);
            HttpResponse<String> ok = post("/webhooks/" + c[0] + "/acme", c[1], headers);
            assertThat(ok.statusCode()).as(c[0] + ": " + ok.body()).isEqualTo(200);
            accepted.merge(c[0], 1, Integer::sum);
            // One character of the body changed (Telegram and DingTalk sign no body: their token or sign changed):
            // refused, never written.
            boolean headerOnly = c[0].equals("telegram") || c[0].equals("dingtalk");
            String[] forgedHeaders = headers.clone();
            if (headerOnly) {
                forgedHeaders[forgedHeaders.length - 1] = "A" + forgedHeaders[forgedHeaders.length - 1].substring(1);
            }
            HttpResponse<String> forged = post("/webhooks/" + c[0] + "/acme", headerOnly ? c[1] : c[1].replaceFirst("e", "E"),
                    forgedHeaders);
            assertThat(forged.statusCode()).as(c[0] + " forged").isEqualTo(401);
            assertThat(forged.body()).doesNotContain("Exception").isNotBlank();
        }
        HttpResponse<String> wecom = post("/webhooks/wecom/acme?msg_signature=" + s("/wecom/bodySig") + "&timestamp=" + s("/wecom/timestamp")
                + "&nonce=" + s("/wecom/nonce"), s("/wecom/body"));
        assertThat(wecom.statusCode()).isEqualTo(200);
        assertThat(wecom.body()).isEqualTo("success");
        accepted.merge("wecom", 1, Integer::sum);
        assertThat(post("/webhooks/wecom/acme?msg_signature=" + s("/wecom/bodySig").replace('a', 'b') + "&timestamp=" + s("/wecom/timestamp")
                + "&nonce=" + s("/wecom/nonce"), s("/wecom/body")).statusCode()).isEqualTo(401);
        HttpResponse<String> wechat = post("/webhooks/wechat/any?signature=" + s("/wechat/signature") + "&timestamp=" + s("/wechat/timestamp")
                + "&nonce=" + s("/wechat/nonce"), s("/wechat/body"));
        assertThat(wechat.body()).isEqualTo("success");
        accepted.merge("wechat", 1, Integer::sum);

        // Exactly the accepted requests are in Kafka, bodies untouched, with bot-id, received-at and a conversation key.
        for (Map.Entry<String, Integer> e : accepted.entrySet()) {
            // Every 200 came after Kafka's acknowledgement, so the topics are complete now: read what is there.
            List<ConsumerRecord<byte[], byte[]>> records = KafkaClients.readAtLeast(kafka.bootstrapServers(),
                    TOPICS.inbound(e.getKey()), e.getValue(), Duration.ofSeconds(10));
            assertThat(records).as(e.getKey()).hasSize(e.getValue());
        }
        ConsumerRecord<byte[], byte[]> tg = KafkaClients.readAtLeast(kafka.bootstrapServers(), TOPICS.inbound("telegram"), 1,
                Duration.ofSeconds(10)).get(0);
        assertThat(new String(tg.value(), StandardCharsets.UTF_8)).isEqualTo(s("/telegram/body"));
        assertThat(KafkaClients.key(tg)).isEqualTo("1111111");
        assertThat(KafkaClients.header(tg, "bot-id")).isEqualTo("acme");
        assertThat(KafkaClients.header(tg, "received-at")).isEqualTo("1732181122000");
        List<ConsumerRecord<byte[], byte[]>> slack = KafkaClients.readAtLeast(kafka.bootstrapServers(), TOPICS.inbound("slack"), 2,
                Duration.ofSeconds(10));
        assertThat(slack).anySatisfy(r -> {
            assertThat(KafkaClients.key(r)).isEqualTo("D024BE91L");
            assertThat(KafkaClients.header(r, "slack-retry-num")).isEqualTo("1");
        });
        ConsumerRecord<byte[], byte[]> wc = KafkaClients.readAtLeast(kafka.bootstrapServers(), TOPICS.inbound("wecom"), 1,
                Duration.ofSeconds(10)).get(0);
        assertThat(KafkaClients.header(wc, "msg_signature")).isEqualTo(s("/wecom/bodySig"));
        assertThat(KafkaClients.header(wc, "nonce")).isEqualTo(s("/wecom/nonce"));
    }

    @Test
    void handshakesAreAnsweredWithoutWriting() throws Exception {
        NOW.set(1_732_181_122_000L);
        HttpResponse<String> slack = post("/webhooks/slack/acme", s("/slack/verification"), "X-Slack-Request-Timestamp",
                s("/slack/timestamp"), "X-Slack-Signature", s("/slack/verificationSig"));
        assertThat(Json.MAPPER.readTree(slack.body()).get("challenge").asText())
                .isEqualTo("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P");
        assertThat(get("/webhooks/whatsapp/acme?hub.mode=subscribe&hub.verify_token=wa-verify-1&hub.challenge=1158201444").body())
                .isEqualTo("1158201444");
        assertThat(get("/webhooks/whatsapp/acme?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1").statusCode()).isEqualTo(403);
        HttpResponse<String> ping = post("/webhooks/discord/acme", s("/discord/ping"), "X-Signature-Ed25519", s("/discord/pingSig"),
                "X-Signature-Timestamp", s("/discord/timestamp"));
        assertThat(ping.body()).isEqualTo("{\"type\":1}");
        assertThat(Json.MAPPER.readTree(post("/webhooks/feishu/acme", s("/feishu/verification")).body()).get("challenge").asText())
                .isEqualTo("ajls384kdjx98XX");
        assertThat(Json.MAPPER.readTree(post("/webhooks/feishu/plain", s("/feishu/plainVerification")).body()).get("challenge").asText())
                .isEqualTo("ajls384kdjx98XX");
        assertThat(post("/webhooks/feishu/plain", s("/feishu/plainVerification").replace("vtok", "nope")).statusCode()).isEqualTo(401);
        assertThat(get("/webhooks/wecom/acme?msg_signature=" + s("/wecom/echoSig") + "&timestamp=" + s("/wecom/timestamp") + "&nonce="
                + s("/wecom/nonce") + "&echostr=" + java.net.URLEncoder.encode(s("/wecom/echostr"), StandardCharsets.UTF_8)).body())
                .isEqualTo("1616140317555161061");
        assertThat(get("/webhooks/wechat/acme?signature=" + s("/wechat/signature") + "&timestamp=" + s("/wechat/timestamp") + "&nonce="
                + s("/wechat/nonce") + "&echostr=" + s("/wechat/echostr")).body()).isEqualTo("echo-plain-123");
        assertThat(post("/webhooks/line/acme", s("/line/empty"), "X-Line-Signature", s("/line/emptySig")).statusCode()).isEqualTo(200);
        assertThat(KafkaClients.readAtLeast(kafka.bootstrapServers(), TOPICS.inbound("line"), 2, Duration.ofSeconds(2)))
                .noneSatisfy(r -> assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo(s("/line/empty")));
    }

    @Test
    void badRequestsGetAStatusAndAShortReason() throws Exception {
        NOW.set(1_732_181_122_000L);
        assertThat(post("/webhooks/telegram/nobody", "{}").statusCode()).isEqualTo(404);
        assertThat(post("/webhooks/icq/acme", "{}").statusCode()).isEqualTo(404);
        assertThat(post("/elsewhere", "{}").statusCode()).isEqualTo(404);
        HttpResponse<String> put = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port()
                + "/webhooks/telegram/acme")).PUT(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).isEqualTo(405);
        assertThat(post("/webhooks/telegram/acme", "x".repeat(Gateway.Settings.DEFAULT_MAX_BODY + 1),
                "X-Telegram-Bot-Api-Secret-Token", s("/telegram/secret")).statusCode()).isEqualTo(413);
        // Slack's signature is right, but the request is an hour old: a replay.
        NOW.set(1_732_181_122_000L + 3_600_000);
        HttpResponse<String> stale = post("/webhooks/slack/acme", s("/slack/body"), "X-Slack-Request-Timestamp", s("/slack/timestamp"),
                "X-Slack-Signature", s("/slack/sig"));
        assertThat(stale.statusCode()).isEqualTo(401);
        assertThat(stale.body()).contains("5 minutes");
        NOW.set(1_732_181_122_000L);

        String metrics = get("/metrics").body();
        assertThat(metrics).contains("gateway_verification_failures_total{platform=\"slack\",reason=\"stale-timestamp\",}")
                .contains("gateway_requests_total{platform=\"telegram\",bot=\"unknown\",outcome=\"refused\",}")
                .contains("gateway_kafka_ack_seconds_bucket").contains("gateway_in_flight_requests");
        assertThat(get("/healthz").statusCode()).isEqualTo(200);
    }
}
