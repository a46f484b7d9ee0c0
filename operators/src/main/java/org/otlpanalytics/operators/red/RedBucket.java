package org.otlpanalytics.operators.red;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.otlpanalytics.operators.common.KafkaRange;
import org.otlpanalytics.operators.common.StableHash;
import org.otlpanalytics.operators.common.time.KeyedWindows;

/**
 * Everything RED keeps for one service in one minute: an accumulator per (operation, span kind,
 * status), the operations admitted under the cardinality cap, and the Kafka range read.
 *
 * <p>The cap keeps the {@code limit} operations with the smallest stable hash (a bottom-k rule),
 * and folds every other operation into the overflow row {@link #OVERFLOW_OPERATION}. Unlike
 * "first come, first kept", the result does not depend on arrival order, so a replay or a
 * restart produces the same rows.
 */
public final class RedBucket implements KeyedWindows.Window {
    public static final String OVERFLOW_OPERATION = "__overflow__";

    long bucketStartMillis;
    String tenant;
    String serviceName;
    String serviceNamespace;
    String serviceUrn;
    boolean fired;
    /** series key (kind, status, operation) -> accumulator. */
    final Map<SeriesKey, RedAccumulator> series;
    /** stable hash -> operation, for the admitted operations. */
    final TreeMap<Long, String> admitted;
    /** spans counted in the overflow row of this minute. */
    long foldedSpans;
    final KafkaRange range;

    RedBucket() {
        this.series = new HashMap<>();
        this.admitted = new TreeMap<>();
        this.range = new KafkaRange();
    }

    RedBucket(Map<SeriesKey, RedAccumulator> series, TreeMap<Long, String> admitted, KafkaRange range) {
        this.series = series;
        this.admitted = admitted;
        this.range = range;
    }

    /** Key of one RED series inside a bucket. */
    public static final class SeriesKey {
        final String operation;
        final int kind;
        final int status;
        private final int hash;

        SeriesKey(String operation, int kind, int status) {
            this.operation = operation;
            this.kind = kind;
            this.status = status;
            this.hash = (operation.hashCode() * 31 + kind) * 31 + status;
        }

        @Override
        public boolean equals(Object o) {
            if (this == o) {
                return true;
            }
            if (!(o instanceof SeriesKey)) {
                return false;
            }
            SeriesKey k = (SeriesKey) o;
            return kind == k.kind && status == k.status && operation.equals(k.operation);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    /**
     * Returns the operation name under which a span of {@code operation} is counted, evicting
     * the admitted operation with the largest hash into overflow when a smaller one arrives at
     * the cap (only before the bucket has fired: rows already written are never taken back).
     */
    String admit(String operation, int limit, int hllLgK) {
        if (limit <= 0) {
            return operation;
        }
        long h = StableHash.of(operation);
        String known = admitted.get(h);
        if (known != null) {
            // a 64-bit collision of two names is treated as the same operation slot
            return known.equals(operation) ? operation : OVERFLOW_OPERATION;
        }
        if (admitted.size() < limit) {
            admitted.put(h, operation);
            return operation;
        }
        if (!fired && h < admitted.lastKey()) {
            String evicted = admitted.pollLastEntry().getValue();
            foldIntoOverflow(evicted, hllLgK);
            admitted.put(h, operation);
            return operation;
        }
        return OVERFLOW_OPERATION;
    }

    private void foldIntoOverflow(String operation, int hllLgK) {
        Map<SeriesKey, RedAccumulator> moved = new HashMap<>();
        series.entrySet().removeIf(e -> {
            if (e.getKey().operation.equals(operation)) {
                moved.put(e.getKey(), e.getValue());
                return true;
            }
            return false;
        });
        for (Map.Entry<SeriesKey, RedAccumulator> e : moved.entrySet()) {
            SeriesKey ok = new SeriesKey(OVERFLOW_OPERATION, e.getKey().kind, e.getKey().status);
            series.computeIfAbsent(ok, k -> new RedAccumulator(hllLgK)).merge(e.getValue());
            foldedSpans += e.getValue().calls;
        }
    }

    RedAccumulator accumulator(String operation, int kind, int status, int hllLgK) {
        return series.computeIfAbsent(new SeriesKey(operation, kind, status), k -> new RedAccumulator(hllLgK));
    }

    @Override
    public boolean fired() {
        return fired;
    }

    @Override
    public void markFired() {
        fired = true;
    }

    public long bucketStartMillis() {
        return bucketStartMillis;
    }
}
