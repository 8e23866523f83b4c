package dev.switchboard.redis;

import org.redisson.api.RBatch;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

/**
 * Linked identities and the routing table in Redis. A person's accounts on several platforms are linked with a
 * one-time code; the linked accounts' direct chats share one session (the one of the account that asked for the
 * code). Every call is asynchronous (Redisson's futures); what reads and writes several keys is one Lua script,
 * so two redemptions of one code cannot both succeed, and a command replayed after a failure (same message id)
 * gets the outcome it got the first time instead of acting twice.
 *
 * <p>Keys (other services may read them; {@code {bot}} is a Redis Cluster hash tag, so one bot's keys share a
 * slot; an account is {@code <platform>:<userId>}):
 * <ul>
 *   <li>{@code <prefix>{<bot>}:identity:<account>} hash: {@code person} (when linked), {@code session} (the session
 *       key its direct chat uses when it is not its own);
 *   <li>{@code <prefix>{<bot>}:person:<person>} set of the person's accounts;
 *   <li>{@code <prefix>{<bot>}:link-code:<code>} hash {@code account}, {@code session}: who asked, expiring with the code;
 *   <li>{@code <prefix>{<bot>}:link-failures:<account>} wrong codes the account sent in the window;
 *   <li>{@code <prefix>{<bot>}:command:<account>:<message id>} a link command's outcome, for replays (expires);
 *   <li>{@code <prefix>{<bot>}:route:<account>} and {@code <prefix>{<bot>}:route:person:<person>} hash: where the
 *       account (the person: the latest of their accounts) was last seen: {@code platform}, {@code userId},
 *       {@code chatId}, {@code threadId}, {@code accountId}, {@code session}, {@code at} (epoch ms);
 *   <li>channel {@code <prefix>identity-changes}: {@code <bot>|<account>} whenever an account's identity changes
 *       (the job's near caches drop that entry).
 * </ul>
 */
public final class Identities {
    /** How long a link code is valid, and the window in which wrong codes count. */
    public static final Duration DEFAULT_CODE_TTL = Duration.ofMinutes(10);
    /** Wrong codes within the window that lock an account's linking until the window ends. */
    public static final int MAX_FAILURES = 5;
    /** How long a route is kept after the account's last direct message. */
    public static final Duration ROUTE_TTL = Duration.ofDays(90);
    private static final int CODE_CANDIDATES = 8;

    private static final String ISSUE = String.join("\n",
            "local memo = redis.call('GET', KEYS[1])",
            "if memo then return memo end",
            "local function done(r) redis.call('SET', KEYS[1], r, 'EX', ARGV[3]) return r end",
            "local fails = tonumber(redis.call('GET', KEYS[2]) or '0')",
            "if fails >= tonumber(ARGV[4]) then return done('link-locked|' .. redis.call('TTL', KEYS[2])) end",
            "for i = 6, #ARGV do",
            "  local key = ARGV[5] .. 'link-code:' .. ARGV[i]",
            "  if redis.call('EXISTS', key) == 0 then",
            "    redis.call('HSET', key, 'account', ARGV[1], 'session', ARGV[2])",
            "    redis.call('EXPIRE', key, ARGV[3])",
            "    return done('link-code|' .. ARGV[i])",
            "  end",
            "end",
            "return 'link-unavailable|'");

    private static final String REDEEM = String.join("\n",
            "local memo = redis.call('GET', KEYS[1])",
            "if memo then return memo end",
            "local function done(r) redis.call('SET', KEYS[1], r, 'EX', ARGV[4]) return r end",
            "local max = tonumber(ARGV[3])",
            "local fails = tonumber(redis.call('GET', KEYS[2]) or '0')",
            "if fails >= max then return done('link-locked|' .. redis.call('TTL', KEYS[2])) end",
            "local owner = redis.call('HGET', KEYS[3], 'account')",
            "if not owner then",
            "  local n = redis.call('INCR', KEYS[2])",
            "  if n == 1 then redis.call('EXPIRE', KEYS[2], ARGV[4]) end",
            "  if n >= max then return done('link-locked|' .. redis.call('TTL', KEYS[2])) end",
            "  return done('wrong-code|' .. (max - n))",
            "end",
            "if owner == ARGV[1] then return done('own-code|') end",
            "local base = ARGV[6]",
            "local codeSession = redis.call('HGET', KEYS[3], 'session')",
            "redis.call('DEL', KEYS[3])",
            "local ownerKey = base .. 'identity:' .. owner",
            "local person = redis.call('HGET', ownerKey, 'person')",
            "local session = redis.call('HGET', ownerKey, 'session') or codeSession",
            "if not person then",
            "  person = ARGV[5]",
            "  redis.call('HSET', ownerKey, 'person', person, 'session', session)",
            "  redis.call('SADD', base .. 'person:' .. person, owner)",
            "  redis.call('PUBLISH', ARGV[7], ARGV[8] .. '|' .. owner)",
            "end",
            "local previous = redis.call('HGET', KEYS[4], 'person')",
            "if previous and previous ~= person then redis.call('SREM', base .. 'person:' .. previous, ARGV[1]) end",
            "redis.call('HSET', KEYS[4], 'person', person, 'session', session)",
            "redis.call('SADD', base .. 'person:' .. person, ARGV[1])",
            "redis.call('DEL', KEYS[2])",
            "redis.call('PUBLISH', ARGV[7], ARGV[8] .. '|' .. ARGV[1])",
            // The person's route: the latest of the two accounts' routes.
            "local best, bestAt = nil, -1",
            "for _, account in ipairs({owner, ARGV[1]}) do",
            "  local at = tonumber(redis.call('HGET', base .. 'route:' .. account, 'at') or '-1')",
            "  if at > bestAt then best, bestAt = account, at end",
            "end",
            "local personRoute = base .. 'route:person:' .. person",
            "local personAt = tonumber(redis.call('HGET', personRoute, 'at') or '-1')",
            "if best and bestAt > personAt then",
            "  redis.call('HSET', personRoute, unpack(redis.call('HGETALL', base .. 'route:' .. best)))",
            "  redis.call('EXPIRE', personRoute, ARGV[9])",
            "end",
            "return done('linked|' .. person .. '|' .. session)");

    private static final String UNLINK = String.join("\n",
            "local memo = redis.call('GET', KEYS[1])",
            "if memo then return memo end",
            "local function done(r) redis.call('SET', KEYS[1], r, 'EX', ARGV[3]) return r end",
            "local person = redis.call('HGET', KEYS[2], 'person')",
            "if not person then return done('not-linked|') end",
            "local base = ARGV[4]",
            "redis.call('HDEL', KEYS[2], 'person')",
            "redis.call('HSET', KEYS[2], 'session', ARGV[2])",
            "redis.call('PUBLISH', ARGV[5], ARGV[6] .. '|' .. ARGV[1])",
            "local set = base .. 'person:' .. person",
            "redis.call('SREM', set, ARGV[1])",
            "local rest = redis.call('SMEMBERS', set)",
            "if #rest <= 1 then",
            "  for _, account in ipairs(rest) do",
            "    redis.call('HDEL', base .. 'identity:' .. account, 'person')",
            "    redis.call('PUBLISH', ARGV[5], ARGV[6] .. '|' .. account)",
            "  end",
            "  redis.call('DEL', set)",
            "  redis.call('DEL', base .. 'route:person:' .. person)",
            "end",
            "return done('unlinked|' .. ARGV[2])");

    private static final String ROUTE = String.join("\n",
            "for _, key in ipairs(KEYS) do",
            "  local at = tonumber(redis.call('HGET', key, 'at') or '-1')",
            "  if tonumber(ARGV[1]) >= at then",
            "    redis.call('HSET', key, 'at', ARGV[1], 'platform', ARGV[2], 'userId', ARGV[3], 'chatId', ARGV[4],",
            "      'threadId', ARGV[5], 'accountId', ARGV[6], 'session', ARGV[7])",
            "    redis.call('EXPIRE', key, ARGV[8])",
            "  end",
            "end",
            "return 1");

    /** A direct message: the account's identity read and its route (and its person's) written, in one round trip. */
    private static final String SEEN = String.join("\n",
            "local id = redis.call('HMGET', KEYS[1], 'person', 'session')",
            "local person, session = id[1], id[2]",
            "local s = session or ARGV[7]",
            "local function put(key)",
            "  local at = tonumber(redis.call('HGET', key, 'at') or '-1')",
            "  if tonumber(ARGV[1]) >= at then",
            "    redis.call('HSET', key, 'at', ARGV[1], 'platform', ARGV[2], 'userId', ARGV[3], 'chatId', ARGV[4],",
            "      'threadId', ARGV[5], 'accountId', ARGV[6], 'session', s)",
            "    redis.call('EXPIRE', key, ARGV[8])",
            "  end",
            "end",
            "put(KEYS[2])",
            "if person then put(ARGV[9] .. 'route:person:' .. person) end",
            "return {person or '', session or ''}");

    private static final String ERASE = String.join("\n",
            "local base = ARGV[2]",
            "local person = redis.call('HGET', KEYS[1], 'person')",
            "local removed = redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])",
            "redis.call('PUBLISH', ARGV[3], ARGV[4] .. '|' .. ARGV[1])",
            "if person then",
            "  local set = base .. 'person:' .. person",
            "  redis.call('SREM', set, ARGV[1])",
            "  local rest = redis.call('SMEMBERS', set)",
            "  redis.call('DEL', base .. 'route:person:' .. person)",
            "  if #rest <= 1 then",
            "    for _, account in ipairs(rest) do",
            "      redis.call('HDEL', base .. 'identity:' .. account, 'person')",
            "      redis.call('PUBLISH', ARGV[3], ARGV[4] .. '|' .. account)",
            "    end",
            "    redis.call('DEL', set)",
            "  else",
            // The person's route is rebuilt from the accounts left.
            "    local best, bestAt = nil, -1",
            "    for _, account in ipairs(rest) do",
            "      local at = tonumber(redis.call('HGET', base .. 'route:' .. account, 'at') or '-1')",
            "      if at > bestAt then best, bestAt = account, at end",
            "    end",
            "    if best and bestAt >= 0 then",
            "      redis.call('HSET', base .. 'route:person:' .. person, unpack(redis.call('HGETALL', base .. 'route:' .. best)))",
            "    end",
            "  end",
            "  removed = removed + 1",
            "end",
            "return removed");

    /** A link command's outcome: {@code kind} is one of {@code dev.switchboard.model.Control}'s link kinds. */
    public record Outcome(String kind, String detail, String person, String session) {
        static Outcome parse(String reply) {
            String[] parts = reply.split("\\|", -1);
            return switch (parts[0]) {
                case "linked" -> new Outcome("linked", null, parts[1], parts[2]);
                case "unlinked" -> new Outcome("unlinked", null, null, parts[1]);
                default -> new Outcome(parts[0], parts.length > 1 && !parts[1].isEmpty() ? parts[1] : null, null, null);
            };
        }
    }

    /** What Redis says about an account: its person when linked, the session its direct chat uses when not its own. */
    public record Identity(String person, String session) {
        public static final Identity NONE = new Identity(null, null);
    }

    /** Where an account (or person) was last seen. */
    public record Route(String platform, String userId, String chatId, String threadId, String accountId,
                        String session, long at) {
        static Route of(Map<String, String> hash) {
            if (hash == null || hash.get("platform") == null || hash.get("chatId") == null) {
                return null;
            }
            return new Route(hash.get("platform"), emptyToNull(hash.get("userId")), hash.get("chatId"),
                    emptyToNull(hash.get("threadId")), emptyToNull(hash.get("accountId")), emptyToNull(hash.get("session")),
                    Long.parseLong(hash.getOrDefault("at", "0")));
        }
    }

    private final RedissonClient redis;
    private final Scripts scripts;
    private final String prefix;
    private final Duration codeTtl;
    private final SecureRandom random = new SecureRandom();

    public Identities(RedissonClient redis, String prefix, Duration codeTtl) {
        this.redis = redis;
        this.scripts = new Scripts(redis);
        this.prefix = prefix;
        this.codeTtl = codeTtl;
    }

    public Identities(RedissonClient redis) {
        this(redis, DEFAULT_PREFIX, DEFAULT_CODE_TTL);
    }

    public static final String DEFAULT_PREFIX = "switchboard:";

    /** The pub/sub channel of identity changes. */
    public String changesChannel() {
        return prefix + "identity-changes";
    }

    String base(String bot) {
        return prefix + "{" + bot + "}:";
    }

    public static String account(String platform, String userId) {
        return platform + ":" + userId;
    }

    private String memo(String bot, String account, String messageId) {
        return base(bot) + "command:" + account + ":" + messageId;
    }

    /**
     * A fresh 6-digit code for this account, valid for the code TTL; {@code session} is the session its direct
     * chat uses now (the one a person linked with this code continues). Outcomes: {@code link-code} (detail: the
     * code), {@code link-locked} (detail: seconds left).
     */
    public CompletionStage<Outcome> issueCode(String bot, String platform, String userId, String session, String messageId) {
        String me = account(platform, userId);
        List<Object> keys = List.of(memo(bot, me, messageId), base(bot) + "link-failures:" + me);
        List<Object> args = new ArrayList<>(List.of(me, session, Long.toString(codeTtl.toSeconds()),
                Integer.toString(MAX_FAILURES), base(bot)));
        for (int i = 0; i < CODE_CANDIDATES; i++) {
            args.add(String.format("%06d", random.nextInt(1_000_000)));
        }
        return script(ISSUE, keys, args.toArray());
    }

    /**
     * Links this account with the account that asked for {@code code}, in one step. Outcomes: {@code linked}
     * (person and session set), {@code wrong-code} (detail: attempts left), {@code link-locked} (detail: seconds
     * left), {@code own-code}.
     */
    public CompletionStage<Outcome> redeem(String bot, String platform, String userId, String code, String messageId) {
        String me = account(platform, userId);
        String b = base(bot);
        String codeKey = code.matches("\\d{1,12}") ? b + "link-code:" + code : b + "link-code:invalid";
        List<Object> keys = List.of(memo(bot, me, messageId), b + "link-failures:" + me, codeKey, b + "identity:" + me);
        return script(REDEEM, keys, me, "", Integer.toString(MAX_FAILURES), Long.toString(codeTtl.toSeconds()),
                "p-" + UUID.randomUUID(), b, changesChannel(), bot, Long.toString(ROUTE_TTL.toSeconds()));
    }

    /**
     * Separates this account from its person; its direct chat continues in {@code freshSession}. Outcomes:
     * {@code unlinked} (session set), {@code not-linked}.
     */
    public CompletionStage<Outcome> unlink(String bot, String platform, String userId, String freshSession, String messageId) {
        String me = account(platform, userId);
        List<Object> keys = List.of(memo(bot, me, messageId), base(bot) + "identity:" + me);
        return script(UNLINK, keys, me, freshSession, Long.toString(codeTtl.toSeconds()), base(bot), changesChannel(), bot);
    }

    private CompletionStage<Outcome> script(String lua, List<Object> keys, Object... args) {
        return scripts.<String>eval(keys.get(0).toString(), lua, RScript.ReturnType.VALUE, keys, args).thenApply(Outcome::parse);
    }

    /** The account's identity (never null; {@link Identity#NONE} when Redis knows nothing of it). */
    public CompletionStage<Identity> identity(String bot, String platform, String userId) {
        return redis.<String, String>getMap(base(bot) + "identity:" + account(platform, userId), StringCodec.INSTANCE)
                .readAllMapAsync()
                .thenApply(h -> h == null || h.isEmpty() ? Identity.NONE : new Identity(h.get("person"), h.get("session")));
    }

    /**
     * A direct message from an account: returns its identity and records its route (with the session it resolves to:
     * the identity's, else {@code route.session()}), and its person's when linked, in one script.
     */
    public CompletionStage<Identity> seen(String bot, Route route) {
        List<Object> keys = seenKeys(bot, route);
        return scripts.<List<Object>>eval(keys.get(0).toString(), SEEN, RScript.ReturnType.LIST, keys, seenArgs(bot, route))
                .thenApply(Identities::identityOf);
    }

    /**
     * The same as {@link #seen}, as one command of {@code batch} (by the script's SHA1; a server that does not know
     * the script fails it with {@code NOSCRIPT}, and the caller asks {@link #seen} then).
     */
    CompletionStage<Identity> seenIn(RBatch batch, String bot, Route route) {
        List<Object> keys = seenKeys(bot, route);
        return batch.getScript(StringCodec.INSTANCE).<List<Object>>evalShaAsync(keys.get(0).toString(), RScript.Mode.READ_WRITE,
                        scripts.sha(SEEN), RScript.ReturnType.LIST, keys, seenArgs(bot, route))
                .thenApply(Identities::identityOf);
    }

    private List<Object> seenKeys(String bot, Route route) {
        String b = base(bot);
        String account = account(route.platform(), route.userId());
        return List.of(b + "identity:" + account, b + "route:" + account);
    }

    private Object[] seenArgs(String bot, Route route) {
        return new Object[] {Long.toString(route.at()), route.platform(), route.userId(), route.chatId(),
                nullToEmpty(route.threadId()), nullToEmpty(route.accountId()), nullToEmpty(route.session()),
                Long.toString(ROUTE_TTL.toSeconds()), base(bot)};
    }

    private static Identity identityOf(List<Object> reply) {
        String person = emptyToNull(String.valueOf(reply.get(0)));
        String session = emptyToNull(String.valueOf(reply.get(1)));
        return person == null && session == null ? Identity.NONE : new Identity(person, session);
    }

    /** A person's accounts, as {@code platform:userId}. */
    public CompletionStage<Set<String>> accounts(String bot, String person) {
        return redis.<String>getSet(base(bot) + "person:" + person, StringCodec.INSTANCE).readAllAsync();
    }

    /**
     * Records where an account was seen at {@code at} (and its person, when linked); an older write never replaces
     * a newer one, so a replayed message writes nothing new.
     */
    public CompletionStage<Void> recordRoute(String bot, String person, Route route) {
        String b = base(bot);
        List<Object> keys = new ArrayList<>();
        keys.add(b + "route:" + account(route.platform(), route.userId()));
        if (person != null) {
            keys.add(b + "route:person:" + person);
        }
        return scripts.<Long>eval(keys.get(0).toString(), ROUTE, RScript.ReturnType.LONG, keys, Long.toString(route.at()), route.platform(), route.userId(),
                        route.chatId(), nullToEmpty(route.threadId()), nullToEmpty(route.accountId()),
                        nullToEmpty(route.session()), Long.toString(ROUTE_TTL.toSeconds()))
                .thenApply(n -> null);
    }

    /** Where an account was last seen, or null. */
    public CompletionStage<Route> route(String bot, String platform, String userId) {
        return redis.<String, String>getMap(base(bot) + "route:" + account(platform, userId), StringCodec.INSTANCE)
                .readAllMapAsync().thenApply(Route::of);
    }

    /** Where a person was last seen (the latest of their accounts), or null. */
    public CompletionStage<Route> personRoute(String bot, String person) {
        return redis.<String, String>getMap(base(bot) + "route:person:" + person, StringCodec.INSTANCE)
                .readAllMapAsync().thenApply(Route::of);
    }

    /**
     * Removes what Redis holds about an account: its identity (and its place in its person), its route and its
     * link failures. A link command's remembered outcome expires on its own within the code TTL. Returns the number
     * of keys that held something.
     */
    public CompletionStage<Long> erase(String bot, String platform, String userId) {
        String me = account(platform, userId);
        String b = base(bot);
        List<Object> keys = List.of(b + "identity:" + me, b + "route:" + me, b + "link-failures:" + me);
        return scripts.<Long>eval(keys.get(0).toString(), ERASE, RScript.ReturnType.LONG, keys, me, b, changesChannel(), bot);
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
