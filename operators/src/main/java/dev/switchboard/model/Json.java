package dev.switchboard.model;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.math.BigDecimal;

/**
 * JSON reading shared by the normalizers: one mapper with tight limits (webhook payloads are small and
 * shallow; a 1,000-level array is an attack, not a message) and lenient field accessors that turn
 * platform ids of any JSON type into strings.
 */
public final class Json {

    /** Largest payload a normalizer reads; platform webhooks stay far below it. */
    public static final int MAX_PAYLOAD_BYTES = 1 << 20;

    public static final ObjectMapper MAPPER = JsonMapper.builder(
                    JsonFactory.builder()
                            .streamReadConstraints(StreamReadConstraints.builder()
                                    .maxNestingDepth(64)
                                    .maxStringLength(MAX_PAYLOAD_BYTES)
                                    .maxNumberLength(64)
                                    .build())
                            .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private Json() {}

    /** Parses a payload that must be one JSON object. */
    public static JsonNode readObject(byte[] payload, String platform) throws MalformedPayloadException {
        if (payload == null || payload.length == 0) {
            throw MalformedPayloadException.malformed(platform + ": empty payload");
        }
        if (payload.length > MAX_PAYLOAD_BYTES) {
            throw MalformedPayloadException.malformed(
                    platform + ": payload of " + payload.length + " bytes exceeds " + MAX_PAYLOAD_BYTES);
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(payload);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw MalformedPayloadException.malformed(
                    platform + ": not valid JSON" + where + ": " + firstLine(e.getOriginalMessage()));
        } catch (IOException | RuntimeException e) {
            throw MalformedPayloadException.malformed(platform + ": not valid JSON: " + firstLine(e.getMessage()));
        }
        if (root == null || !root.isObject()) {
            throw MalformedPayloadException.malformed(platform + ": payload is not a JSON object");
        }
        return root;
    }

    /** An id of any JSON scalar type as a string (numbers exactly, never in exponent form), or null. */
    public static String id(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        if (node.isTextual()) {
            String s = node.textValue();
            return s.isEmpty() ? null : s;
        }
        if (node.isIntegralNumber()) {
            return node.bigIntegerValue().toString();
        }
        if (node.isNumber()) {
            if (node.isFloatingPointNumber() && !Double.isFinite(node.doubleValue()) && !node.isBigDecimal()) {
                return null;
            }
            BigDecimal d = node.decimalValue().stripTrailingZeros();
            return d.scale() <= 0 ? d.toBigInteger().toString() : d.toPlainString();
        }
        return null;
    }

    public static String id(JsonNode parent, String field) {
        return parent == null ? null : id(parent.get(field));
    }

    /** A required id; the path names it in the error. */
    public static String requireId(JsonNode parent, String field, String path) throws MalformedPayloadException {
        String v = id(parent, field);
        if (v == null) {
            throw MalformedPayloadException.malformed(path + " is missing or not an id");
        }
        return v;
    }

    /** A string field, or null when absent or not a string. */
    public static String text(JsonNode parent, String field) {
        if (parent == null) {
            return null;
        }
        JsonNode n = parent.get(field);
        return n != null && n.isTextual() ? n.textValue() : null;
    }

    /** A string field, or null when absent, not a string or empty. */
    public static String nonEmptyText(JsonNode parent, String field) {
        String s = text(parent, field);
        return s == null || s.isEmpty() ? null : s;
    }

    public static Long longValue(JsonNode parent, String field) {
        if (parent == null) {
            return null;
        }
        JsonNode n = parent.get(field);
        if (n == null) {
            return null;
        }
        if (n.isIntegralNumber() && n.canConvertToLong()) {
            return n.longValue();
        }
        if (n.isTextual()) {
            try {
                return Long.parseLong(n.textValue().trim());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    public static boolean bool(JsonNode parent, String field) {
        if (parent == null) {
            return false;
        }
        JsonNode n = parent.get(field);
        return n != null && n.isBoolean() && n.booleanValue();
    }

    /** A child object, or null when absent or not an object. */
    public static JsonNode object(JsonNode parent, String field) {
        if (parent == null) {
            return null;
        }
        JsonNode n = parent.get(field);
        return n != null && n.isObject() ? n : null;
    }

    /** A child array, or an empty array when absent; a present non-array is an error. */
    public static Iterable<JsonNode> array(JsonNode parent, String field, String path)
            throws MalformedPayloadException {
        JsonNode n = parent == null ? null : parent.get(field);
        if (n == null || n.isNull()) {
            return java.util.List.of();
        }
        if (!n.isArray()) {
            throw MalformedPayloadException.malformed(path + " is not an array");
        }
        return n;
    }

    /** The first non-null value, or null. */
    @SafeVarargs
    public static <T> T firstNonNull(T... values) {
        for (T v : values) {
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    public static String firstLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        // Jackson appends where an unclosed object began; the line and column above say enough.
        s = s.replaceAll("\\s*\\(start marker at \\[Source:[^\\]]*\\]\\)", "");
        int nl = s.indexOf('\n');
        String line = nl < 0 ? s : s.substring(0, nl);
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }
}
