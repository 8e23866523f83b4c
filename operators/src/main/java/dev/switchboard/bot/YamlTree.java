package dev.switchboard.bot;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML document as a tree that remembers where each key and value stands, so that the checker can say
 * {@code file:line:column} for every problem. Read with Jackson's YAML parser; duplicate keys are problems,
 * not silently the last one.
 */
final class YamlTree {
    private YamlTree() {}

    /** Largest definition read; a bot definition is text a person writes. */
    static final int MAX_BYTES = 4 << 20;

    sealed interface Node permits MapNode, ListNode, Scalar {
        int line();

        int column();

        /** What the node is, for messages: "a map", "a list", "a string" ... */
        String describe();
    }

    /** A key with its position and its value. */
    record Entry(String key, int line, int column, Node value) {}

    record MapNode(Map<String, Entry> entries, int line, int column) implements Node {
        Entry get(String key) {
            return entries.get(key);
        }

        @Override
        public String describe() {
            return "a map";
        }
    }

    record ListNode(List<Node> items, int line, int column) implements Node {
        @Override
        public String describe() {
            return "a list";
        }
    }

    /** A scalar as written ({@code null} for YAML's null); {@code token} says whether YAML read a string, a number, ... */
    record Scalar(String text, JsonToken token, int line, int column) implements Node {
        boolean isNull() {
            return token == JsonToken.VALUE_NULL;
        }

        @Override
        public String describe() {
            return switch (token) {
                case VALUE_NULL -> "empty";
                case VALUE_TRUE, VALUE_FALSE -> "a boolean";
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
                default -> "a string";
            };
        }
    }

    /** The parsed root, or null when the text is not YAML (then {@code problems} says where). */
    static Node parse(byte[] yaml, String file, List<Problem> problems) {
        if (yaml.length > MAX_BYTES) {
            problems.add(new Problem(file, 1, 1, "the file has " + yaml.length + " bytes; a definition may have at most "
                    + MAX_BYTES));
            return null;
        }
        YAMLFactory factory = YAMLFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(32).build())
                .build();
        try (JsonParser parser = factory.createParser(yaml)) {
            if (parser.nextToken() == null) {
                problems.add(new Problem(file, 1, 1, "the file is empty"));
                return null;
            }
            Node root = read(parser, file, problems);
            if (parser.nextToken() != null) {
                JsonLocation at = parser.currentTokenLocation();
                problems.add(new Problem(file, line(at), column(at), "a second YAML document; a file holds one bot"));
            }
            return root;
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            problems.add(new Problem(file, at == null ? 1 : line(at), at == null ? 1 : column(at),
                    "not valid YAML: " + firstLine(e.getOriginalMessage())));
            return null;
        } catch (IOException e) {
            problems.add(new Problem(file, 1, 1, "cannot read: " + e.getMessage()));
            return null;
        }
    }

    private static Node read(JsonParser parser, String file, List<Problem> problems) throws IOException {
        JsonLocation at = parser.currentTokenLocation();
        JsonToken token = parser.currentToken();
        switch (token) {
            case START_OBJECT -> {
                Map<String, Entry> entries = new LinkedHashMap<>();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    JsonLocation keyAt = parser.currentTokenLocation();
                    String key = parser.currentName();
                    parser.nextToken();
                    Node value = read(parser, file, problems);
                    if (entries.containsKey(key)) {
                        Entry first = entries.get(key);
                        problems.add(new Problem(file, line(keyAt), column(keyAt), "duplicate key '" + key
                                + "' (first at line " + first.line() + ")"));
                    } else {
                        entries.put(key, new Entry(key, line(keyAt), column(keyAt), value));
                    }
                }
                return new MapNode(Collections.unmodifiableMap(entries), line(at), column(at));
            }
            case START_ARRAY -> {
                List<Node> items = new ArrayList<>();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    items.add(read(parser, file, problems));
                }
                return new ListNode(List.copyOf(items), line(at), column(at));
            }
            default -> {
                return new Scalar(token == JsonToken.VALUE_NULL ? null : parser.getText(), token, line(at), column(at));
            }
        }
    }

    private static int line(JsonLocation at) {
        return Math.max(1, at.getLineNr());
    }

    private static int column(JsonLocation at) {
        return Math.max(1, at.getColumnNr());
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int nl = message.indexOf('\n');
        return (nl < 0 ? message : message.substring(0, nl)).strip();
    }
}
