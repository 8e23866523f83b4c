package dev.switchboard.model;

/** Values of {@link UnifiedMessage#kind()}. */
public final class MessageKind {
    public static final String TEXT = "text";
    public static final String IMAGE = "image";
    public static final String FILE = "file";
    public static final String AUDIO = "audio";
    public static final String VIDEO = "video";
    public static final String STICKER = "sticker";
    public static final String LOCATION = "location";
    public static final String COMMAND = "command";
    public static final String OTHER = "other";
    /** Not a user's message: a company's notification from {@code chat.notify}, sent by the bot. */
    public static final String NOTIFICATION = "notification";

    private MessageKind() {}
}
