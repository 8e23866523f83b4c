package dev.switchboard.understand;

import java.util.Locale;

/** What a user wants, as far as the policy distinguishes. */
public enum Intent {
    GREETING,
    ORDER_STATUS,
    REFUND,
    HUMAN_HANDOFF,
    COMPLAINT,
    GOODBYE,
    THANKS,
    OTHER;

    /** The lower-case label used in models, state and records ({@code order_status}). */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Intent ofLabel(String label) {
        return valueOf(label.toUpperCase(Locale.ROOT));
    }
}
