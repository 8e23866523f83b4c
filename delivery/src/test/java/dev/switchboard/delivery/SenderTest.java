package dev.switchboard.delivery;

import dev.switchboard.model.InboundRecord;
import dev.switchboard.normalize.BotSettings;
import dev.switchboard.testkit.OutboundSamples;
import dev.switchboard.testkit.PlatformApiFake;
import dev.switchboard.testkit.PlatformApiFake.Trouble;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.StringReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The sender against the local platform fakes: each platform's success, waits, errors, tokens, order, circuit. */
class SenderTest {
    static PlatformApiFake fake;
    static ScheduledExecutorService timer;
    final List<DeliveryOutcome> logged = new CopyOnWriteArrayList<>();
    final AtomicInteger circuitWaits = new AtomicInteger();
    final Map<String, CircuitBreaker> breakers = new HashMap<>();

    @BeforeAll
    static void start() throws IOException {
        fake = new PlatformApiFake(0);
        timer = Executors.newScheduledThreadPool(2);
    }

    @AfterAll
    static void stop() {
        fake.close();
        timer.shutdownNow();
    }

    @BeforeEach
    void clean() {
        fake.reset();
    }

    Sender sender(DeliverySettings settings, String extraBotsFile) throws IOException {
        Properties p = new Properties();
        p.load(new StringReader(PlatformApiFake.botsFile("acme") + extraBotsFile));
        Map<String, String> values = new HashMap<>();
        p.stringPropertyNames().forEach(k -> values.put(k, p.getProperty(k)));
        return new Sender(settings.withApiBases(fake.apiBases()), new Credentials(new BotSettings(values)), 1,
                Sender.httpClient(Duration.ofSeconds(2)), timer,
                o -> {
                    logged.add(o);
                    return CompletableFuture.completedFuture(null);
                },
                new Sender.Listener() {
                    @Override
                    public void circuitWait(String platform) {
                        circuitWaits.incrementAndGet();
                    }
                },
                new HostBreakers(settings, breakers::put), new AccessTokens(System::currentTimeMillis));
    }

    static DeliverySettings fast() {
        return new DeliverySettings("chat.", "acme", Map.of(), 4, Duration.ofMillis(50), Duration.ofMillis(400),
                Duration.ofMillis(400), Duration.ofSeconds(2), 0.5f, 4, Duration.ofMillis(600));
    }

    static OutboundRequest request(String platform, int conversation, String sourceId, String text) throws Exception {
        InboundRecord r = OutboundSamples.records("chat.", platform, "acme", conversation, sourceId, text).get(0);
        return OutboundRequest.of(r, "chat.", "acme");
    }

    static Sender.Result await(CompletableFuture<Sender.Result> f) throws Exception {
        return f.get(30, TimeUnit.SECONDS);
    }

    @ParameterizedTest
    @ValueSource(strings = {"telegram", "slack", "discord", "whatsapp", "line", "feishu", "dingtalk", "wecom", "wechat"})
    void deliversToEachPlatform(String platform) throws Exception {
        Sender s = sender(fast(), "");
        Sender.Result r = await(s.send(request(platform, 1, "m1", "Your order 10042 shipped today.")));
        assertThat(r.deadLetter()).isNull();
        assertThat(r.outcome().status()).isEqualTo("delivered");
        assertThat(r.outcome().attempts()).isEqualTo(1);
        if (!platform.equals("wechat")) { // WeChat's customer-service answer names no message
            assertThat(r.outcome().messageId()).isNotBlank();
        }
        assertThat(fake.accepted()).hasSize(1);
        assertThat(fake.accepted().get(0).platform()).isEqualTo(platform);
        assertThat(logged).containsExactly(r.outcome());
    }

    @ParameterizedTest
    @ValueSource(strings = {"telegram", "slack", "discord", "feishu"})
    void waitsAsLongAsThePlatformSays(String platform) throws Exception {
        Sender s = sender(fast(), "");
        fake.retryAfter(platform, 1);
        fake.script(platform, Trouble.RATE_LIMITED);
        Sender.Result r = await(s.send(request(platform, 2, "m2", "hello")));
        assertThat(r.outcome().status()).isEqualTo("delivered");
        List<PlatformApiFake.Post> posts = fake.posts(platform);
        assertThat(posts).hasSize(2);
        assertThat(posts.get(0).made()).isFalse();
        assertThat(Duration.ofNanos(posts.get(1).atNanos() - posts.get(0).atNanos())).isGreaterThanOrEqualTo(Duration.ofMillis(990));
    }

    @ParameterizedTest
    @ValueSource(strings = {"whatsapp", "line", "dingtalk", "wecom", "wechat"})
    void backsOffOnARateLimitWithoutAWait(String platform) throws Exception {
        Sender s = sender(fast(), "");
        fake.script(platform, Trouble.RATE_LIMITED);
        Sender.Result r = await(s.send(request(platform, 3, "m3", "hello")));
        assertThat(r.outcome().status()).isEqualTo("delivered");
        List<PlatformApiFake.Post> posts = fake.posts(platform);
        assertThat(posts).hasSize(2);
        // Half the fallback at least (equal jitter).
        assertThat(Duration.ofNanos(posts.get(1).atNanos() - posts.get(0).atNanos())).isGreaterThanOrEqualTo(Duration.ofMillis(190));
    }

    @ParameterizedTest
    @ValueSource(strings = {"telegram", "slack", "discord", "whatsapp", "line", "feishu", "dingtalk", "wecom", "wechat"})
    void retriesAServerError(String platform) throws Exception {
        Sender s = sender(fast(), "");
        fake.script(platform, Trouble.SERVER_ERROR);
        Sender.Result r = await(s.send(request(platform, 4, "m4", "hello")));
        assertThat(r.outcome().status()).isEqualTo("delivered");
        assertThat(r.outcome().attempts()).isEqualTo(2);
        assertThat(fake.accepted()).hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"telegram", "slack", "discord", "whatsapp", "line", "feishu", "dingtalk", "wecom", "wechat"})
    void deadLettersAPermanentErrorAtOnce(String platform) throws Exception {
        Sender s = sender(fast(), "");
        fake.script(platform, Trouble.PERMANENT);
        Sender.Result r = await(s.send(request(platform, 5, "m5", "hello")));
        assertThat(r.outcome().status()).isEqualTo("failed");
        assertThat(r.outcome().errorClass()).isEqualTo("permanent");
        assertThat(fake.posts(platform)).hasSize(1);
        assertThat(r.deadLetter().topic()).isEqualTo("chat.delivery.dlq");
        assertThat(r.deadLetter().headers()).containsEntry("error-class", "permanent").containsKey("http-status")
                .containsEntry("source-topic", "chat.out." + platform).containsEntry("idempotency-key",
                        r.outcome().idempotencyKey());
        assertThat(r.deadLetter().headers().get("error")).isNotBlank();
        assertThat(logged).containsExactly(r.outcome());
    }

    @ParameterizedTest
    @ValueSource(strings = {"feishu", "dingtalk", "wecom", "wechat"})
    void fetchesATokenOnceAndAnotherWhenItExpires(String platform) throws Exception {
        Sender s = sender(fast(), "");
        long before = fake.tokensIssued();
        assertThat(await(s.send(request(platform, 6, "m6", "one"))).outcome().status()).isEqualTo("delivered");
        assertThat(await(s.send(request(platform, 6, "m7", "two"))).outcome().status()).isEqualTo("delivered");
        assertThat(fake.tokensIssued() - before).isEqualTo(1);
        fake.expireTokens();
        Sender.Result r = await(s.send(request(platform, 6, "m8", "three")));
        assertThat(r.outcome().status()).isEqualTo("delivered");
        assertThat(r.outcome().attempts()).isEqualTo(2);
        assertThat(fake.tokensIssued() - before).isEqualTo(2);
        assertThat(fake.accepted()).hasSize(3);
    }

    @Test
    void keepsEachConversationsOrderWhileRetrying() throws Exception {
        Sender s = sender(fast(), "acme.telegram.rate-per-chat=none\n");
        fake.script("telegram", Trouble.SERVER_ERROR, Trouble.SERVER_ERROR);
        List<CompletableFuture<Sender.Result>> all = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            all.add(s.send(request("telegram", 7, "a" + i, "part " + i)));
        }
        all.add(s.send(request("telegram", 8, "b1", "other chat")));
        for (CompletableFuture<Sender.Result> f : all) {
            assertThat(await(f).outcome().status()).isEqualTo("delivered");
        }
        List<String> chat7 = fake.accepted().stream().filter(p -> p.body().contains("100000007"))
                .map(p -> p.body().replaceAll(".*\"text\":\"(part \\d)\".*", "$1")).toList();
        assertThat(chat7).containsExactly("part 1", "part 2", "part 3", "part 4", "part 5");
    }

    @Test
    void keepsTelegramsOneMessagePerSecondInAChat() throws Exception {
        Sender s = sender(fast(), "");
        // The connection opened first, so that the three posts below arrive with like latencies.
        await(s.send(request("telegram", 99, "warm", "warm-up")));
        fake.reset();
        List<CompletableFuture<Sender.Result>> all = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            all.add(s.send(request("telegram", 9, "c" + i, "line " + i)));
        }
        for (CompletableFuture<Sender.Result> f : all) {
            await(f);
        }
        List<PlatformApiFake.Post> posts = fake.posts("telegram");
        assertThat(posts).hasSize(3);
        // Spaced a second apart when sent; arrivals differ by the requests' own latency. Without the limit they
        // would arrive milliseconds apart. (The exact pacing is RateLimitsTest's, on a moved clock.)
        for (int i = 1; i < posts.size(); i++) {
            assertThat(Duration.ofNanos(posts.get(i).atNanos() - posts.get(i - 1).atNanos()))
                    .isGreaterThanOrEqualTo(Duration.ofMillis(700));
        }
    }

    @Test
    void givesUpAfterTheLastAttempt() throws Exception {
        Sender s = sender(fast(), "");
        fake.script("slack", Trouble.SERVER_ERROR, Trouble.SERVER_ERROR, Trouble.SERVER_ERROR, Trouble.SERVER_ERROR);
        Sender.Result r = await(s.send(request("slack", 10, "d1", "hello")));
        assertThat(r.outcome().status()).isEqualTo("failed");
        assertThat(r.outcome().errorClass()).isEqualTo("retries-exhausted");
        assertThat(r.outcome().attempts()).isEqualTo(4);
        assertThat(r.deadLetter().headers()).containsEntry("error-class", "retries-exhausted").containsEntry("http-status", "503");
        assertThat(fake.posts("slack")).hasSize(4);
    }

    @Test
    void theCircuitOpensWhileTheApiFailsAndClosesWhenItIsBack() throws Exception {
        DeliverySettings settings = new DeliverySettings("chat.", "acme", Map.of(), 100, Duration.ofMillis(20),
                Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofSeconds(2), 0.5f, 4, Duration.ofMillis(2500));
        Sender s = sender(settings, "");
        fake.down(true);
        List<CompletableFuture<Sender.Result>> all = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            all.add(s.send(request("line", 20 + i, "e" + i, "hello " + i)));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (breakers.values().stream().noneMatch(b -> b.getState() == CircuitBreaker.State.OPEN) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(breakers.values()).anyMatch(b -> b.getState() == CircuitBreaker.State.OPEN);
        int postsWhenOpened = fake.posts("line").size();
        Thread.sleep(500); // within the open time: nothing is sent, the records wait
        assertThat(fake.posts("line")).hasSize(postsWhenOpened);
        assertThat(circuitWaits.get()).isPositive();
        fake.down(false);
        for (CompletableFuture<Sender.Result> f : all) {
            assertThat(await(f).outcome().status()).isEqualTo("delivered");
        }
        assertThat(breakers.values()).allMatch(b -> b.getState() == CircuitBreaker.State.CLOSED);
        assertThat(fake.accepted()).hasSize(4);
    }

    @Test
    void thePlatformsOwnDeduplicationStopsASecondMessage() throws Exception {
        Sender s = sender(fast(), "");
        for (String platform : List.of("discord", "feishu")) {
            OutboundRequest r = request(platform, 30, "f1", "only once");
            await(s.send(r));
            Sender.Result again = await(s.send(r));
            assertThat(again.outcome().status()).isEqualTo("delivered");
            assertThat(fake.posts(platform)).hasSize(2);
            assertThat(fake.accepted().stream().filter(p -> p.platform().equals(platform))).hasSize(1);
        }
        OutboundRequest push = request("line", 30, "f2", "pushed once");
        assertThat(push.endpoint()).isEqualTo("v2/bot/message/push");
        await(s.send(push));
        Sender.Result again = await(s.send(push));
        assertThat(again.outcome().status()).isEqualTo("delivered");
        assertThat(again.outcome().httpStatus()).isEqualTo(409);
        assertThat(fake.accepted().stream().filter(p -> p.platform().equals("line"))).hasSize(1);
    }

    @Test
    void eachBotSendsWithItsOwnCredentials() throws Exception {
        // A second tenant whose Slack token and Feishu secret are wrong: its records fail, acme's go through.
        Sender s = sender(fast(), "bistro.slack.bot-token=xoxb-revoked\nbistro.feishu.app-id=cli_bistro\n"
                + "bistro.feishu.app-secret=wrong\n");
        for (String platform : List.of("slack", "feishu")) {
            Sender.Result ok = await(s.send(request(platform, 50, "h1", "for acme")));
            assertThat(ok.outcome().status()).isEqualTo("delivered");
            InboundRecord rec = OutboundSamples.records("chat.", platform, "bistro", 50, "h2", "for bistro").get(0);
            Sender.Result refused = await(s.send(OutboundRequest.of(rec, "chat.", "acme")));
            assertThat(refused.outcome().status()).isEqualTo("failed");
            assertThat(refused.outcome().botId()).isEqualTo("bistro");
            assertThat(refused.outcome().errorClass()).isEqualTo(platform.equals("slack") ? "permanent" : "token-refused");
            assertThat(refused.outcome().error()).contains(platform.equals("slack") ? "invalid_auth" : "app secret invalid");
        }
        assertThat(fake.accepted()).hasSize(2);
    }

    @Test
    void aBotWithoutCredentialsIsDeadLetteredWithTheMissingKey() throws Exception {
        Sender s = sender(fast(), "");
        InboundRecord rec = OutboundSamples.records("chat.", "slack", "nobody", 40, "g1", "hi").get(0);
        Sender.Result r = await(s.send(OutboundRequest.of(rec, "chat.", "acme")));
        assertThat(r.outcome().errorClass()).isEqualTo("no-credentials");
        assertThat(r.outcome().error()).contains("nobody.slack.bot-token");
        assertThat(fake.posts()).isEmpty();
    }
}
