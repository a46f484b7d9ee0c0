package org.otlpanalytics.operators.edges;

import java.util.Arrays;
import java.util.List;

/**
 * Halves of one key group shipped to the pairing as one record ({@link PendingSpanBatcher} makes
 * them, {@link EdgeBatchPairer} takes them apart): the shuffle then pays its per-record costs
 * (key selection, channel, framing, the keyed context on arrival) once per batch, and
 * {@link PendingSpanBatchSerializer} writes each repeated tenant, service and peer name once
 * per batch. Its key, {@link #key}, is its first half's trace key, so it reaches the subtask that
 * owns every half's trace.
 */
public final class PendingSpanBatch {
    private final PendingSpan[] halves;

    /** @param halves at least one half, all of one key group, in the order they are to be offered */
    public PendingSpanBatch(PendingSpan[] halves) {
        if (halves.length == 0) {
            throw new IllegalArgumentException("a batch holds at least one half");
        }
        this.halves = halves;
    }

    /** A batch of one half (a restored pairer that pairs nothing locally ships them so). */
    public static PendingSpanBatch of(PendingSpan half) {
        return new PendingSpanBatch(new PendingSpan[] {half});
    }

    /** The key the batch is shuffled by: its first half's {@link EdgePairingOperator#traceKey}. */
    public static long key(PendingSpanBatch b) {
        return EdgePairingOperator.traceKey(b.halves[0]);
    }

    public int size() {
        return halves.length;
    }

    public PendingSpan get(int i) {
        return halves[i];
    }

    public List<PendingSpan> halves() {
        return List.of(halves);
    }

    /** The earliest start among the halves (the batch's record timestamp). */
    public long minStartMillis() {
        long min = Long.MAX_VALUE;
        for (PendingSpan p : halves) {
            min = Math.min(min, EdgeMatcher.startMillis(p));
        }
        return min;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PendingSpanBatch b && Arrays.equals(halves, b.halves);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(halves);
    }

    @Override
    public String toString() {
        return "PendingSpanBatch" + Arrays.toString(halves);
    }
}
