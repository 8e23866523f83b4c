package dev.switchboard.format;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.Json;

/** Small helpers shared by the JSON formatters. */
final class Bodies {
    private Bodies() {}

    static ObjectNode object() {
        return Json.MAPPER.createObjectNode();
    }

    static String write(ObjectNode body) {
        try {
            return Json.MAPPER.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a JSON tree", e);
        }
    }

    /** Puts an id as a JSON number when it is an integer that fits a long, else as a string. */
    static void putId(ObjectNode node, String field, String id) {
        Long n = asLong(id);
        if (n != null) {
            node.put(field, n);
        } else {
            node.put(field, id);
        }
    }

    static Long asLong(String id) {
        if (id == null || id.isEmpty() || id.length() > 20) {
            return null;
        }
        try {
            return Long.parseLong(id);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static void require(Reply reply, String platform) {
        if (reply == null) {
            throw new IllegalArgumentException(platform + ": no reply");
        }
        if (reply.chatId() == null || reply.chatId().isBlank()) {
            throw new IllegalArgumentException(platform + ": reply has no chatId");
        }
        if (reply.text() == null || reply.text().isBlank()) {
            throw new IllegalArgumentException(platform + ": reply has no text");
        }
    }
}
