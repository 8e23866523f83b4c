package dev.switchboard.delivery;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * One circuit breaker per platform API host (Resilience4j): when at least half the sends of the last window
 * failed with a 5xx, a timeout or a connection error, the circuit opens; records then wait (they are not
 * dropped, and do not count as attempts) until the open time is over, when one probe goes through: success
 * closes it, failure opens it again. Answers that show the host is up (accepted, rate limited, a permanent
 * error) count as successes.
 */
public final class HostBreakers {
    private final CircuitBreakerRegistry registry;
    private final Map<String, CircuitBreaker> byHost = new ConcurrentHashMap<>();
    private final BiConsumer<String, CircuitBreaker> onCreate;

    public HostBreakers(DeliverySettings settings, BiConsumer<String, CircuitBreaker> onCreate) {
        this.registry = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
                .failureRateThreshold(settings.breakerFailureRate() * 100)
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(settings.breakerWindow())
                .minimumNumberOfCalls(settings.breakerWindow())
                .waitDurationInOpenState(settings.breakerOpen())
                .permittedNumberOfCallsInHalfOpenState(1)
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .build());
        this.onCreate = onCreate;
    }

    public CircuitBreaker of(String url) {
        String host = URI.create(url).getAuthority();
        return byHost.computeIfAbsent(host, h -> {
            CircuitBreaker b = registry.circuitBreaker(h);
            onCreate.accept(h, b);
            return b;
        });
    }
}
