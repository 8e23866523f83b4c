package dev.switchboard.model;

/**
 * A payload that cannot be read as what its topic promises. The message is the human-readable reason
 * that goes into the dead-letter record's {@code error} header; {@link #errorClass()} a short stable
 * category for {@code error-class}.
 */
public class MalformedPayloadException extends Exception {
    private static final long serialVersionUID = 1L;

    public static final String MALFORMED = "malformed-payload";
    public static final String UNKNOWN = "unknown-payload";
    public static final String UNSUPPORTED_PLATFORM = "unsupported-platform";
    /** Not a payload error: the record's bot-id names no bot this job answers. */
    public static final String UNKNOWN_BOT = "unknown-bot";

    private final String errorClass;

    public MalformedPayloadException(String errorClass, String message) {
        super(message);
        this.errorClass = errorClass;
    }

    public static MalformedPayloadException malformed(String message) {
        return new MalformedPayloadException(MALFORMED, message);
    }

    public static MalformedPayloadException unknown(String message) {
        return new MalformedPayloadException(UNKNOWN, message);
    }

    public String errorClass() {
        return errorClass;
    }
}
