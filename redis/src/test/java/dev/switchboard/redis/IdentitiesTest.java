package dev.switchboard.redis;

import dev.switchboard.testkit.RedisProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Linked identities and routes against a real redis-server. */
class IdentitiesTest {
    @TempDir
    static Path dir;
    private static RedisProcess server;
    private static RedissonClient client;
    private static final AtomicInteger MESSAGE = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        server = RedisProcess.start(dir);
        client = RedisClients.create(server.address());
    }

    @AfterAll
    static void stop() throws Exception {
        client.shutdown();
        server.close();
    }

    private static <T> T get(java.util.concurrent.CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static String msg() {
        return "m" + MESSAGE.incrementAndGet();
    }

    private static String code(Identities ids, String platform, String user, String session) throws Exception {
        Identities.Outcome issued = get(ids.issueCode("support", platform, user, session, msg()));
        assertThat(issued.kind()).isEqualTo("link-code");
        assertThat(issued.detail()).matches("\\d{6}");
        return issued.detail();
    }

    @Test
    void aCodeLinksTwoAccountsIntoTheSessionOfTheOneThatAskedAndUnlinkSeparates() throws Exception {
        Identities ids = new Identities(client, "t1:", Identities.DEFAULT_CODE_TTL);
        String code = code(ids, "telegram", "42", "support:telegram:42");
        assertThat(client.getMap("t1:{support}:link-code:" + code, StringCodec.INSTANCE).get("account")).isEqualTo("telegram:42");

        Identities.Outcome linked = get(ids.redeem("support", "slack", "U1", code, msg()));
        assertThat(linked.kind()).isEqualTo("linked");
        assertThat(linked.session()).isEqualTo("support:telegram:42");
        String person = linked.person();
        assertThat(get(ids.identity("support", "telegram", "42"))).isEqualTo(new Identities.Identity(person, "support:telegram:42"));
        assertThat(get(ids.identity("support", "slack", "U1"))).isEqualTo(new Identities.Identity(person, "support:telegram:42"));
        assertThat(get(ids.accounts("support", person))).containsExactlyInAnyOrder("telegram:42", "slack:U1");
        // The code is spent; another bot's accounts are apart.
        assertThat(get(ids.redeem("support", "line", "Uabc", code, msg())).kind()).isEqualTo("wrong-code");
        assertThat(get(ids.identity("trattoria", "telegram", "42"))).isEqualTo(Identities.Identity.NONE);

        // A third account joins the same person and session.
        String second = code(ids, "slack", "U1", "support:telegram:42");
        assertThat(get(ids.redeem("support", "whatsapp", "4915100", second, msg())).person()).isEqualTo(person);
        assertThat(get(ids.accounts("support", person))).hasSize(3);

        Identities.Outcome unlinked = get(ids.unlink("support", "slack", "U1", "support:slack:D1~x", msg()));
        assertThat(unlinked.kind()).isEqualTo("unlinked");
        assertThat(get(ids.identity("support", "slack", "U1"))).isEqualTo(new Identities.Identity(null, "support:slack:D1~x"));
        assertThat(get(ids.accounts("support", person))).containsExactlyInAnyOrder("telegram:42", "whatsapp:4915100");
        // The last link of a person ends it; the account left keeps the conversation's session.
        assertThat(get(ids.unlink("support", "whatsapp", "4915100", "support:whatsapp:4915100~y", msg())).kind()).isEqualTo("unlinked");
        assertThat(get(ids.identity("support", "telegram", "42"))).isEqualTo(new Identities.Identity(null, "support:telegram:42"));
        assertThat(get(ids.accounts("support", person))).isEmpty();
        assertThat(get(ids.unlink("support", "telegram", "42", "z", msg())).kind()).isEqualTo("not-linked");
    }

    @Test
    void aReplayedCommandGetsItsFirstOutcome() throws Exception {
        Identities ids = new Identities(client, "t5:", Identities.DEFAULT_CODE_TTL);
        Identities.Outcome first = get(ids.issueCode("support", "telegram", "1", "s1", "same"));
        assertThat(get(ids.issueCode("support", "telegram", "1", "s1", "same"))).isEqualTo(first);
        Identities.Outcome linked = get(ids.redeem("support", "slack", "U", first.detail(), "redeem-1"));
        assertThat(linked.kind()).isEqualTo("linked");
        // The code is spent, yet the replay of the message that spent it is still "linked", and no failure is counted.
        assertThat(get(ids.redeem("support", "slack", "U", first.detail(), "redeem-1"))).isEqualTo(linked);
        assertThat(client.getBucket("t5:{support}:link-failures:slack:U", StringCodec.INSTANCE).isExists()).isFalse();
    }

    @Test
    void ownCodesWrongCodesAndTheLockout() throws Exception {
        Identities ids = new Identities(client, "t2:", Identities.DEFAULT_CODE_TTL);
        String code = code(ids, "telegram", "7", "s7");
        assertThat(get(ids.redeem("support", "telegram", "7", code, msg())).kind()).isEqualTo("own-code");
        String wrong = "000000".equals(code) ? "000001" : "000000";
        for (int left = Identities.MAX_FAILURES - 1; left >= 1; left--) {
            Identities.Outcome o = get(ids.redeem("support", "slack", "U9", wrong, msg()));
            assertThat(o.kind()).isEqualTo("wrong-code");
            assertThat(o.detail()).isEqualTo(Integer.toString(left));
        }
        // The fifth wrong code locks, and then even the right code is refused for the rest of the window.
        assertThat(get(ids.redeem("support", "slack", "U9", wrong, msg())).kind()).isEqualTo("link-locked");
        Identities.Outcome locked = get(ids.redeem("support", "slack", "U9", code, msg()));
        assertThat(locked.kind()).isEqualTo("link-locked");
        assertThat(Long.parseLong(locked.detail())).isBetween(1L, 600L);
        assertThat(get(ids.identity("support", "slack", "U9")).person()).isNull();
        assertThat(get(ids.issueCode("support", "slack", "U9", "s", msg())).kind()).isEqualTo("link-locked");
        // Another account is not locked by it.
        assertThat(get(ids.redeem("support", "line", "Ux", code, msg())).kind()).isEqualTo("linked");
    }

    @Test
    void aCodeExpires() throws Exception {
        Identities ids = new Identities(client, "t3:", Duration.ofSeconds(1));
        String code = code(ids, "telegram", "8", "s8");
        Thread.sleep(1_500);
        assertThat(get(ids.redeem("support", "slack", "U8", code, msg())).kind()).isEqualTo("wrong-code");
    }

    @Test
    void oneCodeRedeemedTwiceAtOnceLinksOnce() throws Exception {
        Identities ids = new Identities(client, "t4:", Identities.DEFAULT_CODE_TTL);
        String code = code(ids, "telegram", "9", "s9");
        CompletableFuture<Identities.Outcome> a = ids.redeem("support", "slack", "Ua", code, msg()).toCompletableFuture();
        CompletableFuture<Identities.Outcome> b = ids.redeem("support", "line", "Ub", code, msg()).toCompletableFuture();
        long linked = java.util.stream.Stream.of(a.get(10, TimeUnit.SECONDS), b.get(10, TimeUnit.SECONDS))
                .filter(r -> r.kind().equals("linked")).count();
        assertThat(linked).isEqualTo(1);
    }

    @Test
    void routesKeepTheLatestAndAPersonRouteFollowsItsNewestAccount() throws Exception {
        Identities ids = new Identities(client, "t6:", Identities.DEFAULT_CODE_TTL);
        get(ids.recordRoute("support", null, new Identities.Route("telegram", "5", "5", null, null, "support:telegram:5", 2_000)));
        // An older write (a replay) does not replace a newer one.
        get(ids.recordRoute("support", null, new Identities.Route("telegram", "5", "old", null, null, "x", 1_000)));
        assertThat(get(ids.route("support", "telegram", "5")).chatId()).isEqualTo("5");
        get(ids.recordRoute("support", null, new Identities.Route("slack", "U5", "D5", "t", "T1", "support:slack:D5", 3_000)));

        String code = code(ids, "telegram", "5", "support:telegram:5");
        String person = get(ids.redeem("support", "slack", "U5", code, msg())).person();
        Identities.Route route = get(ids.personRoute("support", person));
        assertThat(route).isEqualTo(new Identities.Route("slack", "U5", "D5", "t", "T1", "support:slack:D5", 3_000));
        get(ids.recordRoute("support", person, new Identities.Route("telegram", "5", "5", null, null, "support:telegram:5", 4_000)));
        assertThat(get(ids.personRoute("support", person)).platform()).isEqualTo("telegram");

        // Erasure: the account's identity, route and place in the person are gone; the person ends.
        assertThat(get(ids.erase("support", "telegram", "5"))).isGreaterThanOrEqualTo(2L);
        assertThat(get(ids.route("support", "telegram", "5"))).isNull();
        assertThat(get(ids.identity("support", "telegram", "5"))).isEqualTo(Identities.Identity.NONE);
        assertThat(get(ids.identity("support", "slack", "U5")).person()).isNull();
        assertThat(get(ids.personRoute("support", person))).isNull();
    }

    @Test
    void aDirectMessageReadsItsIdentityAndWritesItsRoutesInOneScriptThatSurvivesAScriptFlush() throws Exception {
        Identities ids = new Identities(client, "t7:", Identities.DEFAULT_CODE_TTL);
        assertThat(get(ids.seen("support", new Identities.Route("telegram", "5", "5", null, null, "support:telegram:5", 1_000))))
                .isEqualTo(Identities.Identity.NONE);
        assertThat(get(ids.route("support", "telegram", "5")).session()).isEqualTo("support:telegram:5");

        String code = code(ids, "telegram", "5", "support:telegram:5");
        String person = get(ids.redeem("support", "slack", "U5", code, msg())).person();
        // The server forgets its scripts (a restart, a fail-over): the next call sends the text again.
        client.getScript().scriptFlush();
        Identities.Identity slack = get(ids.seen("support",
                new Identities.Route("slack", "U5", "D5", null, "T1", "support:slack:D5", 2_000)));
        assertThat(slack).isEqualTo(new Identities.Identity(person, "support:telegram:5"));
        // Both routes name the person's session, and the person's route is the newest account's.
        assertThat(get(ids.route("support", "slack", "U5")).session()).isEqualTo("support:telegram:5");
        assertThat(get(ids.personRoute("support", person)))
                .isEqualTo(new Identities.Route("slack", "U5", "D5", null, "T1", "support:telegram:5", 2_000));
    }

    @Test
    void aRedissonYamlFileConfiguresTheClient() throws Exception {
        // How a deployment gives Sentinel, Cluster, TLS or a password: Redisson's own configuration file.
        Path yaml = java.nio.file.Files.writeString(dir.resolve("redisson.yaml"),
                "singleServerConfig:\n  address: \"" + server.address() + "\"\n  database: 3\n");
        RedissonClient fromFile = RedisClients.create(yaml.toString(), true);
        try {
            fromFile.getBucket("from-file", StringCodec.INSTANCE).set("yes");
            assertThat(client.getBucket("from-file", StringCodec.INSTANCE).get()).isNull(); // another database
            assertThat(fromFile.getBucket("from-file", StringCodec.INSTANCE).get()).isEqualTo("yes");
        } finally {
            fromFile.shutdown();
        }
        assertThatThrownBy(() -> RedisClients.config(dir.resolve("missing.yaml").toString()))
                .hasMessageContaining("is neither");
    }

    @Test
    void aBadAddressIsNamed() {
        assertThatThrownBy(() -> RedisClients.config("localhost:6379"))
                .hasMessageContaining("--redis must be redis://host:port");
    }
}
