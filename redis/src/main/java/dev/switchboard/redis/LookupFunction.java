package dev.switchboard.redis;

import dev.switchboard.functions.BotReply;
import dev.switchboard.model.MarkupText;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.redisson.client.codec.StringCodec;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The lookup step, after dialogue: a reply that shows live business data reads its Redis hash and has its
 * {@code {lookup.<field>}} placeholders filled with the hash's fields (escaped for the markup; a missing field is
 * empty); a hash that does not exist gives the {@code not_found} reply, and Redis slow or down the
 * {@code unavailable} reply, within the call timeout. Replies without a lookup pass at once.
 *
 * <p>Run by {@code AsyncDataStream.orderedWait}: the replies of one session keep their order.
 */
public class LookupFunction extends RedisAsyncFunction<BotReply, BotReply> {
    private static final long serialVersionUID = 1L;
    private static final Pattern FIELD = Pattern.compile("(\\s?)\\{lookup\\.([A-Za-z0-9_.-]+)}");

    private transient Counter found;
    private transient Counter notFound;
    private transient Counter unavailable;

    public LookupFunction(RedisSettings settings) {
        super(settings);
    }

    @Override
    protected void registerMetrics(MetricGroup group) {
        found = group.counter("lookupsFound");
        notFound = group.counter("lookupsNotFound");
        unavailable = group.counter("lookupsUnavailable");
    }

    @Override
    public void asyncInvoke(BotReply reply, ResultFuture<BotReply> result) {
        if (reply.lookup() == null) {
            result.complete(List.of(reply));
            return;
        }
        CompletableFuture<Map<String, String>> hash;
        try {
            hash = redis.client().<String, String>getMap(reply.lookup().key(), StringCodec.INSTANCE).readAllMapAsync()
                    .toCompletableFuture();
        } catch (RuntimeException e) {
            hash = CompletableFuture.failedFuture(e);
        }
        hash.orTimeout(settings.callTimeout().toMillis(), TimeUnit.MILLISECONDS).whenComplete((fields, error) -> {
            if (error != null) {
                unavailable.inc();
                result.complete(List.of(reply.withText(reply.lookup().unavailable())));
            } else if (fields == null || fields.isEmpty()) {
                notFound.inc();
                result.complete(List.of(reply.withText(reply.lookup().notFound())));
            } else {
                found.inc();
                result.complete(List.of(reply.withText(fill(reply.text(), fields))));
            }
        });
    }

    @Override
    public void timeout(BotReply reply, ResultFuture<BotReply> result) {
        unavailable.inc();
        result.complete(List.of(reply.lookup() == null ? reply : reply.withText(reply.lookup().unavailable())));
    }

    /** The template with each {@code {lookup.<field>}} replaced by the field's value (escaped), or nothing. */
    public static String fill(String template, Map<String, String> fields) {
        Matcher m = FIELD.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = fields.getOrDefault(m.group(2), "");
            String space = value.isEmpty() ? "" : m.group(1);
            m.appendReplacement(out, Matcher.quoteReplacement(space + MarkupText.escape(value)));
        }
        m.appendTail(out);
        return out.toString();
    }
}
