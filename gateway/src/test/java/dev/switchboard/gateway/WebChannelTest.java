package dev.switchboard.gateway;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.switchboard.model.Platforms;
import dev.switchboard.model.Topics;
import dev.switchboard.normalize.BotSettings;
import dev.switchboard.testkit.EmbeddedKafka;
import dev.switchboard.testkit.KafkaClients;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The web channel on two gateway replicas against a real broker: JWT verification (HS256 secret, RS256 and ES256
 * from a JWKS file, and each way a token is refused), messages into {@code chat.in.web} with the verified user, replies
 * from {@code chat.out.web} pushed as Server-Sent Events, a page reconnecting to the other replica with
 * {@code Last-Event-ID} and getting what it missed, visitor tokens, the page itself.
 */
class WebChannelTest {
    private static final Topics TOPICS = new Topics("webtest.");
    private static final String SECRET = "a-web-secret-of-at-least-32-bytes-long!";
    private static EmbeddedKafka kafka;
    private static Gateway first;
    private static Gateway second;
    private static RSAKey rsa;
    private static ECKey ec;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        kafka = EmbeddedKafka.start();
        kafka.createTopics(List.of(TOPICS.inbound(Platforms.WEB), TOPICS.outbound(Platforms.WEB)), 2);
        rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
        Path jwks = Files.createTempFile("jwks", ".json");
        Files.writeString(jwks, new JWKSet(List.of(rsa.toPublicJWK(), ec.toPublicJWK())).toString());
        BotSettings secrets = new BotSettings(Map.of("support.web.jwt-secret", SECRET, "shop.web.jwks-file", jwks.toString()));
        first = Gateway.start(new Gateway.Settings(kafka.bootstrapServers(), TOPICS, secrets, 0, Gateway.Settings.DEFAULT_MAX_BODY,
                null, Map.of(), System::currentTimeMillis));
        first.serveWeb(true);
        second = Gateway.start(new Gateway.Settings(kafka.bootstrapServers(), TOPICS, secrets, 0, Gateway.Settings.DEFAULT_MAX_BODY,
                null, Map.of(), System::currentTimeMillis));
        second.serveWeb(false);
    }

    @AfterAll
    static void stop() throws Exception {
        first.close();
        second.close();
        kafka.close();
    }

    static JWTClaimsSet.Builder claims(String aud, String sub) {
        return new JWTClaimsSet.Builder().subject(sub).audience(aud).claim("scope", "chat openid")
                .expirationTime(new Date(System.currentTimeMillis() + 600_000));
    }

    static String hs256(JWTClaimsSet claims, String secret) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(), claims);
        jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
        return jwt.serialize();
    }

    static HttpResponse<String> post(Gateway g, String path, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + g.port() + path))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aValidTokensMessageIsWrittenWithTheVerifiedUser() throws Exception {
        String token = hs256(claims("support", "user-17").claim("name", "Ana").build(), SECRET);
        HttpResponse<String> r = post(first, "/v1/web/support/messages", token,
                "{\"id\":\"c-1\",\"text\":\"where is my order?\",\"user\":\"someone-else\"}");
        assertThat(r.statusCode()).isEqualTo(202);
        assertThat(r.body()).contains("c-1");
        List<ConsumerRecord<byte[], byte[]>> in = KafkaClients.readAtLeast(kafka.bootstrapServers(), TOPICS.inbound(Platforms.WEB), 1,
                Duration.ofSeconds(20));
        ConsumerRecord<byte[], byte[]> record = in.stream().filter(x -> new String(x.value(), StandardCharsets.UTF_8).contains("c-1"))
                .findFirst().orElseThrow();
        assertThat(KafkaClients.header(record, "web-user")).isEqualTo("user-17");
        assertThat(KafkaClients.header(record, "web-user-name")).isEqualTo("Ana");
        assertThat(KafkaClients.header(record, "bot-id")).isEqualTo("support");
        assertThat(KafkaClients.key(record)).isEqualTo("user-17");
        String metrics = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + first.port() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).contains("gateway_requests_total{platform=\"web\",bot=\"support\",outcome=\"accepted\",}");
    }

    @Test
    void everyWayATokenIsRefusedIs401WithAReason() throws Exception {
        String body = "{\"id\":\"c-2\",\"text\":\"hi\"}";
        assertThat(post(first, "/v1/web/support/messages", null, body)).satisfies(r -> {
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(r.body()).contains("bearer");
        });
        String none = new PlainJWT(claims("support", "u").build()).serialize();
        assertThat(post(first, "/v1/web/support/messages", none, body).statusCode()).isEqualTo(401);
        assertThat(post(first, "/v1/web/support/messages", hs256(claims("other-bot", "u").build(), SECRET), body).body())
                .contains("aud");
        assertThat(post(first, "/v1/web/support/messages", hs256(claims("support", "u")
                .expirationTime(new Date(System.currentTimeMillis() - 120_000)).build(), SECRET), body).body()).containsIgnoringCase("expired");
        assertThat(post(first, "/v1/web/support/messages", hs256(claims("support", "u").build(),
                "another-secret-that-is-long-enough-too!!"), body).statusCode()).isEqualTo(401);
        assertThat(post(first, "/v1/web/support/messages", hs256(claims("support", "u").claim("scope", "profile").build(), SECRET),
                body).body()).contains("scope");
        assertThat(post(first, "/v1/web/support/messages", hs256(new JWTClaimsSet.Builder().subject("u").audience("support")
                .claim("scope", "chat").build(), SECRET), body).body()).contains("exp");
        // A shared-secret token for a bot that only has public keys: refused, not accepted with some default key.
        assertThat(post(first, "/v1/web/shop/messages", hs256(claims("shop", "u").build(), SECRET), body).statusCode()).isEqualTo(401);
        assertThat(post(first, "/v1/web/unknown/messages", hs256(claims("unknown", "u").build(), SECRET), body).body())
                .contains("no web messages");
        // A good token, a bad body.
        String ok = hs256(claims("support", "u").build(), SECRET);
        assertThat(post(first, "/v1/web/support/messages", ok, "{\"text\":\"no id\"}").statusCode()).isEqualTo(400);
        assertThat(post(first, "/v1/web/support/messages", ok, "{\"id\":\"x\",\"text\":\"   \"}").statusCode()).isEqualTo(400);
    }

    @Test
    void rs256AndEs256FromTheJwksFile() throws Exception {
        SignedJWT rs = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("rsa-1").build(), claims("shop", "buyer-1").build());
        rs.sign(new RSASSASigner(rsa));
        assertThat(post(first, "/v1/web/shop/messages", rs.serialize(), "{\"id\":\"s-1\",\"text\":\"hello\"}").statusCode()).isEqualTo(202);
        SignedJWT es = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("ec-1").build(), claims("shop", "buyer-2").build());
        es.sign(new ECDSASigner(ec));
        assertThat(post(first, "/v1/web/shop/messages", es.serialize(), "{\"id\":\"s-2\",\"text\":\"hello\"}").statusCode()).isEqualTo(202);
        RSAKey stranger = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        SignedJWT forged = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("rsa-1").build(), claims("shop", "x").build());
        forged.sign(new RSASSASigner(stranger));
        assertThat(post(first, "/v1/web/shop/messages", forged.serialize(), "{\"id\":\"s-3\",\"text\":\"hello\"}").statusCode()).isEqualTo(401);
    }

    /** Opens the events stream; lines arrive on the returned queue. */
    static BlockingQueue<String> listen(Gateway g, String bot, String token, String lastEventId) {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + g.port() + "/v1/web/" + bot + "/events"))
                .header("Authorization", "Bearer " + token);
        if (lastEventId != null) {
            b.header("Last-Event-ID", lastEventId);
        }
        HTTP.sendAsync(b.build(), HttpResponse.BodyHandlers.ofLines()).thenAccept(r -> {
            lines.add("status " + r.statusCode());
            r.body().forEach(lines::add);
        });
        return lines;
    }

    /** The next event's id and data lines ({@code [id, data]}). */
    static String[] nextEvent(BlockingQueue<String> lines) throws InterruptedException {
        String id = null;
        long deadline = System.currentTimeMillis() + 20_000;
        while (System.currentTimeMillis() < deadline) {
            String line = lines.poll(200, TimeUnit.MILLISECONDS);
            if (line == null) {
                continue;
            }
            if (line.startsWith("id: ")) {
                id = line.substring(4);
            } else if (line.startsWith("data: ") && id != null) {
                return new String[] {id, line.substring(6)};
            }
        }
        throw new AssertionError("no event within 20 s");
    }

    static void reply(String bot, String user, String text, String key) throws Exception {
        try (KafkaProducer<byte[], byte[]> p = KafkaClients.producer(kafka)) {
            ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(TOPICS.outbound(Platforms.WEB), user.getBytes(StandardCharsets.UTF_8),
                    ("{\"to\":\"" + user + "\",\"text\":\"" + text + "\"}").getBytes(StandardCharsets.UTF_8));
            r.headers().add("bot-id", bot.getBytes(StandardCharsets.UTF_8));
            r.headers().add("idempotency-key", key.getBytes(StandardCharsets.UTF_8));
            p.send(r).get();
        }
    }

    @Test
    void repliesReachTheUsersPageAndAReconnectToTheOtherReplicaGetsWhatItMissed() throws Exception {
        String token = hs256(claims("support", "reader-1").build(), SECRET);
        BlockingQueue<String> onFirst = listen(first, "support", token, null);
        assertThat(onFirst.poll(10, TimeUnit.SECONDS)).isEqualTo("status 200");
        Thread.sleep(500);
        reply("support", "someone-else", "not for reader-1", "k0");
        reply("support", "reader-1", "Your order **10042** shipped", "k1");
        String[] one = nextEvent(onFirst);
        assertThat(one[1]).contains("Your order **10042** shipped").doesNotContain("not for reader-1");

        // The page goes away; two replies come meanwhile (one of them written twice, as a replayed job would).
        reply("support", "reader-1", "second", "k2");
        reply("support", "reader-1", "second", "k2");
        reply("support", "reader-1", "third", "k3");
        Thread.sleep(1500);
        BlockingQueue<String> onSecond = listen(second, "support", token, one[0]);
        assertThat(onSecond.poll(10, TimeUnit.SECONDS)).isEqualTo("status 200");
        assertThat(nextEvent(onSecond)[1]).contains("second");
        assertThat(nextEvent(onSecond)[1]).contains("third");
        Thread.sleep(1000);
        assertThat(onSecond.stream().filter(l -> l.startsWith("data: "))).as("nothing more, the duplicate included").isEmpty();

        // Someone else's token sees none of it.
        BlockingQueue<String> stranger = listen(second, "support", hs256(claims("support", "reader-2").build(), SECRET), one[0]);
        assertThat(stranger.poll(10, TimeUnit.SECONDS)).isEqualTo("status 200");
        Thread.sleep(500);
        assertThat(stranger.stream().filter(l -> l.startsWith("data: "))).isEmpty();
    }

    @Test
    void visitorTokensOnlyWhereEnabledAndThePage() throws Exception {
        HttpResponse<String> minted = post(first, "/v1/web/support/token", null, "");
        assertThat(minted.statusCode()).isEqualTo(200);
        String token = minted.body().replaceAll(".*\"token\":\"([^\"]+)\".*", "$1");
        assertThat(post(first, "/v1/web/support/messages", token, "{\"id\":\"v-1\",\"text\":\"hi\"}").statusCode()).isEqualTo(202);
        assertThat(post(second, "/v1/web/support/token", null, "").statusCode()).isEqualTo(404);

        HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + first.port() + "/chat/support"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("data-bot=\"support\"").contains("/chat/assets/chat.js");
        assertThat(page.headers().firstValue("Content-Security-Policy").orElse("")).contains("script-src 'self'");
        assertThat(HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + first.port() + "/chat/nobody")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);
        assertThat(HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + first.port() + "/chat/assets/chat.js")).build(),
                HttpResponse.BodyHandlers.ofString()).body()).contains("textContent");
    }
}
