package dev.switchboard.normalize;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** The normalizer of each supported platform, with the bots' secrets for encrypted callbacks. */
public final class Normalizers {
    private static final Normalizers DEFAULT = new Normalizers(BotSettings.NONE);

    private final Map<String, Normalizer> byPlatform = new TreeMap<>();

    private Normalizers(BotSettings secrets) {
        for (Normalizer n : new Normalizer[] {new TelegramNormalizer(), new SlackNormalizer(), new WhatsAppNormalizer(),
                new DiscordNormalizer(), new LineNormalizer(), new FeishuNormalizer(secrets), new DingTalkNormalizer(),
                new WeChatFamilyNormalizer(dev.switchboard.model.Platforms.WECOM, secrets),
                new WeChatFamilyNormalizer(dev.switchboard.model.Platforms.WECHAT, secrets), new WebNormalizer()}) {
            byPlatform.put(n.platform(), n);
        }
    }

    public static Normalizers with(BotSettings secrets) {
        return secrets == null || secrets.isEmpty() ? DEFAULT : new Normalizers(secrets);
    }

    public Optional<Normalizer> get(String platform) {
        return Optional.ofNullable(byPlatform.get(platform));
    }

    /** Without secrets: encrypted callbacks are refused with a reason. */
    public static Optional<Normalizer> forPlatform(String platform) {
        return DEFAULT.get(platform);
    }

    public static Set<String> platforms() {
        return DEFAULT.byPlatform.keySet();
    }
}
