package dev.switchboard.normalize;

import dev.switchboard.model.MalformedPayloadException;

/**
 * Turns one raw platform payload into unified messages. Implementations are plain Java, stateless and
 * thread-safe, and never throw anything but {@link MalformedPayloadException} for bad input.
 *
 * <p>What is essential decides what is malformed: a payload the bot cannot understand (no message id, no
 * conversation, not the platform's shape) is refused with a reason; missing metadata is not. A message whose
 * payload has no usable time gets {@link dev.switchboard.model.UnifiedMessage#NO_TIMESTAMP}, and the caller
 * fills in when the record was received ({@link Normalized#withTimestampsIfMissing}).
 */
public interface Normalizer {

    /** The platform name, as in {@code chat.in.<platform>}. */
    String platform();

    /**
     * @param payload the raw bytes as the platform sent them
     * @param botId the bot/tenant that received it
     * @return the messages it carries (possibly several) and the non-message events it carries
     * @throws MalformedPayloadException when the payload is not a valid payload of this platform
     */
    Normalized normalize(byte[] payload, String botId) throws MalformedPayloadException;

    /**
     * With the Kafka headers the ingress passed along (some platforms sign or encrypt with values that
     * arrive outside the body, such as WeCom's {@code msg_signature}, {@code timestamp}, {@code nonce}).
     */
    default Normalized normalize(byte[] payload, String botId, java.util.Map<String, String> headers)
            throws MalformedPayloadException {
        return normalize(payload, botId);
    }
}
