package dev.switchboard.model;

/**
 * What the identity step made of a message that is not a question for the bot: the outcome of a link command,
 * or a company's notification and where it could (not) be delivered. Null on every other message.
 *
 * @param kind one of the constants below
 * @param detail what the kind needs: the link code, the attempts left, the minutes locked, or why a notification
 *     has no route
 * @param urgent a notification's priority is {@code urgent}
 */
public record Control(String kind, String detail, boolean urgent) {
    /** {@code /link}: a code was issued; detail: the code. */
    public static final String LINK_CODE = "link-code";
    /** {@code /link <code>}: the accounts are one person now. */
    public static final String LINKED = "linked";
    /** {@code /link <code>} with a wrong or expired code; detail: attempts left before linking locks. */
    public static final String WRONG_CODE = "wrong-code";
    /** Too many wrong codes; detail: minutes until linking unlocks. */
    public static final String LINK_LOCKED = "link-locked";
    /** {@code /link <code>} with the code this very account asked for. */
    public static final String OWN_CODE = "own-code";
    /** {@code /unlink}: the account has a session of its own again. */
    public static final String UNLINKED = "unlinked";
    /** {@code /unlink} from an account that is not linked. */
    public static final String NOT_LINKED = "not-linked";
    /** A link command in a group chat: linking works in direct chats only. */
    public static final String DIRECT_ONLY = "link-direct-only";
    /** A link command while Redis cannot be reached (or the job runs without Redis). */
    public static final String LINK_UNAVAILABLE = "link-unavailable";
    /** A notification from {@code chat.notify}, routed. */
    public static final String NOTIFY = "notify";
    /** A notification that cannot be delivered; detail: why. Dead-lettered ({@code no-route}). */
    public static final String NO_ROUTE = "no-route";

    public static Control of(String kind) {
        return new Control(kind, null, false);
    }

    public static Control of(String kind, String detail) {
        return new Control(kind, detail, false);
    }

    /** The same notification, undeliverable for {@code reason}. */
    public Control noRoute(String reason) {
        return new Control(NO_ROUTE, reason, urgent);
    }

    public boolean is(String k) {
        return kind.equals(k);
    }

    /** Whether this is the outcome of a link command (answered from the bot's linking replies). */
    public boolean isLinking() {
        return !NOTIFY.equals(kind) && !NO_ROUTE.equals(kind);
    }
}
