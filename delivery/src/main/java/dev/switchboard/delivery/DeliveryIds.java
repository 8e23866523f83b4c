package dev.switchboard.delivery;

/** The delivery job's operator uids: savepoints map state by them, so they never change. */
public final class DeliveryIds {
    public static final String SOURCE = "kafka-source-chat-out";
    public static final String GATE = "delivery-gate";
    public static final String SEND = "send";
    public static final String SINK_DEAD_LETTERS = "kafka-sink-delivery-dlq";

    private DeliveryIds() {}
}
