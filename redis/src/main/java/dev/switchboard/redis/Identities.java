package dev.switchboard.redis;

import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Linked identities in Redis: a person's accounts on several platforms, linked with a one-time code. Every
 * operation is asynchronous (Redisson's futures), and the ones that read and write several keys are one Lua
 * script, so two redemptions of one code cannot both succeed.
 *
 * <p>Keys (other services may read them; {@code {bot}} is a Redis Cluster hash tag, so one bot's keys share a
 * slot):
 * <ul>
 *   <li>{@code <prefix>{<bot>}:identity:<platform>:<userId>} → the person id of a linked account;
 *   <li>{@code <prefix>{<bot>}:person:<person>} → the set of {@code <platform>:<userId>} accounts of a person;
 *   <li>{@code <prefix>{<bot>}:link-code:<code>} → the account that asked for the code, expiring with it;
 *   <li>{@code <prefix>{<bot>}:link-failures:<platform>:<userId>} → wrong codes an account sent in the window.
 * </ul>
 */
public final class Identities {
    /** How long a link code is valid, and the window in which wrong codes count. */
    public static final Duration DEFAULT_CODE_TTL = Duration.ofMinutes(10);
    /** Wrong codes within the window that lock an account's linking until the window ends. */
    public static final int MAX_FAILURES = 5;

    private static final String REDEEM = String.join("\n",
            "local fails = tonumber(redis.call('GET', KEYS[1]) or '0')",
            "if fails >= tonumber(ARGV[2]) then return {'locked', tostring(redis.call('TTL', KEYS[1]))} end",
            "local owner = redis.call('GET', KEYS[2])",
            "if not owner then",
            "  local n = redis.call('INCR', KEYS[1])",
            "  if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[3]) end",
            "  return {'wrong', tostring(tonumber(ARGV[2]) - n)}",
            "end",
            "if owner == ARGV[1] then return {'own', ''} end",
            "redis.call('DEL', KEYS[2])",
            "local ownerKey = ARGV[5] .. 'identity:' .. owner",
            "local person = redis.call('GET', ownerKey)",
            "if not person then",
            "  person = ARGV[4]",
            "  redis.call('SET', ownerKey, person)",
            "  redis.call('SADD', ARGV[5] .. 'person:' .. person, owner)",
            "end",
            "local previous = redis.call('GET', KEYS[3])",
            "if previous and previous ~= person then redis.call('SREM', ARGV[5] .. 'person:' .. previous, ARGV[1]) end",
            "redis.call('SET', KEYS[3], person)",
            "redis.call('SADD', ARGV[5] .. 'person:' .. person, ARGV[1])",
            "redis.call('DEL', KEYS[1])",
            "return {'linked', person, owner}");

    private static final String UNLINK = String.join("\n",
            "local person = redis.call('GET', KEYS[1])",
            "if not person then return 0 end",
            "redis.call('DEL', KEYS[1])",
            "local set = ARGV[2] .. 'person:' .. person",
            "redis.call('SREM', set, ARGV[1])",
            "local rest = redis.call('SMEMBERS', set)",
            "if #rest <= 1 then",
            "  for _, account in ipairs(rest) do redis.call('DEL', ARGV[2] .. 'identity:' .. account) end",
            "  redis.call('DEL', set)",
            "end",
            "return 1");

    /** What redeeming a code did. */
    public sealed interface Redeemed permits Linked, WrongCode, Locked, OwnCode {}

    /** The accounts are one person now; {@code other} is the account that asked for the code. */
    public record Linked(String person, String other) implements Redeemed {}

    /** No such code (wrong or expired); {@code attemptsLeft} before linking locks. */
    public record WrongCode(int attemptsLeft) implements Redeemed {}

    /** Too many wrong codes: linking is locked for this account for {@code secondsLeft}. */
    public record Locked(long secondsLeft) implements Redeemed {}

    /** The code was asked for by this very account. */
    public record OwnCode() implements Redeemed {}

    private final RedissonClient redis;
    private final String prefix;
    private final Duration codeTtl;
    private final SecureRandom random = new SecureRandom();

    public Identities(RedissonClient redis, String prefix, Duration codeTtl) {
        this.redis = redis;
        this.prefix = prefix;
        this.codeTtl = codeTtl;
    }

    public Identities(RedissonClient redis) {
        this(redis, "switchboard:", DEFAULT_CODE_TTL);
    }

    private String base(String bot) {
        return prefix + "{" + bot + "}:";
    }

    private static String account(String platform, String userId) {
        return platform + ":" + userId;
    }

    /** A fresh 6-digit code for this account, valid for the code TTL. */
    public CompletionStage<String> issueCode(String bot, String platform, String userId) {
        return issueCode(bot, account(platform, userId), 5);
    }

    private CompletionStage<String> issueCode(String bot, String account, int attempts) {
        String code = String.format("%06d", random.nextInt(1_000_000));
        return redis.<String>getBucket(base(bot) + "link-code:" + code, StringCodec.INSTANCE)
                .setIfAbsentAsync(account, codeTtl)
                .thenCompose(set -> {
                    if (set) {
                        return CompletableFuture.completedFuture(code);
                    }
                    if (attempts <= 1) {
                        return CompletableFuture.failedFuture(new IllegalStateException("no free link code"));
                    }
                    return issueCode(bot, account, attempts - 1);
                });
    }

    /** Links this account with the account that asked for {@code code}, in one step. */
    public CompletionStage<Redeemed> redeem(String bot, String platform, String userId, String code) {
        String me = account(platform, userId);
        String b = base(bot);
        List<Object> keys = List.of(b + "link-failures:" + me, b + "link-code:" + code, b + "identity:" + me);
        return redis.getScript(StringCodec.INSTANCE).<List<Object>>evalAsync(RScript.Mode.READ_WRITE, REDEEM,
                        RScript.ReturnType.LIST, keys, me, Integer.toString(MAX_FAILURES), Long.toString(codeTtl.toSeconds()),
                        "p-" + UUID.randomUUID(), b)
                .thenApply(Identities::redeemed);
    }

    private static Redeemed redeemed(List<Object> reply) {
        String kind = String.valueOf(reply.get(0));
        return switch (kind) {
            case "linked" -> new Linked(String.valueOf(reply.get(1)), String.valueOf(reply.get(2)));
            case "wrong" -> new WrongCode(Math.max(0, Integer.parseInt(String.valueOf(reply.get(1)))));
            case "locked" -> new Locked(Math.max(0, Long.parseLong(String.valueOf(reply.get(1)))));
            case "own" -> new OwnCode();
            default -> throw new IllegalStateException("unexpected reply " + reply);
        };
    }

    /** Separates this account from its person; true when it was linked. A person left with one account ends. */
    public CompletionStage<Boolean> unlink(String bot, String platform, String userId) {
        String me = account(platform, userId);
        return redis.getScript(StringCodec.INSTANCE).<Long>evalAsync(RScript.Mode.READ_WRITE, UNLINK, RScript.ReturnType.LONG,
                        List.of(base(bot) + "identity:" + me), me, base(bot))
                .thenApply(n -> n != null && n == 1L);
    }

    /** The person this account belongs to, when it is linked. */
    public CompletionStage<Optional<String>> person(String bot, String platform, String userId) {
        return redis.<String>getBucket(base(bot) + "identity:" + account(platform, userId), StringCodec.INSTANCE).getAsync()
                .thenApply(Optional::ofNullable);
    }

    /** A person's accounts, as {@code platform:userId}. */
    public CompletionStage<Set<String>> accounts(String bot, String person) {
        return redis.<String>getSet(base(bot) + "person:" + person, StringCodec.INSTANCE).readAllAsync();
    }
}
