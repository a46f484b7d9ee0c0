package org.otlpanalytics.operators.red;

import java.util.Arrays;

/**
 * The per-service cardinality cap of one minute: the stable hashes of the operations admitted,
 * sorted. The cap keeps the {@code limit} operations with the smallest hashes (bottom-k), so
 * which operations are kept does not depend on arrival order; every other operation folds into
 * {@link RedAggregator#OVERFLOW_OPERATION}. Only hashes are kept (a 64-bit collision of two
 * names makes them share a slot), so the state stays 8 bytes per operation.
 */
final class AdmittedOperations {
    static final long[] NONE = new long[0];

    private AdmittedOperations() {}

    /** Outcome of {@link #admit}: the new sorted set, and the hash evicted from it (if any). */
    static final class Admission {
        final long[] hashes;
        final boolean admitted;
        final boolean evicted;
        final long evictedHash;

        Admission(long[] hashes, boolean admitted, boolean evicted, long evictedHash) {
            this.hashes = hashes;
            this.admitted = admitted;
            this.evicted = evicted;
            this.evictedHash = evictedHash;
        }
    }

    static boolean contains(long[] hashes, long h) {
        return Arrays.binarySearch(hashes, h) >= 0;
    }

    /**
     * Admits {@code h} under {@code limit}: below the limit it is added; at the limit it replaces
     * the largest hash when smaller and {@code mayEvict} (before the minute fired: rows already
     * written are never taken back), else it is refused.
     */
    static Admission admit(long[] hashes, long h, int limit, boolean mayEvict) {
        int idx = Arrays.binarySearch(hashes, h);
        if (idx >= 0) {
            return new Admission(hashes, true, false, 0);
        }
        int ins = -idx - 1;
        if (hashes.length < limit) {
            return new Admission(insert(hashes, ins, h), true, false, 0);
        }
        if (mayEvict && hashes.length > 0 && h < hashes[hashes.length - 1]) {
            long evicted = hashes[hashes.length - 1];
            long[] kept = Arrays.copyOf(hashes, hashes.length - 1);
            return new Admission(insert(kept, ins, h), true, true, evicted);
        }
        return new Admission(hashes, false, false, 0);
    }

    private static long[] insert(long[] a, int at, long h) {
        long[] out = new long[a.length + 1];
        System.arraycopy(a, 0, out, 0, at);
        out[at] = h;
        System.arraycopy(a, at, out, at + 1, a.length - at);
        return out;
    }
}
