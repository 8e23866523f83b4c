package dev.switchboard.delivery;

import dev.switchboard.model.InboundRecord;
import dev.switchboard.model.OutboundRecord;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Sends outbound records to the platforms, one conversation at a time in the order they were given, without
 * blocking the caller: each record waits for its conversation's previous one (delivered or abandoned and
 * logged), for the circuit of its host, for any wait the platform imposed, and for its permits; then it is
 * sent, retried on 5xx/timeouts/connection errors with exponential backoff and jitter, sent again after a
 * rate-limit wait or a token refresh, and finally logged (delivered or failed) before the conversation's next
 * record starts. The returned future completes after the log write.
 */
public final class Sender {

    /** What the sender reports, for metrics. */
    public interface Listener {
        default void accepted(String platform, long sendNanos) {}

        default void retried(String platform) {}

        default void rateLimited(String platform) {}

        default void circuitWait(String platform) {}

        default void failed(String platform, String errorClass) {}
    }

    /** An outcome, and the dead letter when the record was abandoned. */
    public record Result(DeliveryOutcome outcome, OutboundRecord deadLetter) {}

    /** Writes an outcome durably; completes when it is safe to send the conversation's next record. */
    public interface Log {
        CompletableFuture<Void> append(DeliveryOutcome outcome);
    }

    private final DeliverySettings settings;
    private final Credentials credentials;
    private final HttpClient http;
    private final ScheduledExecutorService timer;
    private final Log log;
    private final Listener listener;
    private final RateLimits limits;
    private final HostBreakers breakers;
    private final AccessTokens tokens;
    private final String deadLetterTopic;
    private final Map<String, CompletableFuture<?>> tails = new ConcurrentHashMap<>();

    public Sender(DeliverySettings settings, Credentials credentials, int parallelism, HttpClient http,
            ScheduledExecutorService timer, Log log, Listener listener, HostBreakers breakers, AccessTokens tokens) {
        this.settings = settings;
        this.credentials = credentials;
        this.http = http;
        this.timer = timer;
        this.log = log;
        this.listener = listener;
        this.limits = new RateLimits(credentials, parallelism, System::nanoTime);
        this.breakers = breakers;
        this.tokens = tokens;
        this.deadLetterTopic = new dev.switchboard.model.Topics(settings.topicPrefix()).deliveryDeadLetters();
    }

    /** The HTTP client the delivery job uses: HTTP/2 where the platform offers it, connections reused. */
    public static HttpClient httpClient(Duration connectTimeout) {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** Conversations with a record waiting or in flight. */
    public int activeConversations() {
        return tails.size();
    }

    /** Sends {@code r} after every record given before it for the same conversation. */
    public CompletableFuture<Result> send(OutboundRequest r) {
        CompletableFuture<Result> mine = new CompletableFuture<>();
        CompletableFuture<?> previous = tails.put(r.chatKey(), mine);
        long taken = System.nanoTime();
        Runnable start = () -> new Attempt(r, taken, mine).next();
        if (previous == null || previous.isDone()) {
            start.run();
        } else {
            previous.whenComplete((x, e) -> start.run());
        }
        mine.whenComplete((x, e) -> tails.remove(r.chatKey(), mine));
        return mine;
    }

    /** One record's way through waits, attempts and the log. */
    private final class Attempt {
        final OutboundRequest r;
        final PlatformApi api;
        final String base;
        final long taken;
        final CompletableFuture<Result> done;
        /** Whether the conversation is a group one, for a platform with a per-group limit: read from the body once. */
        final boolean group;
        int attempts;
        int failures;
        boolean tokenRefreshed;

        Attempt(OutboundRequest r, long taken, CompletableFuture<Result> done) {
            this.r = r;
            this.api = PlatformApis.of(r.platform());
            this.base = settings.base(api);
            this.taken = taken;
            this.done = done;
            this.group = api.groupChat(r);
        }

        void later(long nanos, Runnable step) {
            timer.schedule(() -> {
                try {
                    step.run();
                } catch (RuntimeException e) {
                    finish(null, "delivery-error", e.toString(), null);
                }
            }, Math.max(0, nanos), TimeUnit.NANOSECONDS);
        }

        /** Platform waits, the conversation's permits, the bot's permit (reserved in line), then {@link #go}. */
        void next() {
            long blocked = limits.blockedFor(r);
            if (blocked > 0) {
                later(blocked, this::next);
                return;
            }
            long chatWait = limits.chatWait(api, r, group);
            if (chatWait > 0) {
                later(chatWait, this::next);
                return;
            }
            long botWait = limits.reserveBot(api, r);
            if (botWait > 0) {
                later(botWait, this::go);
            } else {
                go();
            }
        }

        /** The permits are due: the circuit, then the conversation's permits taken, then the token and the send. */
        void go() {
            long blocked = limits.blockedFor(r);
            if (blocked > 0) {
                // The platform asked for a pause meanwhile; the reserved permit lapses.
                later(blocked, this::next);
                return;
            }
            CircuitBreaker breaker = breakers.of(base);
            if (!breaker.tryAcquirePermission()) {
                listener.circuitWait(r.platform());
                long poll = Math.max(10, Math.min(1000, settings.breakerOpen().toMillis() / 4));
                later(TimeUnit.MILLISECONDS.toNanos(poll), this::next);
                return;
            }
            if (!limits.takeChat(api, r, group)) {
                breaker.releasePermission();
                later(Math.max(1, limits.chatWait(api, r, group)), this::next);
                return;
            }
            withToken(breaker);
        }

        void withToken(CircuitBreaker breaker) {
            TokenExchange exchange = api.tokenExchange();
            if (exchange == null) {
                request(breaker, null);
                return;
            }
            tokens.get(http, base, r.platform(), r.botId(), credentials, exchange, settings.requestTimeout())
                    .whenComplete((token, error) -> {
                        if (error == null) {
                            request(breaker, token);
                            return;
                        }
                        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                        if (cause instanceof OutboundRequest.Malformed m) {
                            breaker.releasePermission();
                            finish(null, m.errorClass(), m.getMessage(), null);
                        } else if (cause instanceof TokenExchange.Failed f && f.permanent()) {
                            breaker.onSuccess(0, TimeUnit.NANOSECONDS);
                            finish(null, "token-refused", f.getMessage(), null);
                        } else {
                            breaker.onError(0, TimeUnit.NANOSECONDS, cause);
                            retry(cause.toString(), null);
                        }
                    });
        }

        void request(CircuitBreaker breaker, String token) {
            HttpRequest request;
            try {
                request = api.build(base, r, credentials, token).timeout(settings.requestTimeout()).build();
            } catch (OutboundRequest.Malformed m) {
                breaker.releasePermission();
                finish(null, m.errorClass(), m.getMessage(), null);
                return;
            } catch (IllegalArgumentException e) {
                breaker.releasePermission();
                finish(null, "malformed-record", "cannot build the request: " + e.getMessage(), null);
                return;
            }
            attempts++;
            long sent = System.nanoTime();
            http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).whenComplete((response, error) -> {
                long took = System.nanoTime() - sent;
                try {
                    if (error != null) {
                        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                        breaker.onError(took, TimeUnit.NANOSECONDS, cause);
                        retry(cause instanceof HttpTimeoutException ? "timeout after " + settings.requestTimeout().toMillis() + " ms"
                                : cause instanceof IOException ? "connection: " + cause : cause.toString(), null);
                        return;
                    }
                    handle(breaker, token, response, took);
                } catch (RuntimeException e) {
                    finish(null, "delivery-error", e.toString(), null);
                }
            });
        }

        void handle(CircuitBreaker breaker, String token, HttpResponse<byte[]> response, long took) {
            int status = response.statusCode();
            Verdict v = api.classify(r, status, response.headers(), response.body());
            if (v instanceof Verdict.Transient t) {
                breaker.onError(took, TimeUnit.NANOSECONDS, new IOException(t.reason()));
                retry(t.reason(), status);
                return;
            }
            breaker.onSuccess(took, TimeUnit.NANOSECONDS);
            if (v instanceof Verdict.Accepted a) {
                Duration exhausted = api.exhaustedFor(response.headers());
                if (exhausted != null) {
                    limits.block(r, Verdict.Scope.CHAT, exhausted);
                }
                listener.accepted(r.platform(), System.nanoTime() - taken);
                finish(a.messageId(), null, null, status);
            } else if (v instanceof Verdict.RateLimited l) {
                listener.rateLimited(r.platform());
                Duration wait = l.pause() != null ? l.pause() : backoff(Math.max(1, failures + 1), settings.rateLimitFallback());
                limits.block(r, l.scope(), wait);
                later(0, this::next);
            } else if (v instanceof Verdict.TokenRejected t) {
                if (tokenRefreshed || token == null) {
                    finish(null, "token-refused", t.reason(), status);
                } else {
                    tokenRefreshed = true;
                    tokens.invalidate(r.platform(), r.botId(), base, token);
                    later(0, this::next);
                }
            } else {
                finish(null, "permanent", ((Verdict.Permanent) v).reason(), status);
            }
        }

        void retry(String reason, Integer status) {
            failures++;
            if (failures >= settings.maxAttempts()) {
                finish(null, "retries-exhausted", reason + " (after " + failures + " failed sends)", status);
                return;
            }
            listener.retried(r.platform());
            later(backoff(failures, settings.backoffInitial()).toNanos(), this::next);
        }

        /** Exponential, from {@code initial}, capped, with equal jitter (half fixed, half random). */
        Duration backoff(int n, Duration initial) {
            long cap = settings.backoffMax().toMillis();
            long exp = Math.min(cap, initial.toMillis() * (1L << Math.min(20, n - 1)));
            long half = exp / 2;
            return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(half + 1));
        }

        void finish(String messageId, String errorClass, String error, Integer status) {
            long now = System.currentTimeMillis();
            String sourceMessageId = r.record() == null ? null : r.record().header("source-message-id");
            DeliveryOutcome outcome = new DeliveryOutcome(r.idempotencyKey(), r.platform(), r.botId(), r.chatId(),
                    r.chatKey(), r.endpoint(), r.part(), sourceMessageId,
                    errorClass == null ? DeliveryOutcome.DELIVERED : DeliveryOutcome.FAILED, messageId, status,
                    errorClass, error, attempts, Math.max(0, now - r.sourceReceivedAt()),
                    (System.nanoTime() - taken) / 1_000_000, now);
            OutboundRecord deadLetter = errorClass == null ? null
                    : deadLetter(r.record(), errorClass, error, status, attempts, deadLetterTopic);
            if (errorClass != null) {
                listener.failed(r.platform(), errorClass);
            }
            appendUntilLogged(outcome, deadLetter, 0);
        }

        /** The log write must succeed before the conversation moves on: retried until Kafka takes it. */
        void appendUntilLogged(DeliveryOutcome outcome, OutboundRecord deadLetter, int tries) {
            log.append(outcome).whenComplete((x, e) -> {
                if (e == null) {
                    done.complete(new Result(outcome, deadLetter));
                } else if (tries < 5) {
                    later(backoff(tries + 1, Duration.ofMillis(200)).toNanos(), () -> appendUntilLogged(outcome, deadLetter, tries + 1));
                } else {
                    done.completeExceptionally(new IOException("the delivery log did not take the outcome of "
                            + outcome.idempotencyKey() + ": " + e, e));
                }
            });
        }
    }

    /** The dead letter of an abandoned record: its key, body and headers, with why. */
    public static OutboundRecord deadLetter(InboundRecord record, String errorClass, String error, Integer status,
            int attempts, String topic) {
        Map<String, String> headers = new HashMap<>(record.headers());
        headers.put("error-class", errorClass);
        headers.put("error", error == null ? errorClass : error);
        headers.put("attempts", Integer.toString(attempts));
        if (status != null) {
            headers.put("http-status", Integer.toString(status));
        }
        headers.put("source-topic", record.topic());
        headers.put("source-partition", Integer.toString(record.partition()));
        headers.put("source-offset", Long.toString(record.offset()));
        return new OutboundRecord(topic, record.key(), record.value() == null ? new byte[0] : record.value(), headers);
    }
}
