package org.otlpanalytics.operators.metrics;

import java.util.Arrays;
import org.otlpanalytics.schemas.metrics.MetricDecoder;
import org.otlpanalytics.schemas.metrics.MetricPoint;

/**
 * The buckets of an exponential histogram (scale, zero count, positive and negative offset +
 * counts), with the three operations the metrics path needs: downscaling, adding (merging two
 * points or accumulators) and subtracting (cumulative to delta). Bucket index i covers
 * (base^i, base^(i+1)] with base = 2^(2^-scale); lowering the scale by one merges buckets 2i and
 * 2i+1 into bucket i, so any two histograms can be brought to a common scale exactly.
 *
 * <p>Adding keeps each side within {@link #MAX_BUCKETS} by lowering the scale further, as the
 * OpenTelemetry SDKs do, so merged state stays bounded.
 */
public final class ExponentialBuckets {
    /** Largest bucket array per side kept after a merge (the decoder accepts no more either). */
    public static final int MAX_BUCKETS = MetricDecoder.MAX_BUCKETS;
    private static final long[] NONE = new long[0];

    int scale;
    long zeroCount;
    int positiveOffset;
    long[] positive;
    int negativeOffset;
    long[] negative;

    public ExponentialBuckets(int scale, long zeroCount, int positiveOffset, long[] positive, int negativeOffset,
            long[] negative) {
        this.scale = scale;
        this.zeroCount = zeroCount;
        this.positiveOffset = positiveOffset;
        this.positive = positive;
        this.negativeOffset = negativeOffset;
        this.negative = negative;
    }

    /** A copy of the buckets of an exponential histogram point. */
    public static ExponentialBuckets of(MetricPoint p) {
        return new ExponentialBuckets(p.scale, p.zeroCount, p.positiveOffset, p.positiveBucketCounts.clone(),
                p.negativeOffset, p.negativeBucketCounts.clone());
    }

    /** Writes scale and buckets into {@code p} (count, sum, min, max are the caller's). */
    public void writeTo(MetricPoint p) {
        p.scale = scale;
        p.zeroCount = zeroCount;
        p.positiveOffset = positiveOffset;
        p.positiveBucketCounts = positive.clone();
        p.negativeOffset = negativeOffset;
        p.negativeBucketCounts = negative.clone();
    }

    public ExponentialBuckets copy() {
        return new ExponentialBuckets(scale, zeroCount, positiveOffset, positive.clone(), negativeOffset,
                negative.clone());
    }

    public int scale() {
        return scale;
    }

    public long zeroCount() {
        return zeroCount;
    }

    public int positiveOffset() {
        return positiveOffset;
    }

    public long[] positive() {
        return positive;
    }

    public int negativeOffset() {
        return negativeOffset;
    }

    public long[] negative() {
        return negative;
    }

    public long total() {
        long t = zeroCount;
        for (long c : positive) {
            t += c;
        }
        for (long c : negative) {
            t += c;
        }
        return t;
    }

    /** Lowers the scale to {@code newScale} (no-op if it is not lower). */
    public void downscaleTo(int newScale) {
        int by = scale - newScale;
        if (by <= 0) {
            return;
        }
        long[] p = downscale(positive, positiveOffset, by);
        positiveOffset = positive.length == 0 ? 0 : positiveOffset >> by;
        positive = p;
        long[] n = downscale(negative, negativeOffset, by);
        negativeOffset = negative.length == 0 ? 0 : negativeOffset >> by;
        negative = n;
        scale = newScale;
    }

    private static long[] downscale(long[] counts, int oldOffset, int by) {
        if (counts.length == 0) {
            return NONE;
        }
        int lo = oldOffset >> by;
        int hi = (int) (((long) oldOffset + counts.length - 1) >> by);
        long[] out = new long[hi - lo + 1];
        for (int i = 0; i < counts.length; i++) {
            out[(int) (((long) oldOffset + i) >> by) - lo] += counts[i];
        }
        return out;
    }

    /** Adds {@code o} into this, at the lower of the two scales (and lower still if needed to fit). */
    public void add(ExponentialBuckets o) {
        ExponentialBuckets other = o;
        if (o.scale < scale) {
            downscaleTo(o.scale);
        } else if (o.scale > scale) {
            other = o.copy();
            other.downscaleTo(scale);
        }
        while (span(positiveOffset, positive, other.positiveOffset, other.positive) > MAX_BUCKETS
                || span(negativeOffset, negative, other.negativeOffset, other.negative) > MAX_BUCKETS) {
            downscaleTo(scale - 1);
            if (other == o) {
                other = o.copy();
            }
            other.downscaleTo(scale);
        }
        zeroCount += other.zeroCount;
        long[] p = addSide(positiveOffset, positive, other.positiveOffset, other.positive);
        positiveOffset = Math.min(nonEmptyOffset(positiveOffset, positive), nonEmptyOffset(other.positiveOffset, other.positive));
        positive = p;
        long[] n = addSide(negativeOffset, negative, other.negativeOffset, other.negative);
        negativeOffset = Math.min(nonEmptyOffset(negativeOffset, negative), nonEmptyOffset(other.negativeOffset, other.negative));
        negative = n;
        if (positive.length == 0) {
            positiveOffset = 0;
        }
        if (negative.length == 0) {
            negativeOffset = 0;
        }
    }

    /**
     * {@code this - previous}, at the lower of the two scales; null if any bucket would go
     * negative (the cumulative histogram was reset).
     */
    public ExponentialBuckets minus(ExponentialBuckets previous) {
        ExponentialBuckets cur = copy();
        ExponentialBuckets prev = previous.copy();
        int s = Math.min(cur.scale, prev.scale);
        cur.downscaleTo(s);
        prev.downscaleTo(s);
        long zero = cur.zeroCount - prev.zeroCount;
        if (zero < 0) {
            return null;
        }
        long[] p = subtractSide(cur.positiveOffset, cur.positive, prev.positiveOffset, prev.positive);
        long[] n = subtractSide(cur.negativeOffset, cur.negative, prev.negativeOffset, prev.negative);
        if (p == null || n == null) {
            return null;
        }
        ExponentialBuckets d = new ExponentialBuckets(s, zero, cur.positiveOffset, p, cur.negativeOffset, n);
        d.trim();
        return d;
    }

    /** Drops zero buckets at both ends of each side. */
    void trim() {
        int a = first(positive);
        positiveOffset = a < positive.length ? positiveOffset + a : 0;
        positive = a < positive.length ? Arrays.copyOfRange(positive, a, last(positive) + 1) : NONE;
        int b = first(negative);
        negativeOffset = b < negative.length ? negativeOffset + b : 0;
        negative = b < negative.length ? Arrays.copyOfRange(negative, b, last(negative) + 1) : NONE;
    }

    private static int first(long[] c) {
        int i = 0;
        while (i < c.length && c[i] == 0) {
            i++;
        }
        return i;
    }

    private static int last(long[] c) {
        int i = c.length - 1;
        while (i >= 0 && c[i] == 0) {
            i--;
        }
        return i;
    }

    private static int nonEmptyOffset(int offset, long[] counts) {
        return counts.length == 0 ? Integer.MAX_VALUE : offset;
    }

    private static long span(int oa, long[] a, int ob, long[] b) {
        if (a.length == 0 || b.length == 0) {
            return Math.max(a.length, b.length);
        }
        long lo = Math.min(oa, ob);
        long hi = Math.max((long) oa + a.length, (long) ob + b.length);
        return hi - lo;
    }

    private static long[] addSide(int oa, long[] a, int ob, long[] b) {
        if (b.length == 0) {
            return a;
        }
        if (a.length == 0) {
            return b.clone();
        }
        int lo = Math.min(oa, ob);
        int hi = (int) Math.max((long) oa + a.length, (long) ob + b.length);
        long[] out = new long[hi - lo];
        for (int i = 0; i < a.length; i++) {
            out[oa - lo + i] += a[i];
        }
        for (int i = 0; i < b.length; i++) {
            out[ob - lo + i] += b[i];
        }
        return out;
    }

    /** cur - prev laid out on cur's range; null if prev has counts cur cannot cover. */
    private static long[] subtractSide(int oc, long[] cur, int op, long[] prev) {
        long[] out = cur.clone();
        for (int i = 0; i < prev.length; i++) {
            if (prev[i] == 0) {
                continue;
            }
            long idx = (long) op + i - oc;
            if (idx < 0 || idx >= out.length) {
                return null;
            }
            out[(int) idx] -= prev[i];
            if (out[(int) idx] < 0) {
                return null;
            }
        }
        return out;
    }
}
