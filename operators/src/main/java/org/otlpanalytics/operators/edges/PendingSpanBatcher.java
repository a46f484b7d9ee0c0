package org.otlpanalytics.operators.edges;

import java.util.ArrayList;
import java.util.function.Consumer;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;

/**
 * Groups the halves a source subtask ships by the key group of their trace ({@link
 * EdgePairingOperator#traceKey} under {@code maxParallelism} key groups, as Flink's keyBy
 * assigns them), and hands back one {@link PendingSpanBatch} per key group: in the order each
 * group's first half came, each batch's halves in the order they came. The halves of one trace
 * share a key group, so they keep their order; halves of different traces never meet in the
 * pairing, so their order does not matter.
 *
 * <p>Why: in a profile of the edge pipeline the halves that cross the shuffle by trace cost more
 * in the shuffle (per-record framing, key selection, the keyed context, strings written and read
 * half by half) than in the pairing itself; a source subtask ships thousands of halves at each
 * watermark, so batches per key group hold tens to hundreds of halves.
 *
 * <p>Not thread-safe: one per operator subtask or test.
 */
final class PendingSpanBatcher {
    private final int maxParallelism;
    private final ArrayList<PendingSpan>[] groups;
    /** Key groups with halves, in the order of their first half. */
    private final int[] touched;
    private int touchedCount;
    private int size;

    /** @param maxParallelism the key groups of the pairing's keyBy (its max parallelism) */
    @SuppressWarnings("unchecked")
    PendingSpanBatcher(int maxParallelism) {
        if (maxParallelism < 1) {
            throw new IllegalArgumentException("maxParallelism must be >= 1, got " + maxParallelism);
        }
        this.maxParallelism = maxParallelism;
        this.groups = new ArrayList[maxParallelism];
        this.touched = new int[maxParallelism];
    }

    void add(PendingSpan half) {
        int g = KeyGroupRangeAssignment.assignToKeyGroup(EdgePairingOperator.traceKey(half), maxParallelism);
        ArrayList<PendingSpan> list = groups[g];
        if (list == null) {
            list = new ArrayList<>();
            groups[g] = list;
        }
        if (list.isEmpty()) {
            touched[touchedCount++] = g;
        }
        list.add(half);
        size++;
    }

    /** Halves added since the last {@link #drain}. */
    int size() {
        return size;
    }

    /** Hands one batch per key group to {@code shipper} and forgets the halves. */
    void drain(Consumer<PendingSpanBatch> shipper) {
        for (int i = 0; i < touchedCount; i++) {
            ArrayList<PendingSpan> list = groups[touched[i]];
            shipper.accept(new PendingSpanBatch(list.toArray(new PendingSpan[0])));
            list.clear();
        }
        touchedCount = 0;
        size = 0;
    }
}
