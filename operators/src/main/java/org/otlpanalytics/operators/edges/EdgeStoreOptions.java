package org.otlpanalytics.operators.edges;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Bounds of the pairing state, immutable; built with {@link #builder()}. Named as the
 * Collector's servicegraph {@code store.ttl} / {@code store.max_items}.
 *
 * <pre>{@code
 * EdgeStoreOptions o = EdgeStoreOptions.builder().ttl(Duration.ofSeconds(10)).maxItems(100_000).build();
 * }</pre>
 */
public final class EdgeStoreOptions implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final String TTL_KEY = "edges.store.ttl";
    public static final String MAX_ITEMS_KEY = "edges.store.max-items";
    public static final Duration DEFAULT_TTL = Duration.ofSeconds(10);
    public static final int DEFAULT_MAX_ITEMS = 100_000;
    /** A wait longer than a day is a unit mistake, not a pairing window. */
    public static final Duration MAX_TTL = Duration.ofDays(1);

    private final long ttlMillis;
    private final int maxItems;

    EdgeStoreOptions(long ttlMillis, int maxItems) {
        this.ttlMillis = ttlMillis;
        this.maxItems = maxItems;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static EdgeStoreOptions defaults() {
        return builder().build();
    }

    /** How long, in event time after a span ended, a half waits for the other ({@code edges.store.ttl}). */
    public long ttlMillis() {
        return ttlMillis;
    }

    /** Most halves waiting at once ({@code edges.store.max-items}); beyond it spans are dropped and counted. */
    public int maxItems() {
        return maxItems;
    }

    @Override
    public String toString() {
        return TTL_KEY + "=" + ttlMillis + "ms, " + MAX_ITEMS_KEY + "=" + maxItems;
    }

    /** Builder; every default lives here. */
    public static final class Builder {
        private Duration ttl = DEFAULT_TTL;
        private int maxItems = DEFAULT_MAX_ITEMS;

        Builder() {}

        public Builder ttl(Duration ttl) {
            this.ttl = ttl;
            return this;
        }

        public Builder maxItems(int maxItems) {
            this.maxItems = maxItems;
            return this;
        }

        /** Checks every setting at once and names each bad one by its key. */
        public EdgeStoreOptions build() {
            List<String> problems = new ArrayList<>(2);
            if (ttl == null || ttl.compareTo(Duration.ofMillis(1)) < 0) {
                problems.add(TTL_KEY + " must be at least 1 ms, got " + ttl);
            } else if (ttl.compareTo(MAX_TTL) > 0) {
                problems.add(TTL_KEY + " must be at most " + MAX_TTL + ", got " + ttl);
            }
            if (maxItems <= 0) {
                problems.add(MAX_ITEMS_KEY + " must be > 0, got " + maxItems);
            }
            if (!problems.isEmpty()) {
                throw new IllegalStateException(String.join("; ", problems));
            }
            return new EdgeStoreOptions(ttl.toMillis(), maxItems);
        }
    }
}
