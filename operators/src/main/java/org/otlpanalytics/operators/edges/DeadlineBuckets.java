package org.otlpanalytics.operators.edges;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;

/**
 * Elements waiting for a deadline, handed back in {@code order} (deadline first) once a watermark
 * reaches them; the deadline queue of {@link EdgeStore}. Plain Java.
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
 * <p>Not thread-safe.
 */
final class DeadlineBuckets<T> {
    private final long bucketMillis;
    private final ToLongFunction<T> deadline;
    private final Comparator<T> order;
    private final TreeMap<Long, ArrayList<T>> buckets = new TreeMap<>();
    /** The bucket last appended to, while it is in {@link #buckets}; most appends go to it. */
    private long lastBucket;
    private ArrayList<T> lastList;
    private int size;

    /**
     * @param order a total order consistent with {@code deadline} (earlier deadlines first)
     */
    DeadlineBuckets(long bucketMillis, ToLongFunction<T> deadline, Comparator<T> order) {
        if (bucketMillis < 1) {
            throw new IllegalArgumentException("bucketMillis must be >= 1, got " + bucketMillis);
        }
        this.bucketMillis = bucketMillis;
        this.deadline = deadline;
        this.order = order;
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
     * to {@code sink} in {@code order}.
     */
    void pollUpTo(long watermarkMillis, Consumer<T> sink) {
        while (!buckets.isEmpty()) {
            Map.Entry<Long, ArrayList<T>> first = buckets.firstEntry();
            // the bucket's first millisecond (b * bucketMillis cannot overflow: b comes from a floorDiv)
            if (first.getKey() * bucketMillis > watermarkMillis) {
                return;
            }
            ArrayList<T> list = first.getValue();
            list.sort(order);
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
