package dev.switchboard.format;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The formatter of each supported platform. */
public final class Formatters {
    private static final Map<String, Formatter> BY_PLATFORM = new TreeMap<>();

    static {
        for (Formatter f : new Formatter[] {new TelegramFormatter(), new SlackFormatter(), new WhatsAppFormatter(),
                new DiscordFormatter(), new LineFormatter(), new FeishuFormatter(), new DingTalkFormatter(),
                new WeComFormatter(), new WeChatFormatter(), new WebFormatter()}) {
            BY_PLATFORM.put(f.platform(), f);
        }
    }

    private Formatters() {}

    public static Optional<Formatter> forPlatform(String platform) {
        return Optional.ofNullable(BY_PLATFORM.get(platform));
    }
}
