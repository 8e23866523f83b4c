package dev.switchboard.redis;

import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A Redisson client from what a user gives: {@code redis://host:port} (or {@code rediss://} for TLS), or the path
 * of a Redisson YAML configuration file (Sentinel, Cluster, TLS, authentication).
 */
public final class RedisClients {
    private RedisClients() {}

    public static RedissonClient create(String addressOrConfigFile) {
        return Redisson.create(config(addressOrConfigFile));
    }

    /**
     * @param lazy connect on first use instead of now: a job whose Redis is down when it starts starts anyway
     *     (and answers without Redis until it is back)
     */
    public static RedissonClient create(String addressOrConfigFile, boolean lazy) {
        Config config = config(addressOrConfigFile);
        config.setLazyInitialization(lazy);
        return Redisson.create(config);
    }

    static Config config(String addressOrConfigFile) {
        if (addressOrConfigFile.startsWith("redis://") || addressOrConfigFile.startsWith("rediss://")) {
            Config config = new Config();
            config.useSingleServer().setAddress(addressOrConfigFile).setConnectionMinimumIdleSize(1)
                    .setConnectionPoolSize(8).setTimeout(2_000).setRetryAttempts(1)
                    .setConnectTimeout(2_000).setPingConnectionInterval(5_000);
            return config;
        }
        Path file = Path.of(addressOrConfigFile);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("--redis must be redis://host:port, rediss://host:port or a Redisson YAML"
                    + " file; '" + addressOrConfigFile + "' is neither");
        }
        try {
            return Config.fromYAML(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the Redisson configuration " + file + ": " + e.getMessage(), e);
        }
    }
}
