package org.otlpanalytics.operators.sketch;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * Counts of positive values in logarithmic buckets of relative width {@value #RELATIVE_ACCURACY}
 * (the DDSketch mapping). Unlike a KLL sketch, its content does not depend on the order values
 * arrive in, and merging is exact: this is what makes a window's quantiles and KLL bytes the
 * same after a restart or a replay that interleaves Kafka partitions differently. The KLL
 * sketch stored in the database is built from it by {@link DeterministicKll}.
 */
public final class LogHistogram {
    public static final double RELATIVE_ACCURACY = 0.005;
    static final double GAMMA = (1 + RELATIVE_ACCURACY) / (1 - RELATIVE_ACCURACY);
    static final double LOG_GAMMA = Math.log(GAMMA);
    /** Values at or below this (ms: 1 ns) are counted in the zero bucket. */
    public static final double MIN_VALUE = 1e-6;
    /** Index of the zero bucket (values at or below {@link #MIN_VALUE}) in the sparse form. */
    public static final int ZERO_INDEX = Integer.MIN_VALUE;
    /** Bounds a hostile spread of values: at most this many buckets per histogram. */
    static final int MAX_BUCKETS = 4096;

    private long zeroCount;
    private int minIndex;
    private int[] counts = new int[0];
    private long total;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;

    public void add(double v) {
        add(v, 1);
    }

    public void add(double v, long n) {
        if (!(v >= 0) || Double.isInfinite(v)) {
            return; // NaN, negative, infinite: not a duration
        }
        total += n;
        if (v < min) {
            min = v;
        }
        if (v > max) {
            max = v;
        }
        if (v <= MIN_VALUE) {
            zeroCount += n;
            return;
        }
        int idx = (int) Math.ceil(Math.log(v) / LOG_GAMMA);
        addIndex(idx, n);
    }

    private void addIndex(int idx, long n) {
        if (counts.length == 0) {
            counts = new int[8];
            minIndex = idx - 4;
        }
        if (idx < minIndex || idx >= minIndex + counts.length) {
            grow(idx);
        }
        // below the kept range (only after a hostile spread collapsed the low end)
        int at = Math.max(idx, minIndex) - minIndex;
        long c = (long) counts[at] + n;
        counts[at] = (int) Math.min(Integer.MAX_VALUE, c);
    }

    private void grow(int idx) {
        int lo = Math.min(minIndex, idx);
        int hi = Math.max(minIndex + counts.length - 1, idx);
        if (hi - lo + 1 > MAX_BUCKETS) {
            // keep the highest MAX_BUCKETS buckets; lower ones fold into the lowest kept bucket
            int newLo = hi - MAX_BUCKETS + 1;
            int[] n = new int[MAX_BUCKETS];
            for (int i = 0; i < counts.length; i++) {
                if (counts[i] != 0) {
                    int j = Math.max(minIndex + i, newLo) - newLo;
                    n[j] = (int) Math.min(Integer.MAX_VALUE, (long) n[j] + counts[i]);
                }
            }
            counts = n;
            minIndex = newLo;
            return;
        }
        int size = Math.min(MAX_BUCKETS, Math.max(hi - lo + 1, counts.length * 2));
        int newLo = idx < minIndex ? hi - size + 1 : lo;
        int[] n = new int[size];
        System.arraycopy(counts, 0, n, minIndex - newLo, counts.length);
        counts = n;
        minIndex = newLo;
    }

    public void merge(LogHistogram o) {
        if (o.total == 0) {
            return;
        }
        total += o.total;
        zeroCount += o.zeroCount;
        min = Math.min(min, o.min);
        max = Math.max(max, o.max);
        for (int i = 0; i < o.counts.length; i++) {
            if (o.counts[i] != 0) {
                addIndex(o.minIndex + i, o.counts[i]);
            }
        }
    }

    public long count() {
        return total;
    }

    public double min() {
        return total == 0 ? 0 : min;
    }

    public double max() {
        return total == 0 ? 0 : max;
    }

    /** Visits (representative value, count) in increasing value order; the zero bucket first. */
    public void forEachBucket(BucketVisitor v) {
        if (zeroCount > 0) {
            v.visit(0.0, zeroCount);
        }
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] != 0) {
                v.visit(clamp(value(minIndex + i)), counts[i]);
            }
        }
    }

    private double clamp(double v) {
        return Math.max(min, Math.min(max, v));
    }

    /**
     * The sparse form plain SQL merges ({@code red_1m.duration_idx}/{@code duration_cnt}): the
     * indexes of the non-empty buckets in increasing order, {@link #ZERO_INDEX} first for the zero
     * bucket. A bucket {@code i} holds the values in (γ^(i-1), γ^i]; summing the counts of equal
     * indexes merges histograms exactly as {@link #merge} does.
     */
    public int[] sparseIndexes() {
        int n = nonEmpty();
        int[] idx = new int[n];
        int j = 0;
        if (zeroCount > 0) {
            idx[j++] = ZERO_INDEX;
        }
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] != 0) {
                idx[j++] = minIndex + i;
            }
        }
        return idx;
    }

    /** The counts of {@link #sparseIndexes}, in the same order. */
    public long[] sparseCounts() {
        long[] c = new long[nonEmpty()];
        int j = 0;
        if (zeroCount > 0) {
            c[j++] = zeroCount;
        }
        for (int count : counts) {
            if (count != 0) {
                c[j++] = count;
            }
        }
        return c;
    }

    private int nonEmpty() {
        int n = zeroCount > 0 ? 1 : 0;
        for (int c : counts) {
            if (c != 0) {
                n++;
            }
        }
        return n;
    }

    /**
     * The value a bucket stands for, before clamping to [min, max]: 2γ^i/(γ+1), within
     * {@value #RELATIVE_ACCURACY} (relative) of every value in the bucket; 0 for {@link #ZERO_INDEX}.
     */
    public static double representative(int index) {
        return index == ZERO_INDEX ? 0.0 : value(index);
    }

    /** Visitor of {@link #forEachBucket}. */
    @FunctionalInterface
    public interface BucketVisitor {
        void visit(double value, long count);
    }

    static double value(int index) {
        return 2 * Math.pow(GAMMA, index) / (GAMMA + 1);
    }

    public void write(DataOutput out) throws IOException {
        out.writeLong(total);
        out.writeLong(zeroCount);
        out.writeDouble(min);
        out.writeDouble(max);
        // trim empty ends
        int lo = 0;
        int hi = counts.length - 1;
        while (lo <= hi && counts[lo] == 0) {
            lo++;
        }
        while (hi >= lo && counts[hi] == 0) {
            hi--;
        }
        int n = hi - lo + 1;
        out.writeInt(minIndex + lo);
        out.writeInt(Math.max(0, n));
        for (int i = lo; i <= hi; i++) {
            out.writeInt(counts[i]);
        }
    }

    public static LogHistogram read(DataInput in) throws IOException {
        LogHistogram h = new LogHistogram();
        h.total = in.readLong();
        h.zeroCount = in.readLong();
        h.min = in.readDouble();
        h.max = in.readDouble();
        h.minIndex = in.readInt();
        int n = in.readInt();
        if (n < 0 || n > MAX_BUCKETS) {
            throw new IOException("corrupt LogHistogram: " + n + " buckets");
        }
        h.counts = new int[n];
        for (int i = 0; i < n; i++) {
            h.counts[i] = in.readInt();
        }
        return h;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof LogHistogram)) {
            return false;
        }
        java.io.ByteArrayOutputStream a = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        try {
            write(new java.io.DataOutputStream(a));
            ((LogHistogram) o).write(new java.io.DataOutputStream(b));
        } catch (IOException e) {
            return false;
        }
        return Arrays.equals(a.toByteArray(), b.toByteArray());
    }

    @Override
    public int hashCode() {
        return Long.hashCode(total) * 31 + Long.hashCode(zeroCount);
    }
}
