package org.otlpanalytics.jobs.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;

/**
 * The benchmarks' {@code peak_heap_mb}: the sum of the peak usage of every heap memory pool since
 * the last {@link #reset()} (an upper bound of the true peak, since pools peak at different times).
 */
public final class HeapPeaks {
    private HeapPeaks() {}

    public static void reset() {
        for (MemoryPoolMXBean b : ManagementFactory.getMemoryPoolMXBeans()) {
            b.resetPeakUsage();
        }
    }

    public static long peakBytes() {
        long sum = 0;
        for (MemoryPoolMXBean b : ManagementFactory.getMemoryPoolMXBeans()) {
            if (b.getType() == MemoryType.HEAP && b.getPeakUsage() != null) {
                sum += b.getPeakUsage().getUsed();
            }
        }
        return sum;
    }
}
