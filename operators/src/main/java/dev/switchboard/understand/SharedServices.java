package dev.switchboard.understand;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The services of one kind alive in this JVM, by key, with their reference counts: what lets every slot of a
 * TaskManager share one model session ({@link InferenceService}, {@link EncoderService}) and the last release free it.
 */
final class SharedServices<K, S> {
    private final Map<K, S> services = new HashMap<>();
    private final Map<K, Integer> references = new HashMap<>();

    /** The service for {@code key}, created by {@code create} on first use (under this registry's lock); one more reference. */
    synchronized S acquire(K key, Supplier<S> create) {
        S service = services.get(key);
        if (service == null) {
            service = create.get();
            services.put(key, service);
        }
        references.merge(key, 1, Integer::sum);
        return service;
    }

    /** Gives back one reference; true when it was the last, and the caller is to free the service. */
    synchronized boolean release(K key, S service) {
        Integer count = references.get(key);
        if (count == null || services.get(key) != service) {
            return false;
        }
        if (count > 1) {
            references.put(key, count - 1);
            return false;
        }
        references.remove(key);
        services.remove(key);
        return true;
    }

    synchronized int size() {
        return services.size();
    }
}
