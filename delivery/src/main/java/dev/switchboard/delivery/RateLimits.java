package dev.switchboard.delivery;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.TimeMeter;

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
    /** The limits in force per platform and bot, read from the bots file once. */
    private final Map<String, PlatformApi.Limits> inForce = new ConcurrentHashMap<>();
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
        return inForce.computeIfAbsent(api.platform() + ":" + botId, k -> read(api, botId));
    }

    private PlatformApi.Limits read(PlatformApi api, String botId) {
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
     * Nanoseconds until the conversation's own buckets (its limit, and its group's) have a permit; 0 when they have
     * one now. Takes nothing: a conversation has one record in flight at a time, so its permit cannot be taken by
     * another record before {@link #takeChat} at the moment of sending.
     */
    public long chatWait(PlatformApi api, OutboundRequest r, boolean group) {
        Bucket[] b = chatBuckets(api, r, group);
        return Math.max(waitFor(b[0]), waitFor(b[1]));
    }

    /** Takes the conversation's permits, at the moment of sending; false if one is missing (then wait again). */
    public boolean takeChat(PlatformApi api, OutboundRequest r, boolean group) {
        Bucket[] b = chatBuckets(api, r, group);
        if (waitFor(b[0]) > 0 || waitFor(b[1]) > 0) {
            return false;
        }
        if (b[0] != null) {
            b[0].tryConsume(1);
        }
        if (b[1] != null) {
            b[1].tryConsume(1);
        }
        return true;
    }

    /**
     * Reserves the bot's next permit, first come first served (Bucket4j's reservation: the bucket goes into debt),
     * and returns the nanoseconds until it is due: the record is sent then. Waiters do not poll and a late timer
     * loses no permit.
     */
    public long reserveBot(PlatformApi api, OutboundRequest r) {
        PlatformApi.Limits l = limits(api, r.botId());
        if (l.perBot() == null) {
            return 0;
        }
        return botBuckets.computeIfAbsent(botKey(r), k -> bucket(l.perBot(), parallelism)).consumeIgnoringRateLimits(1);
    }

    private Bucket[] chatBuckets(PlatformApi api, OutboundRequest r, boolean group) {
        PlatformApi.Limits l = limits(api, r.botId());
        Bucket[] b = new Bucket[2];
        if (l.perChat() != null || (group && l.perGroup() != null)) {
            synchronized (chatBuckets) {
                if (l.perChat() != null) {
                    b[0] = chatBuckets.computeIfAbsent(r.chatKey(), k -> bucket(l.perChat(), 1));
                }
                if (group && l.perGroup() != null) {
                    b[1] = chatBuckets.computeIfAbsent(r.chatKey() + "#group", k -> bucket(l.perGroup(), 1));
                }
            }
        }
        return b;
    }

    private static long waitFor(Bucket b) {
        if (b == null) {
            return 0;
        }
        var probe = b.estimateAbilityToConsume(1);
        return probe.canBeConsumed() ? 0 : Math.max(1, probe.getNanosToWaitForRefill());
    }

    /**
     * A bucket for {@code 1/share} of the rate that never lets more than the rate's permits through in any window of
     * the rate's period, however the platform places its windows: a small burst {@code b} (a thirtieth of the
     * share's permits, 1 to 10) and a refill of {@code permits - b} per period, so that a window holds at most
     * {@code b + (permits - b)}. The burst absorbs timers firing late; the price is a steady rate slightly under the
     * limit (29 of Telegram's 30/s; 145 of a 150/s share).
     */
    Bucket bucket(PlatformApi.Rate rate, int share) {
        long burst = Math.max(1, Math.min(10, rate.permits() / share / 30));
        long refill = rate.permits() - burst * share;
        if (refill < 1) {
            burst = 1;
            refill = rate.permits();
        }
        return Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(burst).refillGreedy(refill, rate.period().multipliedBy(share)).build())
                .withCustomTimePrecision(new TimeMeter() {
                    @Override
                    public long currentTimeNanos() {
                        return nanoClock.getAsLong();
                    }

                    @Override
                    public boolean isWallClockBased() {
                        return false;
                    }
                })
                .build();
    }

    private static String botKey(OutboundRequest r) {
        return r.platform() + ":" + r.botId() + ":*";
    }
}
