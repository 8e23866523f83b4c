package dev.switchboard.delivery;

import java.time.Duration;

/** What a platform's answer to one send means for the delivery. */
public sealed interface Verdict {

    /** Which requests a rate-limit wait holds back. */
    enum Scope {
        /** This conversation only (a per-chat or per-route limit). */
        CHAT,
        /** Every conversation of the bot on this platform (an app-, number- or token-wide limit). */
        BOT
    }

    /** The platform took the message. {@code messageId} when its answer names one. */
    record Accepted(String messageId) implements Verdict {}

    /** Too many requests: nothing more to that scope before {@code pause} is over (null: the platform gave none). */
    record RateLimited(Duration pause, Scope scope, String reason) implements Verdict {}

    /** The access token was refused as expired or invalid: fetch a new one and send again, once. */
    record TokenRejected(String reason) implements Verdict {}

    /** Worth another try later (5xx, a platform's "busy" code, a timeout, a connection error). */
    record Transient(String reason) implements Verdict {}

    /** Will never succeed as it is (bad request, bad credentials, chat not found, bot blocked, ...). */
    record Permanent(String reason) implements Verdict {}
}
