package dev.switchboard.redis;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.redisson.api.RTopic;
import org.redisson.api.RedissonClient;
import org.redisson.api.listener.StatusListener;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One Redis client per TaskManager JVM and configuration, shared by the subtasks there (a Redisson client holds
 * connection pools and event-loop threads), with the identities' near cache: accounts' identities, linked or not,
 * kept coherent by the {@code identity-changes} channel (every script that changes an identity publishes the
 * account), emptied when the subscription is re-established after a connection loss (changes may have been
 * missed), and trusted for at most the cache TTL in any case.
 */
public final class RedisService {
    private static final Logger LOG = LoggerFactory.getLogger(RedisService.class);
    private static final Map<String, RedisService> SHARED = new HashMap<>();

    private final String name;
    private final RedissonClient client;
    private final Identities identities;
    private final Cache<String, Identities.Identity> cache;
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();
    private int users;

    private RedisService(String name, RedisSettings settings) {
        this.name = name;
        this.client = RedisClients.create(settings.address(), true);
        this.identities = new Identities(client, settings.prefix(), Identities.DEFAULT_CODE_TTL);
        this.cache = Caffeine.newBuilder().maximumSize(settings.cacheSize())
                .expireAfterWrite(settings.cacheTtl().toMillis(), TimeUnit.MILLISECONDS).build();
        subscribe();
    }

    /** The service of these settings in this JVM; {@link #release()} when done. */
    public static synchronized RedisService acquire(RedisSettings settings) {
        String name = settings.address() + "|" + settings.prefix() + "|" + settings.cacheSize() + "|" + settings.cacheTtl();
        RedisService service = SHARED.computeIfAbsent(name, n -> new RedisService(n, settings));
        service.users++;
        return service;
    }

    public void release() {
        synchronized (RedisService.class) {
            if (--users > 0) {
                return;
            }
            SHARED.remove(name);
        }
        client.shutdown(0, 2, TimeUnit.SECONDS);
    }

    private void subscribe() {
        RTopic topic = client.getTopic(identities.changesChannel(), StringCodec.INSTANCE);
        topic.addListenerAsync(String.class, (channel, change) -> {
            int bar = change.indexOf('|');
            if (bar > 0) {
                cache.invalidate(key(change.substring(0, bar), change.substring(bar + 1)));
            }
        }).whenComplete((id, error) -> {
            if (error != null) {
                LOG.warn("Cannot subscribe to {} ({}); trying again in 5 s", identities.changesChannel(), error.getMessage());
                CompletableFuture.delayedExecutor(5, TimeUnit.SECONDS).execute(this::subscribe);
            }
        });
        topic.addListenerAsync(new StatusListener() {
            @Override
            public void onSubscribe(String channel) {
                // A (re)subscription: changes published while there was none are lost, so forget everything.
                cache.invalidateAll();
            }

            @Override
            public void onUnsubscribe(String channel) {}
        });
    }

    private static String key(String bot, String account) {
        return bot + "|" + account;
    }

    public Identities identities() {
        return identities;
    }

    public RedissonClient client() {
        return client;
    }

    /** The account's identity, from the near cache when it holds it, else from Redis (then cached). */
    public CompletionStage<Identities.Identity> identity(String bot, String platform, String userId) {
        String key = key(bot, Identities.account(platform, userId));
        Identities.Identity cached = cache.getIfPresent(key);
        if (cached != null) {
            hits.incrementAndGet();
            return CompletableFuture.completedFuture(cached);
        }
        misses.incrementAndGet();
        return identities.identity(bot, platform, userId).thenApply(identity -> {
            cache.put(key, identity);
            return identity;
        });
    }

    /** Drops an account's cached identity (after this JVM changed it). */
    public void forget(String bot, String platform, String userId) {
        cache.invalidate(key(bot, Identities.account(platform, userId)));
    }

    public long cacheHits() {
        return hits.get();
    }

    public long cacheMisses() {
        return misses.get();
    }
}
