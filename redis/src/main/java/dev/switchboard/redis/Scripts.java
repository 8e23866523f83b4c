package dev.switchboard.redis;

import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Lua scripts run by their SHA1 ({@code EVALSHA}): the script's text travels once per Redis process instead of with
 * every call. A server that does not know a script (restarted, flushed, a fail-over) answers {@code NOSCRIPT}; the
 * call is then made with the text ({@code EVAL}, which caches it there again).
 */
final class Scripts {
    private final RedissonClient redis;
    private final Map<String, String> shas = new ConcurrentHashMap<>();

    Scripts(RedissonClient redis) {
        this.redis = redis;
    }

    <R> CompletionStage<R> eval(String routingKey, String lua, RScript.ReturnType type, List<Object> keys, Object... args) {
        RScript script = redis.getScript(StringCodec.INSTANCE);
        String sha = sha(lua);
        return script.<R>evalShaAsync(routingKey, RScript.Mode.READ_WRITE, sha, type, keys, args)
                .handle((result, error) -> {
                    if (error == null) {
                        return CompletableFuture.completedFuture(result);
                    }
                    if (String.valueOf(error.getMessage()).contains("NOSCRIPT")) {
                        return script.<R>evalAsync(routingKey, RScript.Mode.READ_WRITE, lua, type, keys, args).toCompletableFuture();
                    }
                    return CompletableFuture.<R>failedFuture(error);
                })
                .thenCompose(f -> f);
    }

    /** The script's SHA1, the name {@code EVALSHA} calls it by. */
    String sha(String lua) {
        return shas.computeIfAbsent(lua, Scripts::sha1);
    }

    private static String sha1(String text) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-1").digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            StringBuilder hex = new StringBuilder(40);
            for (byte b : digest) {
                hex.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
            }
            return hex.toString();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
