package dev.switchboard.normalize;

import java.math.BigDecimal;

/** Platform time formats to epoch milliseconds. */
public final class Timestamps {
    private Timestamps() {}

    /** Unix seconds (Telegram {@code date}, WhatsApp {@code timestamp}) to ms. */
    public static long secondsToMillis(long seconds) {
        return Math.multiplyExact(seconds, 1000L);
    }

    /**
     * A Slack {@code ts} ("1515449522.000016": seconds, a dot, microseconds; also a message id) to ms.
     * Returns -1 when it is not such a value.
     */
    public static long slackTsToMillis(String ts) {
        if (ts == null || ts.isEmpty() || ts.length() > 32) {
            return -1;
        }
        try {
            BigDecimal seconds = new BigDecimal(ts);
            if (seconds.signum() < 0) {
                return -1;
            }
            return seconds.movePointRight(3).longValue();
        } catch (NumberFormatException | ArithmeticException e) {
            return -1;
        }
    }
}
