package org.otlpanalytics.jobs.bench.state;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * A second, independent measure of heap: the JVM's used heap after a full collection, with and
 * without the state built, over several repetitions, the median kept (a collection now and then
 * leaves some garbage or a lazily grown JVM structure behind; the median ignores that).
 */
public final class RetainedHeap {
    /** How it measures, printed next to the figures. */
    public static final String METHOD = "memorymxbean-used-after-gc-median";

    private RetainedHeap() {}

    /** The median of {@code repetitions} measurements of the heap that what {@code build} returns retains. */
    public static long medianBytes(Supplier<Object> build, int repetitions) {
        if (repetitions < 1) {
            throw new IllegalArgumentException("repetitions must be >= 1, got " + repetitions);
        }
        long[] deltas = new long[repetitions];
        for (int i = 0; i < repetitions; i++) {
            long before = usedAfterGc();
            Object built = build.get();
            long after = usedAfterGc();
            Reference.reachabilityFence(built);
            deltas[i] = after - before;
        }
        Arrays.sort(deltas);
        return deltas[repetitions / 2];
    }

    /** Used heap after full collections (repeated until it stops falling, at most three). */
    static long usedAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            long now = memory.getHeapMemoryUsage().getUsed();
            if (now >= used) {
                return Math.min(now, used);
            }
            used = now;
        }
        return used;
    }
}
