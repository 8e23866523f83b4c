package dev.switchboard.cli;

import dev.switchboard.model.Platforms;
import dev.switchboard.redis.Identities;
import dev.switchboard.redis.RedisClients;
import org.redisson.api.RedissonClient;

import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code switchboard erase-user --redis URL --bot ID --platform P --user ID}: the Redis half of erasing a user —
 * their account's link (and its place in a linked person), its route and its link failures. The dialogue state is
 * the other half ({@code switchboard savepoint erase-user}); both are needed.
 */
final class EraseUserCommand {
    static final String USAGE = "usage: switchboard erase-user --redis redis://H:P|FILE --bot ID --platform P --user ID"
            + " [--redis-key-prefix switchboard:]";

    private EraseUserCommand() {}

    static int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        String redis = null;
        String bot = null;
        String platform = null;
        String user = null;
        String prefix = Identities.DEFAULT_PREFIX;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (i + 1 >= args.size()) {
                err.println("switchboard erase-user: " + a + " needs a value\n" + USAGE);
                return SwitchboardCli.USAGE;
            }
            String v = args.get(++i);
            switch (a) {
                case "--redis" -> redis = v;
                case "--bot" -> bot = v;
                case "--platform" -> platform = v;
                case "--user" -> user = v;
                case "--redis-key-prefix" -> prefix = v;
                default -> {
                    err.println("switchboard erase-user: unknown option '" + a + "'\n" + USAGE);
                    return SwitchboardCli.USAGE;
                }
            }
        }
        if (redis == null || bot == null || platform == null || user == null) {
            err.println(USAGE);
            return SwitchboardCli.USAGE;
        }
        if (!Platforms.SUPPORTED.contains(platform)) {
            err.println("switchboard erase-user: unknown platform '" + platform + "' (platforms: "
                    + String.join(", ", Platforms.SUPPORTED) + ")");
            return SwitchboardCli.USAGE;
        }
        RedissonClient client;
        try {
            client = RedisClients.create(redis);
        } catch (IllegalArgumentException e) {
            err.println("switchboard erase-user: " + e.getMessage());
            return SwitchboardCli.USAGE;
        } catch (RuntimeException e) {
            err.println("switchboard erase-user: cannot reach Redis at " + redis + ": " + e.getMessage());
            return SwitchboardCli.BAD_INPUT;
        }
        try {
            long removed = new Identities(client, prefix, Identities.DEFAULT_CODE_TTL).erase(bot, platform, user)
                    .toCompletableFuture().get(30, TimeUnit.SECONDS);
            out.println("erased " + platform + " user " + user + " of bot " + bot + " from Redis (" + removed + " key"
                    + (removed == 1 ? "" : "s") + " held something); erase their dialogue state too: switchboard savepoint"
                    + " erase-user <savepoint> " + platform + " " + user + " <new-savepoint>");
            return SwitchboardCli.OK;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            err.println("switchboard erase-user: Redis did not erase: " + (e.getCause() == null ? e : e.getCause()).getMessage());
            return SwitchboardCli.BAD_INPUT;
        } finally {
            client.shutdown();
        }
    }
}
