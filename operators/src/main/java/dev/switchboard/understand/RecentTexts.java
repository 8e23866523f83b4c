package dev.switchboard.understand;

import java.util.concurrent.ConcurrentHashMap;

/**
 * A cache of recently seen texts' embeddings without a lock on the lookup path: two generations of concurrent maps.
 * A hit in the older generation moves to the newer; when the newer holds half the capacity it becomes the older and
 * the oldest is dropped whole. So it keeps at most {@code capacity} texts, and a text in use within the last
 * {@code capacity / 2} distinct texts is always kept: recency at the grain of a generation instead of an exact LRU order.
 */
final class RecentTexts {
    private final int half;
    private volatile ConcurrentHashMap<String, float[]> young = new ConcurrentHashMap<>();
    private volatile ConcurrentHashMap<String, float[]> old = new ConcurrentHashMap<>();

    RecentTexts(int capacity) {
        this.half = Math.max(1, capacity / 2);
    }

    float[] get(String text) {
        float[] v = young.get(text);
        if (v == null) {
            v = old.get(text);
            if (v != null) {
                put(text, v);
            }
        }
        return v;
    }

    void put(String text, float[] vector) {
        ConcurrentHashMap<String, float[]> current = young;
        current.put(text, vector);
        if (current.size() >= half) {
            synchronized (this) {
                // Another writer may have rotated already: only the generation that filled up turns old.
                if (young == current) {
                    old = current;
                    young = new ConcurrentHashMap<>();
                }
            }
        }
    }
}
