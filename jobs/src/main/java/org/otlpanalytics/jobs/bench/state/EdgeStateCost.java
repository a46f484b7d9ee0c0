package org.otlpanalytics.jobs.bench.state;

import java.util.ArrayList;
import java.util.List;
import org.otlpanalytics.operators.edges.EdgeStore;
import org.otlpanalytics.operators.edges.EdgeStoreOptions;
import org.otlpanalytics.operators.edges.PendingSpan;
import org.otlpanalytics.operators.edges.PendingSpanSerializer;
import org.otlpanalytics.schemas.traces.SpanRecord;

/**
 * The edge pairing's state per pending span half: the halves the pairing subtask holds on its heap
 * ({@link EdgeStore}, with its indexes) and mirrors into keyed state ({@code edges-pending-spans},
 * a map entry per half under the trace) at checkpoints. Filled with shop traffic, in event-time
 * order, until {@code --spans} halves wait.
 */
final class EdgeStateCost {
    private static final double TRACES_PER_SECOND = 3_000;

    private EdgeStateCost() {}

    /** Measures, and returns the filled store (for the heap budget). */
    static EdgeStore measure(StateCostSettings s, Figures f) throws Exception {
        EdgeStore store = fill(s.spans());
        List<PendingSpan> halves = new ArrayList<>(store.size());
        store.forEachPending(halves::add);
        long serialized = 0;
        PendingSpan typical = null;
        for (PendingSpan p : halves) {
            serialized += 8 + StateSize.serializedBytes(PendingSpanSerializer.INSTANCE, p); // map key: the pairing span id
            typical = p;
        }
        int n = Math.max(1, halves.size());
        f.put("edges_pending_halves", halves.size());
        f.put("edges_pending_half_serialized_bytes", serialized / (double) n);
        f.put("edges_pending_half_heap_bytes", StateSize.heapBytes(store) / (double) n);
        if (s.rocksdb() && typical != null) {
            // a half is put once, at the first checkpoint it waits through, and never read back while running
            RocksDbUpdateCost.Cost c = RocksDbUpdateCost.write(PendingSpanSerializer.INSTANCE, typical, 26);
            f.put("rocksdb_edges_pending_half_write_bytes_written", c.bytesWritten());
            f.put("rocksdb_edges_pending_half_write_us", c.micros());
        }
        return store;
    }

    /** {@link #fill} for a supplier (the generator and decoder declare checked exceptions). */
    static EdgeStore fillQuietly(int halves) {
        try {
            return fill(halves);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A store holding {@code halves} waiting halves: shop traffic offered without expiry until that many wait. */
    static EdgeStore fill(int halves) throws Exception {
        EdgeStore store = new EdgeStore(EdgeStoreOptions.builder()
                .maxItems(Math.max(EdgeStoreOptions.DEFAULT_MAX_ITEMS, halves * 2)).build());
        long t = ShopTraffic.START_MILLIS;
        ShopTraffic traffic = new ShopTraffic();
        while (store.size() < halves) {
            for (SpanRecord r : traffic.spans(t, 10_000, TRACES_PER_SECOND)) {
                store.offer(r);
                if (store.size() >= halves) {
                    return store;
                }
            }
            t += 10_000;
        }
        return store;
    }
}
