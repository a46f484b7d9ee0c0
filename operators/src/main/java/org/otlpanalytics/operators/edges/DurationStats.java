package org.otlpanalytics.operators.edges;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.otlpanalytics.operators.sketch.DeterministicKll;
import org.otlpanalytics.operators.sketch.LogHistogram;

/**
 * Durations of one side of a set of calls: count, exact sum in integer nanoseconds and an
 * order-independent {@link LogHistogram} in milliseconds, so that quantiles and sketch bytes
 * are the same however the calls arrived. The KLL sketch is built only when a row is written.
 */
public final class DurationStats {
    private long count;
    private long sumNanos;
    private final LogHistogram histogram;

    public DurationStats() {
        this(0, 0, new LogHistogram());
    }

    private DurationStats(long count, long sumNanos, LogHistogram histogram) {
        this.count = count;
        this.sumNanos = sumNanos;
        this.histogram = histogram;
    }

    /** Adds one duration; {@link Edge#ABSENT} (a virtual side) is not a duration and is skipped. */
    public void add(long durationNanos) {
        if (durationNanos < 0) {
            return;
        }
        count++;
        sumNanos += durationNanos;
        histogram.add(durationNanos / 1_000_000.0);
    }

    public void merge(DurationStats o) {
        count += o.count;
        sumNanos += o.sumNanos;
        histogram.merge(o.histogram);
    }

    public long count() {
        return count;
    }

    public boolean isEmpty() {
        return count == 0;
    }

    public double sumMillis() {
        return sumNanos / 1_000_000.0;
    }

    /** The KLL sketch of the durations (ms), identical for identical inputs. */
    public KllDoublesSketch kll(int k) {
        return DeterministicKll.build(histogram, k);
    }

    /** The durations (ms), for the sparse bucket arrays SQL merges. */
    public LogHistogram histogram() {
        return histogram;
    }

    public void write(DataOutput out) throws IOException {
        out.writeLong(count);
        out.writeLong(sumNanos);
        histogram.write(out);
    }

    public static DurationStats read(DataInput in) throws IOException {
        long count = in.readLong();
        long sum = in.readLong();
        return new DurationStats(count, sum, LogHistogram.read(in));
    }
}
