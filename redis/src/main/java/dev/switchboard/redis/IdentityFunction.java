package dev.switchboard.redis;

import dev.switchboard.identity.LinkCommand;
import dev.switchboard.identity.Notifications;
import dev.switchboard.model.ChatType;
import dev.switchboard.model.Control;
import dev.switchboard.model.InboundMessage;
import dev.switchboard.model.MessageKind;
import dev.switchboard.model.Platforms;
import dev.switchboard.model.SessionKeys;
import dev.switchboard.model.Sender;
import dev.switchboard.model.UnifiedMessage;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.async.ResultFuture;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * The identity step, between normalize and the session key: for every direct message it asks the near cache (else
 * Redis) whether the account is linked, and moves a linked account's message into its person's session; it records
 * where the account was last seen (the routing table); it carries out link commands; it routes notifications to
 * where their addressee was last seen.
 *
 * <p>Run by {@code AsyncDataStream.orderedWait}, so messages leave in the order they came (per conversation, since
 * one conversation's records come from one Kafka partition). Every Redis call is bounded by the call timeout: when
 * Redis is slow or down a message goes on in its account's own session, a link command is answered "unavailable",
 * and a notification is dead-lettered ({@code no-route}) to be sent again later; the job never waits for Redis
 * longer than that.
 */
public class IdentityFunction extends RedisAsyncFunction<InboundMessage, InboundMessage> {
    private static final long serialVersionUID = 1L;
    /** WhatsApp: free-form messages only within 24 hours of the person's last message. */
    static final Duration WHATSAPP_WINDOW = Duration.ofHours(24);

    private transient Counter lookups;
    private transient Counter unavailable;
    private transient Counter routeWriteFailures;
    private transient Counter routed;
    private transient Counter noRoute;

    public IdentityFunction(RedisSettings settings) {
        super(settings);
    }

    @Override
    protected void registerMetrics(MetricGroup group) {
        lookups = group.counter("identityLookups");
        unavailable = group.counter("redisUnavailable");
        routeWriteFailures = group.counter("routeWriteFailures");
        routed = group.counter("notificationsRouted");
        noRoute = group.counter("notificationsNoRoute");
        RedisService service = redis;
        group.gauge("identityCacheHitRatio", (Gauge<Double>) () -> {
            long h = service.cacheHits();
            long total = h + service.cacheMisses();
            return total == 0 ? 0.0 : (double) h / total;
        });
    }

    @Override
    public void asyncInvoke(InboundMessage in, ResultFuture<InboundMessage> result) {
        CompletableFuture<InboundMessage> out;
        try {
            out = resolve(in).toCompletableFuture();
        } catch (RuntimeException e) {
            out = CompletableFuture.failedFuture(e);
        }
        out.orTimeout(settings.callTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((message, error) -> result.complete(List.of(error == null ? message : withoutRedis(in, error))));
    }

    @Override
    public void timeout(InboundMessage in, ResultFuture<InboundMessage> result) {
        result.complete(List.of(withoutRedis(in, null)));
    }

    private CompletionStage<InboundMessage> resolve(InboundMessage in) {
        UnifiedMessage m = in.message();
        if (in.isNotification()) {
            return route(in);
        }
        Optional<LinkCommand> command = MessageKind.TEXT.equals(m.kind()) || MessageKind.COMMAND.equals(m.kind())
                ? LinkCommand.parse(m.text()) : Optional.empty();
        if (!isDirect(m)) {
            // Group chats are never linked.
            return CompletableFuture.completedFuture(command.isPresent() ? in.inSession(in.sessionKey(), Control.of(Control.DIRECT_ONLY)) : in);
        }
        String bot = m.botId();
        String platform = m.platform();
        String userId = m.sender().id();
        lookups.inc();
        if (command.isPresent()) {
            return redis.identity(bot, platform, userId).thenCompose(identity ->
                    command(in, command.get(), identity.session() != null ? identity.session() : in.sessionKey()));
        }
        return redis.seen(bot, route(in, in.sessionKey()), routeWriteFailures::inc).thenApply(identity -> {
            String session = identity.session() != null ? identity.session() : in.sessionKey();
            return session.equals(in.sessionKey()) ? in : in.inSession(session, null);
        });
    }

    private static Identities.Route route(InboundMessage in, String session) {
        UnifiedMessage m = in.message();
        return new Identities.Route(m.platform(), m.sender().id(), m.chatId(), m.threadId(), in.accountId(), session,
                in.receivedAt());
    }

    private static boolean isDirect(UnifiedMessage m) {
        return ChatType.DIRECT.equals(m.chatType()) && m.sender() != null && m.sender().id() != null;
    }

    /** A link command: its outcome, in the session the message belongs to once it is done. */
    private CompletionStage<InboundMessage> command(InboundMessage in, LinkCommand command, String session) {
        UnifiedMessage m = in.message();
        String bot = m.botId();
        String platform = m.platform();
        String userId = m.sender().id();
        String messageId = m.redeliveryKey() != null ? m.redeliveryKey() : m.messageId();
        CompletionStage<Identities.Outcome> outcome = switch (command.kind()) {
            case ISSUE -> redis.identities().issueCode(bot, platform, userId, session, messageId);
            case REDEEM -> redis.identities().redeem(bot, platform, userId, command.code(), messageId);
            case UNLINK -> redis.identities().unlink(bot, platform, userId, SessionKeys.of(m) + "~" + messageId, messageId);
        };
        return outcome.thenApply(o -> {
            String next = o.session() != null ? o.session() : session;
            if (o.session() != null) {
                redis.forget(bot, platform, userId);
                recordRoute(in, o.person(), next);
            }
            String detail = o.kind().equals(Control.LINK_LOCKED) && o.detail() != null
                    ? Long.toString(Math.max(1, (Long.parseLong(o.detail()) + 59) / 60)) : o.detail();
            return in.inSession(next, Control.of(o.kind(), detail));
        });
    }

    /** Where the account was seen: written in the background, never waited for (an old write never wins). */
    private void recordRoute(InboundMessage in, String person, String session) {
        redis.identities().recordRoute(in.message().botId(), person, route(in, session)).whenComplete((ok, error) -> {
            if (error != null) {
                routeWriteFailures.inc();
            }
        });
    }

    /** A notification: to the platform and chat where its addressee was last seen. */
    private CompletionStage<InboundMessage> route(InboundMessage in) {
        UnifiedMessage m = in.message();
        String bot = m.botId();
        String person = Notifications.person(in);
        CompletionStage<Identities.Route> route;
        String addressee;
        if (person != null) {
            addressee = "person " + person;
            route = redis.identities().personRoute(bot, person);
        } else {
            addressee = m.platform() + " user " + m.sender().id();
            route = redis.identity(bot, m.platform(), m.sender().id()).thenCompose(identity -> identity.person() == null
                    ? redis.identities().route(bot, m.platform(), m.sender().id())
                    : redis.identities().personRoute(bot, identity.person()).thenCompose(r -> r != null
                            ? CompletableFuture.completedFuture(r) : redis.identities().route(bot, m.platform(), m.sender().id())));
        }
        return route.thenApply(r -> {
            if (r == null) {
                noRoute.inc();
                return in.inSession(in.sessionKey(), in.control().noRoute("no route to " + addressee + " of bot " + bot
                        + ": they have not written to the bot in a direct chat (or not within the route's "
                        + Identities.ROUTE_TTL.toDays() + " days)"));
            }
            if (Platforms.WHATSAPP.equals(r.platform())
                    && in.receivedAt() - r.at() > WHATSAPP_WINDOW.toMillis()) {
                noRoute.inc();
                return in.inSession(in.sessionKey(), in.control().noRoute("WhatsApp accepts free-form messages only within"
                        + " 24 hours of the person's last message (" + addressee + " last wrote at " + Instant.ofEpochMilli(r.at())
                        + "); outside that window it needs a template message"));
            }
            routed.inc();
            UnifiedMessage to = new UnifiedMessage(r.platform(), bot, m.messageId(), r.chatId(), ChatType.DIRECT,
                    r.threadId(), null, new Sender(r.userId(), null, false), MessageKind.NOTIFICATION, m.text(), null,
                    null, m.timestamp(), m.redeliveryKey());
            String session = r.session() != null ? r.session() : SessionKeys.of(to);
            return in.routed(to, session, r.accountId(), new Control(Control.NOTIFY, null, in.control().urgent()));
        });
    }

    /** The message as it goes on when Redis did not answer in time. */
    private InboundMessage withoutRedis(InboundMessage in, Throwable error) {
        unavailable.inc();
        UnifiedMessage m = in.message();
        if (in.isNotification()) {
            noRoute.inc();
            return in.inSession(in.sessionKey(), in.control().noRoute("Redis did not answer within "
                    + settings.callTimeout().toMillis() + " ms" + (error == null ? "" : " (" + rootMessage(error) + ")")
                    + "; send the notification again later"));
        }
        boolean command = (MessageKind.TEXT.equals(m.kind()) || MessageKind.COMMAND.equals(m.kind()))
                && LinkCommand.parse(m.text()).isPresent();
        return command ? in.inSession(in.sessionKey(), Control.of(isDirect(m) ? Control.LINK_UNAVAILABLE : Control.DIRECT_ONLY)) : in;
    }

    private static String rootMessage(Throwable error) {
        Throwable t = error;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }
}
