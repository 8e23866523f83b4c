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
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Linked identities against a real redis-server. */
class IdentitiesTest {
    @TempDir
    static Path dir;
    private static RedisProcess server;
    private static RedissonClient client;

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

    @Test
    void aCodeFromOnePlatformLinksAnAccountOnAnotherAndUnlinkSeparatesIt() throws Exception {
        Identities ids = new Identities(client, "t1:", Identities.DEFAULT_CODE_TTL);
        String code = get(ids.issueCode("support", "telegram", "42"));
        assertThat(code).matches("\\d{6}");
        assertThat(client.getBucket("t1:{support}:link-code:" + code, StringCodec.INSTANCE).get()).isEqualTo("telegram:42");

        Identities.Redeemed r = get(ids.redeem("support", "slack", "U1", code));
        assertThat(r).isInstanceOf(Identities.Linked.class);
        String person = ((Identities.Linked) r).person();
        assertThat(((Identities.Linked) r).other()).isEqualTo("telegram:42");
        assertThat(get(ids.person("support", "telegram", "42"))).contains(person);
        assertThat(get(ids.person("support", "slack", "U1"))).contains(person);
        assertThat(get(ids.accounts("support", person))).containsExactlyInAnyOrder("telegram:42", "slack:U1");
        // The code is spent; another bot's accounts are apart.
        assertThat(get(ids.redeem("support", "line", "Uabc", code))).isInstanceOf(Identities.WrongCode.class);
        assertThat(get(ids.person("trattoria", "telegram", "42"))).isEmpty();

        // A third account joins the same person.
        String second = get(ids.issueCode("support", "slack", "U1"));
        assertThat(get(ids.redeem("support", "whatsapp", "4915100", second))).isEqualTo(new Identities.Linked(person, "slack:U1"));
        assertThat(get(ids.accounts("support", person))).hasSize(3);

        assertThat(get(ids.unlink("support", "slack", "U1"))).isTrue();
        assertThat(get(ids.person("support", "slack", "U1"))).isEmpty();
        assertThat(get(ids.accounts("support", person))).containsExactlyInAnyOrder("telegram:42", "whatsapp:4915100");
        // The last link of a person ends it.
        assertThat(get(ids.unlink("support", "whatsapp", "4915100"))).isTrue();
        assertThat(get(ids.person("support", "telegram", "42"))).isEmpty();
        assertThat(get(ids.accounts("support", person))).isEmpty();
        assertThat(get(ids.unlink("support", "telegram", "42"))).isFalse();
    }

    @Test
    void ownCodesWrongCodesAndTheLockout() throws Exception {
        Identities ids = new Identities(client, "t2:", Identities.DEFAULT_CODE_TTL);
        String code = get(ids.issueCode("support", "telegram", "7"));
        assertThat(get(ids.redeem("support", "telegram", "7", code))).isEqualTo(new Identities.OwnCode());
        for (int left = Identities.MAX_FAILURES - 1; left >= 0; left--) {
            assertThat(get(ids.redeem("support", "slack", "U9", "000000".equals(code) ? "000001" : "000000")))
                    .isEqualTo(new Identities.WrongCode(left));
        }
        // Locked now, even with the right code, for the rest of the window.
        Identities.Redeemed locked = get(ids.redeem("support", "slack", "U9", code));
        assertThat(locked).isInstanceOf(Identities.Locked.class);
        assertThat(((Identities.Locked) locked).secondsLeft()).isBetween(1L, 600L);
        assertThat(get(ids.person("support", "slack", "U9"))).isEqualTo(Optional.empty());
        // Another account is not locked by it.
        assertThat(get(ids.redeem("support", "line", "Ux", code))).isInstanceOf(Identities.Linked.class);
    }

    @Test
    void aCodeExpires() throws Exception {
        Identities ids = new Identities(client, "t3:", Duration.ofSeconds(1));
        String code = get(ids.issueCode("support", "telegram", "8"));
        Thread.sleep(1_500);
        assertThat(get(ids.redeem("support", "slack", "U8", code))).isInstanceOf(Identities.WrongCode.class);
    }

    @Test
    void oneCodeRedeemedTwiceAtOnceLinksOnce() throws Exception {
        Identities ids = new Identities(client, "t4:", Identities.DEFAULT_CODE_TTL);
        String code = get(ids.issueCode("support", "telegram", "9"));
        CompletableFuture<Identities.Redeemed> a = ids.redeem("support", "slack", "Ua", code).toCompletableFuture();
        CompletableFuture<Identities.Redeemed> b = ids.redeem("support", "line", "Ub", code).toCompletableFuture();
        long linked = java.util.stream.Stream.of(a.get(10, TimeUnit.SECONDS), b.get(10, TimeUnit.SECONDS))
                .filter(r -> r instanceof Identities.Linked).count();
        assertThat(linked).isEqualTo(1);
    }

    @Test
    void aBadAddressIsNamed() {
        assertThatThrownBy(() -> RedisClients.config("localhost:6379"))
                .hasMessageContaining("--redis must be redis://host:port");
    }
}
