package dev.switchboard.delivery;

import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.time.Duration;

/**
 * One platform's send API: where a record's body goes and with which credentials, and what each answer means.
 * Implementations are stateless; {@link PlatformApis} holds one of each.
 */
public interface PlatformApi {

    String platform();

    /** Scheme, host and port of the platform's API ({@code --api-base <platform>=URL} replaces it). */
    String defaultBase();

    /** The documented rate limits this platform starts with (see {@link RateLimits}). */
    Limits limits();

    /** How the bot's access token is obtained, or null when the bots file holds it as is. */
    default TokenExchange tokenExchange() {
        return null;
    }

    /**
     * The request for one record.
     *
     * @param base the API base without a trailing slash
     * @param token the exchanged access token, or null for platforms without an exchange
     */
    HttpRequest.Builder build(String base, OutboundRequest r, Credentials credentials, String token)
            throws OutboundRequest.Malformed;

    /** What the platform's answer means. */
    Verdict classify(OutboundRequest r, int status, HttpHeaders headers, byte[] body);

    /** Whether the record goes to a group conversation, for a platform with a per-group limit. */
    default boolean groupChat(OutboundRequest r) {
        return false;
    }

    /**
     * After an accepted send: how long the platform says this conversation's route has no request left (Discord's
     * {@code X-RateLimit-Remaining: 0} with {@code X-RateLimit-Reset-After}), or null.
     */
    default Duration exhaustedFor(HttpHeaders headers) {
        return null;
    }

    /**
     * A platform's documented limits: per conversation, per group conversation (on top of the former), per bot.
     * Null means no limit of that kind.
     */
    record Limits(Rate perChat, Rate perGroup, Rate perBot, String source) {}

    /** {@code permits} per {@code period}, as a token bucket of that capacity refilled evenly over the period. */
    record Rate(long permits, Duration period) {
        public Rate {
            if (permits <= 0 || period == null || period.isNegative() || period.isZero()) {
                throw new IllegalArgumentException("a rate is a positive count per positive period");
            }
        }

        /** {@code 30/1s}, {@code 20/1min}, {@code none} (null). */
        public static Rate parse(String text) {
            String t = text.trim();
            if (t.equalsIgnoreCase("none")) {
                return null;
            }
            int slash = t.indexOf('/');
            if (slash <= 0) {
                throw new IllegalArgumentException("rate '" + text + "' is not <count>/<duration> (e.g. 30/1s, 20/1min) or none");
            }
            try {
                return new Rate(Long.parseLong(t.substring(0, slash).trim()), Durations.parse(t.substring(slash + 1)));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("rate '" + text + "' is not <count>/<duration> (e.g. 30/1s, 20/1min) or none");
            }
        }

        @Override
        public String toString() {
            return permits + "/" + Durations.format(period);
        }
    }
}
