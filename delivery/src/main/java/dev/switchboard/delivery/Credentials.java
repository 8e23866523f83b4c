package dev.switchboard.delivery;

import dev.switchboard.normalize.BotSettings;

import java.io.Serializable;

/** A bot's platform credentials from the bots file ({@code <bot>.<platform>.<name>}, {@code *} for every bot). */
public record Credentials(BotSettings settings) implements Serializable {

    public String optional(String botId, String platform, String name) {
        String v = settings.get(botId, platform, name);
        return v == null || v.isBlank() ? null : v;
    }

    /** The value, or a dead letter ({@code no-credentials}) naming the missing key. */
    public String require(String botId, String platform, String name) throws OutboundRequest.Malformed {
        String v = optional(botId, platform, name);
        if (v == null) {
            throw new OutboundRequest.Malformed("no-credentials",
                    "the bots file has no " + botId + "." + platform + "." + name + " (nor *." + platform + "." + name + ")");
        }
        return v;
    }
}
