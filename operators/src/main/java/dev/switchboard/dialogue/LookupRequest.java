package dev.switchboard.dialogue;

import java.util.Map;

/**
 * A reply that shows live data: the Redis hash to read and what to say when it does not exist or Redis does not
 * answer. The reply's own text keeps its {@code {lookup.<field>}} placeholders for the lookup step to fill.
 *
 * @param key the Redis hash's key, its slots filled
 * @param notFound the reply when the hash does not exist
 * @param unavailable the reply when Redis does not answer in time
 */
public record LookupRequest(String key, String notFound, String unavailable) {

    /** The built-in {@code not_found} and {@code unavailable} words, per language (others get English). */
    static final Map<String, String> NOT_FOUND = Map.of(
            "en", "I couldn't find that. Please check it and try again.",
            "zh", "没有找到相关记录，请核对后重试。");
    static final Map<String, String> UNAVAILABLE = Map.of(
            "en", "I can't look that up right now. Please try again in a few minutes.",
            "zh", "暂时无法查询，请几分钟后再试。");
}
