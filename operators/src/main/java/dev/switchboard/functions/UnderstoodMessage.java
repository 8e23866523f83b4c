package dev.switchboard.functions;

import dev.switchboard.understand.Understanding;
import dev.switchboard.model.InboundMessage;

/** A normalized message with what the understand step made of it. */
public record UnderstoodMessage(InboundMessage inbound, Understanding understanding) {}
