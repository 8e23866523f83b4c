package dev.switchboard.normalize;

import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;

/**
 * Per-bot platform secrets the normalizers need to read encrypted callbacks: Feishu's Encrypt Key,
 * WeCom/WeChat's Token, EncodingAESKey and receiver id. Keys are {@code <botId>.<platform>.<name>}
 * (for example {@code acme.feishu.encrypt-key}); a bot without its own entry falls back to
 * {@code *.<platform>.<name>}.
 */
public final class BotSecrets implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final BotSecrets NONE = new BotSecrets(Map.of());

    private final Map<String, String> values;

    public BotSecrets(Map<String, String> values) {
        this.values = new TreeMap<>(values);
    }

    public String get(String botId, String platform, String name) {
        String v = values.get(botId + "." + platform + "." + name);
        return v != null ? v : values.get("*." + platform + "." + name);
    }

    public boolean isEmpty() {
        return values.isEmpty();
    }
}
