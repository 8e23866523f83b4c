package dev.switchboard.normalize;

import dev.switchboard.model.UnifiedMessage;

import java.math.BigDecimal;

/** Platform time formats to epoch milliseconds. */
public final class Timestamps {
    private Timestamps() {}

    /** Latest Unix time in seconds taken as plausible (year 5138); beyond it a value is not a time. */
    static final long MAX_SECONDS = 99_999_999_999L;

    /**
     * Unix seconds (Telegram {@code date}, WhatsApp {@code timestamp}, WeChat {@code CreateTime}) to ms, or
     * {@link UnifiedMessage#NO_TIMESTAMP} when the value is missing or not a time: the time is metadata, and the
     * caller takes the record's {@code received-at} instead of losing the message.
     */
    public static long secondsToMillis(Long seconds) {
        if (seconds == null || seconds < 0 || seconds > MAX_SECONDS) {
            return UnifiedMessage.NO_TIMESTAMP;
        }
        return seconds * 1000L;
    }

    /** Epoch milliseconds as the payload gave them (LINE, Feishu, DingTalk), or {@link UnifiedMessage#NO_TIMESTAMP}. */
    public static long millis(Long millis) {
        if (millis == null || millis < 0 || millis > MAX_SECONDS * 1000L) {
            return UnifiedMessage.NO_TIMESTAMP;
        }
        return millis;
    }

    /** An ISO-8601 instant with offset (Discord {@code timestamp}) to ms; {@link UnifiedMessage#NO_TIMESTAMP} when it is not one. */
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
