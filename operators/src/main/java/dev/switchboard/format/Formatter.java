package dev.switchboard.format;

import java.util.List;

/** Builds a platform's real send-request bodies; plain Java, stateless, thread-safe. */
public interface Formatter {

    String platform();

    /** Longest text one request may carry, in UTF-16 code units. */
    int maxTextLength();

    /**
     * One request per part: replies longer than {@link #maxTextLength()} are split on word boundaries
     * and only the first part quotes the message it answers.
     *
     * @throws IllegalArgumentException when the reply lacks what the platform needs (chat id, text)
     */
    List<PlatformRequest> format(Reply reply);
}
