package org.otlpanalytics.operators.edges;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * The halves waiting for their other half, found by the call they share (trace id, pairing span
 * id): an open-addressing table of the entries themselves, each
 * holding its own key. Plain Java; {@link EdgeStore}'s waiting map.
 *
 * <p>Why not a {@code HashMap} keyed by a (trace id, span id) object: in a profile of {@code bench-edges} the pairing
 * thread spent two fifths of its time in {@code HashMap.getNode}, a lookup that reads the table,
 * the node, the key and then the value, each a cache miss on a loaded machine. Here a lookup reads
 * the table and the entry (which it needed anyway), and an offer allocates no key and no node.
 * Linear probing at most half full; a removal shifts the entries behind it back, so no
 * tombstones accumulate. Also {@link LocalPairingBuffer}'s index of the halves it holds, emptied
 * at every watermark ({@link #clear}).
 *
 * <p>Not thread-safe.
 */
final class PairingTable<E extends PairingTable.Entry> {
    private static final int MIN_CAPACITY = 16;
    private Entry[] slots = new Entry[MIN_CAPACITY];
    /**
     * Each slot's entry's {@link Entry#hash} (0 when empty, meaningless then): a probe compares it
     * first and reads an entry only when the hashes agree, and a removal finds the homes of the
     * entries it shifts here. Why: in a profile of {@code bench-edges} the pairing thread's lookups
     * spent half their time in {@link Entry#is} on entries that were not the one sought, each a
     * cache miss when the table holds tens of thousands of halves.
     */
    private int[] hashes = new int[MIN_CAPACITY];
    private int size;

    /** An element of the table: the key it is found by, fixed at construction. */
    abstract static class Entry {
        final long traceIdHi;
        final long traceIdLo;
        final long pairingSpanId;
        final int hash;

        Entry(long traceIdHi, long traceIdLo, long pairingSpanId) {
            this.traceIdHi = traceIdHi;
            this.traceIdLo = traceIdLo;
            this.pairingSpanId = pairingSpanId;
            this.hash = hash(traceIdHi, traceIdLo, pairingSpanId);
        }

        final boolean is(long hi, long lo, long id) {
            return pairingSpanId == id && traceIdLo == lo && traceIdHi == hi;
        }
    }

    /** Mixes all three ids, so that the low bits the table indexes by depend on every bit. */
    static int hash(long traceIdHi, long traceIdLo, long pairingSpanId) {
        long h = traceIdLo * 0x9E3779B97F4A7C15L ^ traceIdHi ^ pairingSpanId * 0xC2B2AE3D27D4EB4FL;
        h ^= h >>> 31;
        h *= 0xBF58476D1CE4E5B9L;
        return (int) (h ^ (h >>> 32));
    }

    /** The entry under {@code half}'s call, or null. */
    E get(PendingSpan half) {
        return get(half.traceIdHi(), half.traceIdLo(), half.pairingSpanId());
    }

    @SuppressWarnings("unchecked")
    E get(long hi, long lo, long id) {
        Entry[] t = slots;
        int[] hs = hashes;
        int mask = t.length - 1;
        int h = hash(hi, lo, id);
        for (int i = h & mask; ; i = (i + 1) & mask) {
            Entry e = t[i];
            if (e == null) {
                return null;
            }
            if (hs[i] == h && e.is(hi, lo, id)) {
                return (E) e;
            }
        }
    }

    /** Adds {@code e}; false (and nothing changed) when an entry with its key is there already. */
    boolean add(E e) {
        Entry[] t = slots;
        int[] hs = hashes;
        int mask = t.length - 1;
        int h = e.hash;
        int i = h & mask;
        for (Entry x; (x = t[i]) != null; i = (i + 1) & mask) {
            if (hs[i] == h && x.is(e.traceIdHi, e.traceIdLo, e.pairingSpanId)) {
                return false;
            }
        }
        t[i] = e;
        hs[i] = h;
        if (++size * 2 > t.length) {
            resize(t.length * 2);
        }
        return true;
    }

    /** Removes {@code e} itself (not another entry of its key); false when it is not here. */
    boolean remove(E e) {
        Entry[] t = slots;
        int[] hs = hashes;
        int mask = t.length - 1;
        int i = e.hash & mask;
        for (Entry x; (x = t[i]) != e; i = (i + 1) & mask) {
            if (x == null) {
                return false;
            }
        }
        // backward-shift deletion: move up every entry after the gap whose home is not between gap and it
        int gap = i;
        for (int j = (gap + 1) & mask; ; j = (j + 1) & mask) {
            Entry x = t[j];
            if (x == null) {
                break;
            }
            int home = hs[j] & mask;
            // x may fill the gap unless its home lies cyclically in (gap, j]
            if (((j - home) & mask) >= ((j - gap) & mask)) {
                t[gap] = x;
                hs[gap] = hs[j];
                gap = j;
            }
        }
        t[gap] = null;
        size--;
        if (size * 8 < t.length && t.length > MIN_CAPACITY) {
            resize(t.length / 2);
        }
        return true;
    }

    int size() {
        return size;
    }

    /** Removes every entry; keeps the capacity, unless it is more than the entries removed needed. */
    void clear() {
        if (slots.length > MIN_CAPACITY && size * 8 < slots.length) {
            int capacity = Math.max(MIN_CAPACITY, Integer.highestOneBit(Math.max(1, size) * 4));
            slots = new Entry[capacity];
            hashes = new int[capacity];
        } else {
            Arrays.fill(slots, null);
        }
        size = 0;
    }

    /** Visits every entry, in no particular order; the visitor must not change the table. */
    @SuppressWarnings("unchecked")
    void forEach(Consumer<E> visitor) {
        for (Entry e : slots) {
            if (e != null) {
                visitor.accept((E) e);
            }
        }
    }

    private void resize(int capacity) {
        Entry[] old = slots;
        int[] oldHashes = hashes;
        Entry[] t = new Entry[capacity];
        int[] hs = new int[capacity];
        int mask = capacity - 1;
        for (int j = 0; j < old.length; j++) {
            Entry e = old[j];
            if (e != null) {
                int h = oldHashes[j];
                int i = h & mask;
                while (t[i] != null) {
                    i = (i + 1) & mask;
                }
                t[i] = e;
                hs[i] = h;
            }
        }
        slots = t;
        hashes = hs;
    }
}
