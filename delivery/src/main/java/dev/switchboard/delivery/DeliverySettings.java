package dev.switchboard.delivery;

import java.io.Serializable;
import java.time.Duration;
import java.util.Map;

/**
 * How the delivery job sends (the {@code deliver} command's options).
 *
 * @param apiBases per platform, the scheme, host and port replacing the platform's own ({@code --api-base})
 * @param maxAttempts sends of one record that fail with a 5xx, a timeout or a connection error before it is
 *     dead-lettered (rate-limit waits and open-circuit waits are not attempts)
 * @param backoffInitial the first retry's wait; doubled each time, with full jitter
 * @param backoffMax the longest retry wait
 * @param rateLimitFallback the wait after a rate-limit answer that names none
 * @param requestTimeout longest wait for one platform answer
 * @param breakerFailureRate share of failed sends (in the last {@code breakerWindow}) that opens a host's circuit
 * @param breakerWindow sends the failure rate is measured over (also the minimum before it opens)
 * @param breakerOpen how long an open circuit waits before letting one probe through
 */
public record DeliverySettings(
        String topicPrefix,
        String defaultBotId,
        Map<String, String> apiBases,
        int maxAttempts,
        Duration backoffInitial,
        Duration backoffMax,
        Duration rateLimitFallback,
        Duration requestTimeout,
        float breakerFailureRate,
        int breakerWindow,
        Duration breakerOpen) implements Serializable {

    public DeliverySettings {
        apiBases = Map.copyOf(apiBases);
        for (String platform : apiBases.keySet()) {
            if (!PlatformApis.supports(platform)) {
                throw new IllegalArgumentException("--api-base: no platform '" + platform + "' (one of "
                        + PlatformApis.platforms() + ")");
            }
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("--max-attempts must be at least 1");
        }
    }

    public static DeliverySettings defaults(String topicPrefix, String defaultBotId) {
        return new DeliverySettings(topicPrefix, defaultBotId, Map.of(), 6, Duration.ofMillis(500),
                Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofSeconds(10), 0.5f, 20, Duration.ofSeconds(10));
    }

    public DeliverySettings withApiBases(Map<String, String> bases) {
        return new DeliverySettings(topicPrefix, defaultBotId, bases, maxAttempts, backoffInitial, backoffMax,
                rateLimitFallback, requestTimeout, breakerFailureRate, breakerWindow, breakerOpen);
    }

    /** The base for a platform, without a trailing slash. */
    public String base(PlatformApi api) {
        String b = apiBases.getOrDefault(api.platform(), api.defaultBase());
        return b.endsWith("/") ? b.substring(0, b.length() - 1) : b;
    }
}
