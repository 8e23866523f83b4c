package dev.switchboard.normalize;

import dev.switchboard.model.MalformedPayloadException;

import java.math.BigDecimal;

/** Platform time formats to epoch milliseconds. */
public final class Timestamps {
    private Timestamps() {}

    /** Latest Unix time in seconds taken as plausible (year 5138); beyond it a value is not a time. */
    static final long MAX_SECONDS = 99_999_999_999L;

    /** Unix seconds (Telegram {@code date}, WhatsApp {@code timestamp}) to ms; {@code path} names it in errors. */
    public static long secondsToMillis(Long seconds, String path) throws MalformedPayloadException {
        if (seconds == null || seconds < 0 || seconds > MAX_SECONDS) {
            throw MalformedPayloadException.malformed(path + " is missing or not a Unix time");
        }
        return seconds * 1000L;
    }

    /** An ISO-8601 instant with offset (Discord {@code timestamp}) to ms; -1 when it is not one. */
    public static long isoToMillis(String iso) {
        if (iso == null || iso.length() > 40) {
            return -1;
        }
        try {
            return java.time.OffsetDateTime.parse(iso).toInstant().toEpochMilli();
        } catch (java.time.format.DateTimeParseException | ArithmeticException e) {
            return -1;
        }
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
            if (seconds.signum() < 0 || seconds.compareTo(BigDecimal.valueOf(MAX_SECONDS)) > 0) {
                return -1;
            }
            return seconds.movePointRight(3).longValue();
        } catch (NumberFormatException | ArithmeticException e) {
            return -1;
        }
    }
}
