package dev.switchboard.functions;

import dev.switchboard.model.InboundMessage;
import dev.switchboard.understand.Understanding;

/** A normalized message with what the understand step made of it. */
public record UnderstoodMessage(InboundMessage inbound, Understanding understanding) {}
