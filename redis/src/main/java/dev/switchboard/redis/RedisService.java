package dev.switchboard.redis;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.redisson.api.BatchOptions;
import org.redisson.api.RBatch;
import org.redisson.api.RTopic;
import org.redisson.api.RedissonClient;
import org.redisson.api.listener.StatusListener;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
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
    /** The route this JVM last wrote per account, so a conversation's next messages need not write it again. */
    private final Cache<String, Identities.Route> routesWritten;
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();
    /** Near-cache hits and misses of every service this JVM has had (a benchmark reads them after its jobs ended). */
    private static final AtomicLong JVM_HITS = new AtomicLong();
    private static final AtomicLong JVM_MISSES = new AtomicLong();
    private int users;

    private RedisService(String name, RedisSettings settings) {
        this.name = name;
        this.client = RedisClients.create(settings.address(), true);
        this.identities = new Identities(client, settings.prefix(), Identities.DEFAULT_CODE_TTL);
        this.cache = Caffeine.newBuilder().maximumSize(settings.cacheSize())
                .expireAfterWrite(settings.cacheTtl().toMillis(), TimeUnit.MILLISECONDS).build();
        this.routesWritten = Caffeine.newBuilder().maximumSize(settings.cacheSize())
                .expireAfterWrite(ROUTE_REFRESH_MILLIS, TimeUnit.MILLISECONDS).build();
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
                String key = key(change.substring(0, bar), change.substring(bar + 1));
                cache.invalidate(key);
                routesWritten.invalidate(key);
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
                // A (re)subscription: changes published while there was none are lost, so forget everything
                // (and the routes written: a restarted Redis may have lost them).
                cache.invalidateAll();
                routesWritten.invalidateAll();
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
        Identities.Identity cached = cached(key);
        if (cached != null) {
            return CompletableFuture.completedFuture(cached);
        }
        return identities.identity(bot, platform, userId).thenApply(identity -> {
            cache.put(key, identity);
            return identity;
        });
    }

    /**
     * A direct message from an account: its identity (near cache, else Redis) and its route recorded. A miss reads
     * the identity and writes the route in one script, sent with the misses that arrive meanwhile in one pipelined
     * batch; a hit writes the route in the background, unless this JVM
     * wrote the same route for the account less than {@link #ROUTE_REFRESH_MILLIS} ago (a linked account's route is
     * always written: its person's route must follow the latest of its accounts).
     *
     * @param route where the message came from, its {@code session} the account's own (used unless the identity names another)
     * @param routeFailure told when a background route write fails
     */
    public CompletionStage<Identities.Identity> seen(String bot, Identities.Route route, Runnable routeFailure) {
        String key = key(bot, Identities.account(route.platform(), route.userId()));
        Identities.Identity cached = cached(key);
        if (cached != null) {
            Identities.Route resolved = withSession(route, cached);
            if (cached.person() != null || !recentlyWritten(key, resolved)) {
                identities.recordRoute(bot, cached.person(), resolved).whenComplete((ok, error) -> {
                    if (error != null) {
                        routesWritten.invalidate(key);
                        routeFailure.run();
                    }
                });
                routesWritten.put(key, resolved);
            }
            return CompletableFuture.completedFuture(cached);
        }
        Pending p = new Pending(bot, route, new CompletableFuture<>());
        if (queued.incrementAndGet() > MAX_QUEUED) {
            // Redis is not keeping up (or is gone): this message goes on without it rather than pile up here.
            queued.decrementAndGet();
            return CompletableFuture.failedFuture(new java.util.concurrent.RejectedExecutionException(
                    MAX_QUEUED + " identity lookups already wait for Redis"));
        }
        pending.add(p);
        if (flushing.compareAndSet(false, true)) {
            flush();
        }
        return p.future().thenApply(identity -> {
            cache.put(key, identity);
            routesWritten.put(key, withSession(route, identity));
            return identity;
        });
    }

    private static boolean isNoScript(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (String.valueOf(t.getMessage()).contains("NOSCRIPT")) {
                return true;
            }
        }
        return false;
    }

    /** A miss waiting for its batch. */
    private record Pending(String bot, Identities.Route route, CompletableFuture<Identities.Identity> future) {}

    /** Misses queued while a batch is in flight; at most one batch is, so a batch holds what arrived meanwhile. */
    private final java.util.concurrent.ConcurrentLinkedQueue<Pending> pending = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final java.util.concurrent.atomic.AtomicBoolean flushing = new java.util.concurrent.atomic.AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicInteger queued = new java.util.concurrent.atomic.AtomicInteger();
    /** Largest batch of misses sent in one round trip. */
    static final int MAX_BATCH = 256;
    /** Misses that may wait for a batch; beyond them a miss fails at once (the message goes on without Redis). */
    static final int MAX_QUEUED = 10_000;

    /**
     * Sends the queued misses as one pipelined batch (group commit: nothing waits for a timer; under load the batches
     * grow by themselves). An item the batch cannot answer (the server lost the script, an error) is asked alone.
     */
    private void flush() {
        List<Pending> batchItems = new java.util.ArrayList<>();
        for (Pending p; batchItems.size() < MAX_BATCH && (p = pending.poll()) != null; ) {
            batchItems.add(p);
            queued.decrementAndGet();
        }
        if (batchItems.isEmpty()) {
            flushing.set(false);
            if (!pending.isEmpty() && flushing.compareAndSet(false, true)) {
                flush();
            }
            return;
        }
        CompletableFuture<?>[] done = new CompletableFuture<?>[batchItems.size()];
        try {
            RBatch batch = client.createBatch(BatchOptions.defaults());
            for (int i = 0; i < batchItems.size(); i++) {
                Pending p = batchItems.get(i);
                done[i] = identities.seenIn(batch, p.bot(), p.route()).toCompletableFuture()
                        .handle((identity, error) -> error == null ? CompletableFuture.completedFuture(identity)
                                : isNoScript(error) ? identities.seen(p.bot(), p.route()).toCompletableFuture()
                                : CompletableFuture.<Identities.Identity>failedFuture(error))
                        .thenCompose(f -> f)
                        .whenComplete((identity, error) -> {
                            if (error != null) {
                                p.future().completeExceptionally(error);
                            } else {
                                p.future().complete(identity);
                            }
                        });
            }
            batch.executeAsync();
        } catch (RuntimeException e) {
            for (int i = 0; i < batchItems.size(); i++) {
                batchItems.get(i).future().completeExceptionally(e);
                done[i] = CompletableFuture.completedFuture(null);
            }
        }
        CompletableFuture.allOf(done).whenComplete((ignored, error) -> flush());
    }

    /** How long a route this JVM wrote stands for the same account's next messages from the same chat. */
    static final long ROUTE_REFRESH_MILLIS = 60_000;

    private boolean recentlyWritten(String key, Identities.Route route) {
        Identities.Route last = routesWritten.getIfPresent(key);
        return last != null && route.at() - last.at() < ROUTE_REFRESH_MILLIS && route.at() >= last.at()
                && route.chatId().equals(last.chatId()) && java.util.Objects.equals(route.threadId(), last.threadId())
                && java.util.Objects.equals(route.accountId(), last.accountId()) && java.util.Objects.equals(route.session(), last.session());
    }

    private static Identities.Route withSession(Identities.Route route, Identities.Identity identity) {
        return identity.session() == null ? route : new Identities.Route(route.platform(), route.userId(), route.chatId(),
                route.threadId(), route.accountId(), identity.session(), route.at());
    }

    /** The near cache's entry for an account, counted as a hit or a miss. */
    private Identities.Identity cached(String key) {
        Identities.Identity cached = cache.getIfPresent(key);
        (cached != null ? hits : misses).incrementAndGet();
        (cached != null ? JVM_HITS : JVM_MISSES).incrementAndGet();
        return cached;
    }

    /** Drops an account's cached identity (after this JVM changed it). */
    public void forget(String bot, String platform, String userId) {
        cache.invalidate(key(bot, Identities.account(platform, userId)));
        routesWritten.invalidate(key(bot, Identities.account(platform, userId)));
    }

    /** Hits and misses of the near caches of this JVM so far: {@code {hits, misses}}. */
    public static long[] jvmCacheCounts() {
        return new long[] {JVM_HITS.get(), JVM_MISSES.get()};
    }

    public long cacheHits() {
        return hits.get();
    }

    public long cacheMisses() {
        return misses.get();
    }
}
