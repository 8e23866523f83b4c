package dev.switchboard.redis;

import org.redisson.api.RBatch;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;

/**
 * An order system's data as the shipped support bot's order-status flow reads it: hashes {@code order:<number>}
 * with {@code status}, {@code eta} and {@code carrier}. The demo and the benchmarks fill a few thousand.
 */
public final class SampleOrders {
    /** The key prefix of the support bot's lookup ({@code redis_hash: "order:{order_number}"}). */
    public static final String PREFIX = "order:";

    private static final String[] STATES = {"being packed", "shipped", "in transit", "out for delivery", "delivered"};
    private static final String[] CARRIERS = {"DHL", "UPS", "FedEx", "SF Express", "Royal Mail"};

    private SampleOrders() {}

    /** Writes orders {@code first} to {@code first + count - 1} in one pipelined batch; returns {@code count}. */
    public static int fill(String address, int first, int count) {
        RedissonClient client = RedisClients.create(address);
        try {
            RBatch batch = client.createBatch();
            LocalDate today = LocalDate.now(ZoneOffset.UTC);
            for (int n = first; n < first + count; n++) {
                batch.<String, String>getMap(PREFIX + n, StringCodec.INSTANCE).putAllAsync(Map.of(
                        "status", STATES[n % STATES.length],
                        "eta", today.plusDays(n % 5).toString(),
                        "carrier", CARRIERS[(n / 5) % CARRIERS.length]));
            }
            batch.execute();
        } finally {
            client.shutdown();
        }
        return count;
    }
}
