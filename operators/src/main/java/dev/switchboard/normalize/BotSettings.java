package dev.switchboard.normalize;

import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;

/**
 * Per-bot platform settings: the bot's own identity on each platform ({@code user-id}, and
 * {@code username} for Telegram), which tells whether a group message is addressed to it, and the
 * secrets the normalizers need to read encrypted callbacks (Feishu's {@code encrypt-key}, WeCom/WeChat's
 * {@code token}, {@code aes-key} and {@code receive-id}). Keys are {@code <botId>.<platform>.<name>}
 * (for example {@code acme.feishu.encrypt-key}); a bot without its own entry falls back to
 * {@code *.<platform>.<name>}.
 */
public final class BotSettings implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final BotSettings NONE = new BotSettings(Map.of());

    private final Map<String, String> values;

    public BotSettings(Map<String, String> values) {
        this.values = new TreeMap<>(values);
    }

    public String get(String botId, String platform, String name) {
        String v = values.get(botId + "." + platform + "." + name);
        return v != null ? v : values.get("*." + platform + "." + name);
    }

    public boolean isEmpty() {
        return values.isEmpty();
    }

    /** The bot ids that have {@code <bot>.<platform>.<name>} of their own ({@code *} not included), in order. */
    public java.util.SortedSet<String> botsWith(String platform, String name) {
        java.util.SortedSet<String> bots = new java.util.TreeSet<>();
        String suffix = "." + platform + "." + name;
        for (String key : values.keySet()) {
            if (key.endsWith(suffix) && !key.startsWith("*.")) {
                bots.add(key.substring(0, key.length() - suffix.length()));
            }
        }
        return bots;
    }

    /**
     * Reads a bots file (Java properties, {@code <bot>.<platform>.<name>=value}); the values are secrets, so keep the
     * file out of version control. A key of another shape is an error naming the file and the key.
     */
    public static BotSettings fromFile(java.nio.file.Path file) {
        java.util.Properties props = new java.util.Properties();
        try (var reader = java.nio.file.Files.newBufferedReader(file)) {
            props.load(reader);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("--bots-file " + file + " cannot be read: " + e.getMessage());
        }
        Map<String, String> values = new TreeMap<>();
        for (String name : props.stringPropertyNames()) {
            if (name.split("\\.").length < 3) {
                throw new IllegalArgumentException("--bots-file " + file + ": key '" + name + "' is not <bot>.<platform>.<name>");
            }
            values.put(name, props.getProperty(name).trim());
        }
        return new BotSettings(values);
    }
}
