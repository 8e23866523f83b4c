package dev.switchboard.model;

/** Kafka header names of the topic contract (README, "Topics contract"). */
public final class Headers {
    // chat.in.<platform>
    public static final String BOT_ID = "bot-id";
    /** On replies: the version of the bot definition that wrote them. */
    public static final String BOT_VERSION = "bot-version";
    public static final String RECEIVED_AT = "received-at";

    // chat.out.<platform>
    public static final String ENDPOINT = "endpoint";
    public static final String IDEMPOTENCY_KEY = "idempotency-key";
    public static final String SOURCE_MESSAGE_ID = "source-message-id";
    public static final String SOURCE_RECEIVED_AT = "source-received-at";
    public static final String PRIORITY = "priority";
    public static final String PRIORITY_URGENT = "urgent";
    public static final String PART = "part";
    /** On a reply that answers with a knowledge entry: the entry's id. */
    public static final String KNOWLEDGE_ID = "knowledge-id";
    /** On a reply whose text a language model wrote: the model's name (as the bot definition names it). */
    public static final String GENERATED_BY = "generated-by";

    // chat.dlq
    public static final String SOURCE_TOPIC = "source-topic";
    public static final String SOURCE_PARTITION = "source-partition";
    public static final String SOURCE_OFFSET = "source-offset";
    public static final String ERROR = "error";
    public static final String ERROR_CLASS = "error-class";

    private Headers() {}
}
