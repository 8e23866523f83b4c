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
     * Takes one permit from each bucket the send counts against (the conversation's, its group's, the bot's) when
     * all of them have one, and returns 0; otherwise takes none and returns the nanoseconds until the scarcest one
     * refills, for the caller to try again then. All or nothing, so a permit is never held while another is awaited
     * (which would let the conversation's next send come early).
     */
    public long tryAcquire(PlatformApi api, OutboundRequest r, boolean group) {
        PlatformApi.Limits l = limits(api, r.botId());
        Bucket chat = null;
        Bucket groupBucket = null;
        if (l.perChat() != null || (group && l.perGroup() != null)) {
            synchronized (chatBuckets) {
                if (l.perChat() != null) {
                    chat = chatBuckets.computeIfAbsent(r.chatKey(), k -> bucket(l.perChat(), 1));
                }
                if (group && l.perGroup() != null) {
                    groupBucket = chatBuckets.computeIfAbsent(r.chatKey() + "#group", k -> bucket(l.perGroup(), 1));
                }
            }
        }
        Bucket bot = l.perBot() == null ? null : botBuckets.computeIfAbsent(botKey(r), k -> bucket(l.perBot(), parallelism));
        long wait = Math.max(Math.max(waitFor(chat), waitFor(groupBucket)), waitFor(bot));
        if (wait > 0) {
            return wait;
        }
        // A conversation is sent one record at a time, so its own buckets cannot be taken meanwhile; the bot's can.
        if (chat != null) {
            chat.tryConsume(1);
        }
        if (groupBucket != null) {
            groupBucket.tryConsume(1);
        }
        if (bot != null && !bot.tryConsume(1)) {
            if (chat != null) {
                chat.addTokens(1);
            }
            if (groupBucket != null) {
                groupBucket.addTokens(1);
            }
            return Math.max(1, waitFor(bot));
        }
        return 0;
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
     * the rate's period, however the platform places its windows: no burst (capacity 1), refilled at
     * {@code permits - 1} per period when that leaves at least one (one send may come at the start of the window
     * and {@code permits - 1} within it). The price is a steady rate slightly under the limit (29 of Telegram's 30/s).
     */
    Bucket bucket(PlatformApi.Rate rate, int share) {
        long permits = rate.permits() >= 2L * share ? rate.permits() - share : rate.permits();
        return Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(1).refillGreedy(permits, rate.period().multipliedBy(share)).build())
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
