package dev.switchboard.cli;

import dev.switchboard.redis.Identities;
import dev.switchboard.redis.RedisClients;
import dev.switchboard.testkit.RedisProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.redisson.api.RedissonClient;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code switchboard erase-user} against a real redis-server. */
class EraseUserCommandTest {

    @Test
    void removesTheAccountsLinkAndRouteAndNamesTheSavepointHalf(@TempDir Path tmp) throws Exception {
        try (RedisProcess redis = RedisProcess.start(tmp)) {
            RedissonClient client = RedisClients.create(redis.address());
            try {
                Identities ids = new Identities(client);
                ids.recordRoute("support", null, new Identities.Route("slack", "U1", "D1", null, null, "support:slack:D1", 1))
                        .toCompletableFuture().get(10, TimeUnit.SECONDS);
                String code = ids.issueCode("support", "telegram", "42", "support:telegram:42", "m1").toCompletableFuture()
                        .get(10, TimeUnit.SECONDS).detail();
                ids.redeem("support", "slack", "U1", code, "m2").toCompletableFuture().get(10, TimeUnit.SECONDS);

                String[] out = cli("erase-user", "--redis", redis.address(), "--bot", "support", "--platform", "slack", "--user", "U1");
                assertThat(out[0]).isEqualTo("0");
                assertThat(out[1]).startsWith("erased slack user U1 of bot support from Redis")
                        .contains("switchboard savepoint erase-user <savepoint> slack U1 <new-savepoint>");
                assertThat(ids.route("support", "slack", "U1").toCompletableFuture().get(10, TimeUnit.SECONDS)).isNull();
                assertThat(ids.identity("support", "slack", "U1").toCompletableFuture().get(10, TimeUnit.SECONDS))
                        .isEqualTo(Identities.Identity.NONE);
                assertThat(ids.identity("support", "telegram", "42").toCompletableFuture().get(10, TimeUnit.SECONDS).person()).isNull();
            } finally {
                client.shutdown();
            }
        }
    }

    @Test
    void mistakesAreNamed() throws Exception {
        assertThat(cli("erase-user", "--redis", "redis://127.0.0.1:1", "--bot", "support", "--platform", "icq", "--user", "1")[2])
                .contains("unknown platform 'icq'");
        String[] missing = cli("erase-user", "--bot", "support");
        assertThat(missing[0]).isEqualTo("2");
        assertThat(missing[2]).contains("usage: switchboard erase-user --redis");
        assertThat(cli("erase-user", "--redis", "localhost:6379", "--bot", "b", "--platform", "slack", "--user", "U")[2])
                .contains("--redis must be redis://host:port");
    }

    /** Exit code, stdout, stderr. */
    private static String[] cli(String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new SwitchboardCli(new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
        return new String[] {Integer.toString(code), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
    }
}
