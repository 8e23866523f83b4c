package dev.switchboard.model;

/** Values of {@link UnifiedMessage#chatType()}. */
public final class ChatType {
    public static final String DIRECT = "direct";
    public static final String GROUP = "group";
    public static final String CHANNEL = "channel";

    private ChatType() {}
}
