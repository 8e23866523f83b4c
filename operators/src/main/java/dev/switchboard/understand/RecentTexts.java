package dev.switchboard.understand;

import java.util.concurrent.ConcurrentHashMap;

/**
 * A cache of what was computed for recently seen texts (an embedding, an analysis) without a lock on the lookup path:
 * two generations of concurrent maps.
 * A hit in the older generation moves to the newer; when the newer holds half the capacity it becomes the older and
 * the oldest is dropped whole. So it keeps at most {@code capacity} texts, and a text in use within the last
 * {@code capacity / 2} distinct texts is always kept: recency at the grain of a generation instead of an exact LRU order.
 */
public final class RecentTexts<V> {
    private final int half;
    private volatile ConcurrentHashMap<String, V> young = new ConcurrentHashMap<>();
    private volatile ConcurrentHashMap<String, V> old = new ConcurrentHashMap<>();

    public RecentTexts(int capacity) {
        this.half = Math.max(1, capacity / 2);
    }

    public V get(String text) {
        V v = young.get(text);
        if (v == null) {
            v = old.get(text);
            if (v != null) {
                put(text, v);
            }
        }
        return v;
    }

    public void put(String text, V vector) {
        ConcurrentHashMap<String, V> current = young;
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
