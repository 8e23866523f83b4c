package dev.switchboard.redis;

import java.io.Serializable;
import java.time.Duration;

/**
 * How the job uses Redis.
 *
 * @param address {@code redis://host:port}, {@code rediss://host:port}, or a Redisson YAML file (Sentinel, Cluster,
 *     TLS, authentication)
 * @param prefix of every key the job writes ({@code switchboard:})
 * @param callTimeout longest wait for one Redis call before the message goes on without it (identity: the account's
 *     own session; a link command: "unavailable"; a lookup: the {@code unavailable} reply)
 * @param cacheSize identities kept per TaskManager in the near cache
 * @param cacheTtl longest time a near-cache entry is trusted without an invalidation (bounds staleness when an
 *     invalidation is lost)
 */
public record RedisSettings(String address, String prefix, Duration callTimeout, long cacheSize, Duration cacheTtl)
        implements Serializable {

    public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofMillis(500);
    public static final long DEFAULT_CACHE_SIZE = 1_000_000;
    public static final Duration DEFAULT_CACHE_TTL = Duration.ofMinutes(5);

    public RedisSettings {
        if (address == null || address.isBlank()) {
            throw new IllegalArgumentException("--redis needs redis://host:port or a Redisson YAML file");
        }
        if (callTimeout.isZero() || callTimeout.isNegative()) {
            throw new IllegalArgumentException("--redis-timeout must be positive");
        }
        if (cacheSize < 0) {
            throw new IllegalArgumentException("--identity-cache-size must not be negative");
        }
    }

    public static RedisSettings of(String address) {
        return new RedisSettings(address, Identities.DEFAULT_PREFIX, DEFAULT_CALL_TIMEOUT, DEFAULT_CACHE_SIZE, DEFAULT_CACHE_TTL);
    }
}
