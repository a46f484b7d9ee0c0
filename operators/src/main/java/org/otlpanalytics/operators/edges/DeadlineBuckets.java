package org.otlpanalytics.operators.edges;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;

/**
 * Elements waiting for a deadline, handed back earliest deadline first, those of one deadline in the
 * order they were added, once a watermark reaches them; the deadline queue of {@link EdgeStore}
 * (whose halves are added in the order of their sequence numbers, so this is the order of
 * deadline, then sequence, that a heap of them gave). Plain Java.
 *
 * <p>Why not a {@link java.util.PriorityQueue}: in a profile of the edge pipeline on RocksDB
 * (async-profiler, {@code bench-edges}), the pairing thread spent a fifth of its time in the
 * queue's {@code siftDown}: each poll walks about 14 levels of a heap of 10,000 waiting halves,
 * each level a cache miss. Here an element is appended to the list of its bucket of
 * {@code bucketMillis} of deadline (the same bucket as the previous one, mostly, as halves
 * arrive roughly in event-time order), and a bucket is sorted once, when the watermark reaches
 * it: its elements were queued about together, so they sit near each other in memory, and
 * arrive nearly sorted, which TimSort takes in about one pass. The order handed back is the
 * same total order the heap gave.
 *
 * <p>A bucket is sorted as primitives: each element's deadline within the bucket and its place
 * in the list packed into one {@code long} (deadline high, place low, so equal deadlines keep
 * their order). Sorting the elements with a comparator instead cost a tenth of the pairing
 * thread in a later profile (every comparison reads two elements).
 *
 * <p>Not thread-safe.
 */
final class DeadlineBuckets<T> {
    private final long bucketMillis;
    private final ToLongFunction<T> deadline;
    /** The sort keys of the bucket being sorted (reused). */
    private long[] keys = new long[64];
    private final TreeMap<Long, ArrayList<T>> buckets = new TreeMap<>();
    /** The bucket last appended to, while it is in {@link #buckets}; most appends go to it. */
    private long lastBucket;
    private ArrayList<T> lastList;
    private int size;

    /** @param bucketMillis the deadlines one bucket spans, at most 2^31 (a deadline within it is packed in 32 bits) */
    DeadlineBuckets(long bucketMillis, ToLongFunction<T> deadline) {
        if (bucketMillis < 1 || bucketMillis > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("bucketMillis must be in [1, 2^31), got " + bucketMillis);
        }
        this.bucketMillis = bucketMillis;
        this.deadline = deadline;
    }

    void add(T element) {
        long b = Math.floorDiv(deadline.applyAsLong(element), bucketMillis);
        if (lastList == null || b != lastBucket) {
            lastList = buckets.computeIfAbsent(b, k -> new ArrayList<>());
            lastBucket = b;
        }
        lastList.add(element);
        size++;
    }

    /**
     * Removes every element whose deadline is at or before {@code watermarkMillis} and hands them
     * to {@code sink}, earliest deadline first, those of one deadline in the order they were added.
     */
    void pollUpTo(long watermarkMillis, Consumer<T> sink) {
        while (!buckets.isEmpty()) {
            Map.Entry<Long, ArrayList<T>> first = buckets.firstEntry();
            // the bucket's first millisecond (b * bucketMillis cannot overflow: b comes from a floorDiv)
            if (first.getKey() * bucketMillis > watermarkMillis) {
                return;
            }
            ArrayList<T> list = first.getValue();
            sortByDeadline(list, first.getKey() * bucketMillis);
            int n = list.size();
            if (deadline.applyAsLong(list.get(n - 1)) <= watermarkMillis) {
                buckets.pollFirstEntry();
                if (list == lastList) {
                    lastList = null;
                }
                size -= n;
                for (int i = 0; i < n; i++) {
                    sink.accept(list.get(i));
                }
                continue;
            }
            int i = 0;
            while (deadline.applyAsLong(list.get(i)) <= watermarkMillis) {
                sink.accept(list.get(i++));
            }
            list.subList(0, i).clear();
            size -= i;
            return;
        }
    }

    /**
     * Sorts a bucket's list by deadline, stably: the key of an element is its deadline's offset in
     * the bucket ({@code bucketStart} its first millisecond; below 2^31) above its place in the list.
     */
    @SuppressWarnings("unchecked")
    private void sortByDeadline(ArrayList<T> list, long bucketStart) {
        int n = list.size();
        if (n < 2) {
            return;
        }
        if (keys.length < n) {
            keys = new long[Math.max(n, keys.length * 2)];
        }
        long[] k = keys;
        boolean sorted = true;
        for (int i = 0; i < n; i++) {
            k[i] = (deadline.applyAsLong(list.get(i)) - bucketStart) << 32 | i;
            sorted &= i == 0 || k[i] > k[i - 1];
        }
        if (sorted) {
            return;
        }
        Arrays.sort(k, 0, n);
        Object[] was = list.toArray();
        for (int i = 0; i < n; i++) {
            list.set(i, (T) was[(int) k[i]]);
        }
    }

    /** Drops the elements {@code dead} accepts (to free the memory of elements that left early). */
    void removeIf(Predicate<T> dead) {
        for (var it = buckets.values().iterator(); it.hasNext(); ) {
            ArrayList<T> list = it.next();
            int before = list.size();
            list.removeIf(dead);
            size -= before - list.size();
            if (list.isEmpty()) {
                it.remove();
                if (list == lastList) {
                    lastList = null;
                }
            }
        }
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }
}
