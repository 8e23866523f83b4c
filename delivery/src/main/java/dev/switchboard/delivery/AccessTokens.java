package dev.switchboard.delivery;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Exchanged access tokens (Feishu tenant access token, DingTalk, WeCom and WeChat access tokens), one per
 * platform, bot and API base in this JVM (a TaskManager): fetched on first use by one caller while the others
 * wait for the same fetch, refreshed once less than a fifth of its lifetime (at most 10 minutes) is left, and
 * dropped when the platform calls it expired, so the next caller fetches a new one.
 */
public final class AccessTokens {
    private static final AccessTokens SHARED = new AccessTokens(System::currentTimeMillis);

    private final Map<String, CompletableFuture<Cached>> tokens = new ConcurrentHashMap<>();
    private final LongSupplier clock;

    record Cached(String value, long refreshAt, long expiresAt) {}

    AccessTokens(LongSupplier clock) {
        this.clock = clock;
    }

    /** The TaskManager's tokens. */
    public static AccessTokens shared() {
        return SHARED;
    }

    /**
     * A token that is not about to expire. A failed fetch fails the returned future with
     * {@link TokenExchange.Failed} (or an I/O error), and the next call fetches again.
     */
    public CompletableFuture<String> get(HttpClient http, String base, String platform, String botId,
            Credentials credentials, TokenExchange exchange, Duration timeout) {
        String key = platform + "|" + botId + "|" + base;
        long now = clock.getAsLong();
        CompletableFuture<Cached> current = tokens.get(key);
        if (current != null) {
            if (!current.isDone()) {
                return current.thenApply(Cached::value);
            }
            Cached c = current.getNow(null);
            if (c != null && now < c.refreshAt()) {
                return CompletableFuture.completedFuture(c.value());
            }
        }
        CompletableFuture<Cached> fresh = new CompletableFuture<>();
        CompletableFuture<Cached> winner = current == null ? tokens.putIfAbsent(key, fresh)
                : (tokens.replace(key, current, fresh) ? null : tokens.get(key));
        if (winner != null && winner != fresh) {
            // Another caller started the fetch first: share it (or its result, if it is fresh enough).
            return winner.thenApply(Cached::value);
        }
        try {
            http.sendAsync(exchange.request(base, botId, credentials).timeout(timeout).build(),
                            HttpResponse.BodyHandlers.ofByteArray())
                    .whenComplete((response, error) -> {
                        if (error != null) {
                            tokens.remove(key, fresh);
                            fresh.completeExceptionally(error);
                            return;
                        }
                        try {
                            TokenExchange.Token t = exchange.parse(response.statusCode(), response.body());
                            long at = clock.getAsLong();
                            long life = t.lifetime().toMillis();
                            long margin = Math.min(life / 5, Duration.ofMinutes(10).toMillis());
                            fresh.complete(new Cached(t.value(), at + life - margin, at + life));
                        } catch (TokenExchange.Failed f) {
                            tokens.remove(key, fresh);
                            fresh.completeExceptionally(f);
                        }
                    });
        } catch (OutboundRequest.Malformed m) {
            tokens.remove(key, fresh);
            fresh.completeExceptionally(m);
        }
        return fresh.thenApply(Cached::value);
    }

    /** The platform refused {@code token}: forget it unless a newer one already replaced it. */
    public void invalidate(String platform, String botId, String base, String token) {
        String key = platform + "|" + botId + "|" + base;
        CompletableFuture<Cached> current = tokens.get(key);
        if (current != null && current.isDone() && !current.isCompletedExceptionally()
                && token.equals(current.getNow(null).value())) {
            tokens.remove(key, current);
        }
    }
}
