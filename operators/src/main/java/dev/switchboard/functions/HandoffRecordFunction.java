package dev.switchboard.functions;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.switchboard.model.Headers;
import dev.switchboard.model.Json;
import dev.switchboard.model.OutboundRecord;
import dev.switchboard.model.Topics;
import org.apache.flink.api.common.functions.MapFunction;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** Handoff requests to JSON records on {@code chat.handoff}, keyed by session. */
public class HandoffRecordFunction implements MapFunction<HandoffRequest, OutboundRecord> {
    private static final long serialVersionUID = 1L;

    private final Topics topics;

    public HandoffRecordFunction(Topics topics) {
        this.topics = topics;
    }

    @Override
    public OutboundRecord map(HandoffRequest request) throws JsonProcessingException {
        Map<String, String> headers = new HashMap<>();
        headers.put(Headers.BOT_ID, request.botId());
        headers.put(Headers.SOURCE_MESSAGE_ID, request.sourceMessageId());
        if (request.urgent()) {
            headers.put(Headers.PRIORITY, Headers.PRIORITY_URGENT);
        }
        return new OutboundRecord(topics.handoff(), request.sessionKey().getBytes(StandardCharsets.UTF_8),
                Json.MAPPER.writeValueAsBytes(request), headers);
    }
}
