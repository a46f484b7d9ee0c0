package org.otlpanalytics.operators.metrics;

import java.util.Arrays;
import org.otlpanalytics.operators.sketch.LogHistogram;

/**
 * The values of a {@code metric_1m} row as the signed log histogram plain SQL merges
 * ({@code value_idx}/{@code value_cnt}, V32__metric_loghist.sql): the buckets of
 * {@link LogHistogram} (relative width {@value LogHistogram#RELATIVE_ACCURACY}), split by sign.
 *
 * <ul>
 *   <li>a value v with |v| &gt; 1e-6 falls in bucket k = ceil(ln|v| / ln γ), γ = 1.005/0.995, which
 *       holds (γ^(k-1), γ^k] and stands for 2γ^k/(γ+1), within 0.5% of every value in it;
 *       k ≥ -1381;
 *   <li>a positive value is stored at index k, a negative one at {@value #NEGATIVE_BASE} - k
 *       (≤ -1383), so that index order is value order; |v| ≤ 1e-6 counts in the zero bucket,
 *       {@link LogHistogram#ZERO_INDEX}, listed in value order between the two (its place -1382);
 *   <li>NaN and infinities are not counted.
 * </ul>
 * Merging rows = summing counts of equal indexes (V31's {@code loghist_merge}), so a range's
 * quantile is the representative of the bucket holding its nearest-rank value: within 0.5% of
 * it (1e-6 absolute in the zero bucket).
 *
 * <p>What is counted, per kind: LEVEL and RATE: every sample (the value, or the per-second rate).
 * HISTOGRAM (explicit bounds): each bucket's count at its upper bound, clamped to the points'
 * [min, max] when known; the overflow bucket (above the last bound) at max, or at the last bound
 * when max is unknown. A range quantile is then the upper bound of the explicit bucket holding the
 * exact nearest-rank observation (±0.5%): never below it, and above it by at most that bucket's
 * width. EXPONENTIAL_HISTOGRAM: each bucket (base^i, base^(i+1)] at 2·base^(i+1)/(base+1), clamped
 * to [min, max]: within (base-1)/(base+1) + 0.5% of every observation in it (0.77% at scale 7,
 * 1.6% at scale 5). SUMMARY: nothing (a summary's quantiles do not merge).
 */
public final class ValueHistogram {
    /** Negative values: index {@code NEGATIVE_BASE - k} for the bucket k of |v|. */
    public static final int NEGATIVE_BASE = -2764;
    /** The zero bucket's place in index order (V31's loghist_merge keeps it there). */
    public static final int ZERO_ORDER = -1382;
    private static final double GAMMA = (1 + LogHistogram.RELATIVE_ACCURACY) / (1 - LogHistogram.RELATIVE_ACCURACY);
    private static final double LOG_GAMMA = Math.log(GAMMA);

    /**
     * Counts by place in value order (an index, or {@link #ZERO_ORDER} for the zero bucket, as V31's
     * loghist_merge returns it), in two primitive arrays: the first {@code merged} entries sorted and
     * distinct, the rest appended since and merged in when read. A row builds one per series and
     * minute; a {@code TreeMap} of boxed entries was 40% of building a row.
     */
    private int[] places = new int[8];
    private long[] counts = new long[8];
    private int size;
    private int merged;

    /** Counts {@code n} values {@code v}; NaN and infinities are ignored. */
    public void add(double v, long n) {
        if (!Double.isFinite(v) || n <= 0) {
            return;
        }
        int i = index(v);
        int place = i == LogHistogram.ZERO_INDEX ? ZERO_ORDER : i;
        if (size > 0 && places[size - 1] == place) {
            counts[size - 1] += n; // the usual case for sorted samples: the same bucket again
            return;
        }
        if (size == places.length) {
            places = Arrays.copyOf(places, size * 2);
            counts = Arrays.copyOf(counts, size * 2);
        }
        places[size] = place;
        counts[size] = n;
        size++;
    }

    /** Sorts the entries by place and sums those of the same place. */
    private void merge() {
        if (merged == size) {
            return;
        }
        boolean sorted = true;
        for (int i = 1; i < size && sorted; i++) {
            sorted = places[i - 1] < places[i];
        }
        if (!sorted) {
            // (place, position) pairs sorted as longs: by place, then arrival
            long[] order = new long[size];
            for (int i = 0; i < size; i++) {
                order[i] = ((long) places[i] << 32) | i;
            }
            Arrays.sort(order);
            int[] p = new int[Math.max(8, size)];
            long[] c = new long[p.length];
            int n = 0;
            for (long o : order) {
                int place = (int) (o >> 32);
                long count = counts[(int) o];
                if (n > 0 && p[n - 1] == place) {
                    c[n - 1] += count;
                } else {
                    p[n] = place;
                    c[n] = count;
                    n++;
                }
            }
            places = p;
            counts = c;
            size = n;
        }
        merged = size;
    }

    /** The bucket index of {@code v} (finite). */
    public static int index(double v) {
        double a = Math.abs(v);
        if (a <= LogHistogram.MIN_VALUE) {
            return LogHistogram.ZERO_INDEX;
        }
        int k = (int) Math.ceil(Math.log(a) / LOG_GAMMA);
        return v > 0 ? k : NEGATIVE_BASE - k;
    }

    /** The value bucket {@code index} stands for (0 for the zero bucket). */
    public static double representative(int index) {
        if (index == LogHistogram.ZERO_INDEX || index == ZERO_ORDER) {
            return 0.0;
        }
        return index > ZERO_ORDER ? LogHistogram.representative(index) : -LogHistogram.representative(NEGATIVE_BASE - index);
    }

    /** Adds every sample. */
    public void addSamples(double[] samples) {
        for (double s : samples) {
            add(s, 1);
        }
    }

    /**
     * Adds explicit buckets: {@code counts[i]} observations in (bounds[i-1], bounds[i]], the last
     * above the last bound; each at its upper bound, clamped to [min, max] where known (NaN: unknown).
     */
    public void addExplicit(double[] bounds, long[] bucketCounts, double min, double max) {
        for (int i = 0; i < bucketCounts.length; i++) {
            if (bucketCounts[i] == 0) {
                continue;
            }
            double at;
            if (i < bounds.length) {
                at = bounds[i];
            } else if (Double.isFinite(max)) {
                at = max;
            } else if (bounds.length > 0) {
                at = bounds[bounds.length - 1];
            } else {
                continue; // one bucket, no bound, no max: no value to place it at
            }
            add(clamp(at, min, max), bucketCounts[i]);
        }
    }

    /** Adds exponential buckets, each at its representative 2·base^(i+1)/(base+1), clamped to [min, max]. */
    public void addExponential(ExponentialBuckets b, double min, double max) {
        add(0.0, b.zeroCount);
        for (int i = 0; i < b.positive.length; i++) {
            if (b.positive[i] != 0) {
                add(clamp(exponentialValue(b.scale, b.positiveOffset + i), min, max), b.positive[i]);
            }
        }
        for (int i = 0; i < b.negative.length; i++) {
            if (b.negative[i] != 0) {
                add(clamp(-exponentialValue(b.scale, b.negativeOffset + i), min, max), b.negative[i]);
            }
        }
    }

    /** The middle of exponential bucket {@code i}, (base^i, base^(i+1)], in relative terms. */
    static double exponentialValue(int scale, int i) {
        double base = Math.pow(2, Math.pow(2, -scale));
        return 2 * Math.pow(2, (i + 1) * Math.pow(2, -scale)) / (base + 1);
    }

    private static double clamp(double v, double min, double max) {
        double out = v;
        if (Double.isFinite(max) && out > max) {
            out = max;
        }
        if (Double.isFinite(min) && out < min) {
            out = min;
        }
        return out;
    }

    /** Values counted. */
    public long count() {
        long n = 0;
        for (int i = 0; i < size; i++) {
            n += counts[i];
        }
        return n;
    }

    /**
     * The indexes of the non-empty buckets in value order: negative buckets, {@link LogHistogram#ZERO_INDEX},
     * positive buckets (the order V31's {@code loghist_merge} gives merged arrays).
     */
    public int[] sparseIndexes() {
        merge();
        int[] idx = new int[size];
        for (int i = 0; i < size; i++) {
            idx[i] = places[i] == ZERO_ORDER ? LogHistogram.ZERO_INDEX : places[i];
        }
        return idx;
    }

    /** The counts of {@link #sparseIndexes}, in the same order. */
    public long[] sparseCounts() {
        merge();
        return Arrays.copyOf(counts, size);
    }

    /**
     * The nearest-rank q-quantile: the representative of the bucket holding value number
     * ceil(q·n) in value order, clamped to [lo, hi] (NaN: no clamp); NaN when empty. The Java twin
     * of {@code metric_loghist_quantile}.
     */
    public double quantile(double q, double lo, double hi) {
        long n = count();
        if (n == 0) {
            return Double.NaN;
        }
        long rank = Math.max(1, (long) Math.ceil(q * n));
        merge();
        long cum = 0;
        for (int i = 0; i < size; i++) {
            cum += counts[i];
            if (cum >= rank) {
                return clamp(representative(places[i]), lo, hi);
            }
        }
        throw new IllegalStateException("unreachable");
    }

    @Override
    public String toString() {
        return "ValueHistogram" + Arrays.toString(sparseIndexes()) + Arrays.toString(sparseCounts());
    }
}
