package dev.switchboard.delivery;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The token buckets and waits of one delivery subtask. Per conversation: the platform's per-chat limit (and
 * Telegram's per-group limit for a group chat), exact, since a conversation is sent by one subtask. Per bot:
 * this subtask's share of the bot's limit ({@code 1/parallelism} of it), so that all subtasks together keep to it.
 * A platform's "wait" (429 and its equivalents) blocks the conversation or the whole bot until it is over.
 * Limits per bot from the bots file: {@code <bot>.<platform>.rate-per-chat}, {@code rate-per-group},
 * {@code rate-per-bot} as {@code <count>/<duration>} or {@code none}.
 */
public final class RateLimits {
    private static final int MAX_CHAT_BUCKETS = 200_000;

    private final Credentials credentials;
    private final int parallelism;
    private final LongSupplier nanoClock;
    private final Map<String, Bucket> botBuckets = new ConcurrentHashMap<>();
    private final Map<String, Long> blockedUntilNanos = new ConcurrentHashMap<>();
    private final Map<String, Bucket> chatBuckets = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
            return size() > MAX_CHAT_BUCKETS;
        }
    };

    public RateLimits(Credentials credentials, int parallelism, LongSupplier nanoClock) {
        this.credentials = credentials;
        this.parallelism = Math.max(1, parallelism);
        this.nanoClock = nanoClock;
    }

    /** The limits in force for a bot on a platform: the bots file's overrides, else the platform's. */
    public PlatformApi.Limits limits(PlatformApi api, String botId) {
        PlatformApi.Limits d = api.limits();
        return new PlatformApi.Limits(
                override(botId, api.platform(), "rate-per-chat", d.perChat()),
                override(botId, api.platform(), "rate-per-group", d.perGroup()),
                override(botId, api.platform(), "rate-per-bot", d.perBot()),
                d.source());
    }

    private PlatformApi.Rate override(String botId, String platform, String name, PlatformApi.Rate fallback) {
        String v = credentials.optional(botId, platform, name);
        return v == null ? fallback : PlatformApi.Rate.parse(v);
    }

    /** Nanoseconds until nothing blocks this conversation (a platform's wait on it or on its bot); 0 if none. */
    public long blockedFor(OutboundRequest r) {
        long now = nanoClock.getAsLong();
        long until = Math.max(blockedUntilNanos.getOrDefault(botKey(r), 0L), blockedUntilNanos.getOrDefault(r.chatKey(), 0L));
        return Math.max(0, until - now);
    }

    /** The platform said wait: nothing to the scope before {@code wait} is over. */
    public void block(OutboundRequest r, Verdict.Scope scope, Duration wait) {
        long until = nanoClock.getAsLong() + wait.toNanos();
        blockedUntilNanos.merge(scope == Verdict.Scope.BOT ? botKey(r) : r.chatKey(), until, Math::max);
    }

    /**
     * Takes one permit from each bucket the send counts against, waiting in line if need be: the nanoseconds
     * until all of them are due (0: send now). A reservation is never given back.
     */
    public long reserve(PlatformApi api, OutboundRequest r, boolean group) {
        PlatformApi.Limits l = limits(api, r.botId());
        long wait = 0;
        if (l.perChat() != null || (group && l.perGroup() != null)) {
            synchronized (chatBuckets) {
                if (l.perChat() != null) {
                    wait = Math.max(wait, chatBuckets.computeIfAbsent(r.chatKey(), k -> bucket(l.perChat(), 1))
                            .consumeIgnoringRateLimits(1));
                }
                if (group && l.perGroup() != null) {
                    wait = Math.max(wait, chatBuckets.computeIfAbsent(r.chatKey() + "#group", k -> bucket(l.perGroup(), 1))
                            .consumeIgnoringRateLimits(1));
                }
            }
        }
        if (l.perBot() != null) {
            wait = Math.max(wait, botBuckets.computeIfAbsent(botKey(r), k -> bucket(l.perBot(), parallelism))
                    .consumeIgnoringRateLimits(1));
        }
        return wait;
    }

    /** A bucket holding {@code 1/share} of the rate: capacity and refill divided among the subtasks. */
    static Bucket bucket(PlatformApi.Rate rate, int share) {
        long capacity = Math.max(1, rate.permits() / share);
        return Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(capacity)
                        .refillGreedy(rate.permits(), rate.period().multipliedBy(share)).build())
                .build();
    }

    private static String botKey(OutboundRequest r) {
        return r.platform() + ":" + r.botId() + ":*";
    }
}
