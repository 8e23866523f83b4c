package dev.switchboard.normalize;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The normalizer of each supported platform. */
public final class Normalizers {
    private static final Map<String, Normalizer> BY_PLATFORM = new TreeMap<>();

    static {
        for (Normalizer n : new Normalizer[] {new TelegramNormalizer(), new SlackNormalizer(), new WhatsAppNormalizer(),
                new DiscordNormalizer(), new LineNormalizer()}) {
            BY_PLATFORM.put(n.platform(), n);
        }
    }

    private Normalizers() {}

    public static Optional<Normalizer> forPlatform(String platform) {
        return Optional.ofNullable(BY_PLATFORM.get(platform));
    }

    public static java.util.Set<String> platforms() {
        return BY_PLATFORM.keySet();
    }
}
