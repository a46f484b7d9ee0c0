package org.otlpanalytics.schemas.metrics;

import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import java.util.List;
import org.otlpanalytics.schemas.DecodeException;

/**
 * Copies the values of histogram, exponential histogram and summary points into a
 * {@link MetricPoint}, checking the invariants the OTLP data model states for them (the list is in
 * {@link MetricDecoder}'s class comment). Kept apart from the decoder so each stays short.
 */
final class PointChecks {
    private PointChecks() {}

    static void histogram(MetricPoint p, HistogramDataPoint dp) throws DecodeException {
        p.count = unsigned(p, "count", dp.getCount());
        readSumMinMax(p, dp.hasSum(), dp.getSum(), dp.hasMin(), dp.getMin(), dp.hasMax(), dp.getMax());
        int nb = dp.getBucketCountsCount();
        int nx = dp.getExplicitBoundsCount();
        if (nb > MetricDecoder.MAX_BUCKETS) {
            throw bad(p, "has " + nb + " buckets, more than " + MetricDecoder.MAX_BUCKETS);
        }
        if (!(nb == 0 && nx == 0) && nb != nx + 1) {
            throw bad(p, "has " + nb + " bucket counts for " + nx + " explicit bounds (expected " + (nx + 1) + ")");
        }
        double[] bounds = new double[nx];
        for (int i = 0; i < nx; i++) {
            bounds[i] = dp.getExplicitBounds(i);
            if (!Double.isFinite(bounds[i])) {
                throw bad(p, "has a non-finite explicit bound");
            }
            if (i > 0 && bounds[i] <= bounds[i - 1]) {
                throw bad(p, "has explicit bounds that are not strictly increasing");
            }
        }
        p.explicitBounds = bounds;
        p.bucketCounts = counts(p, "bucket count", dp.getBucketCountsList());
        if (nb > 0 && total(p, p.bucketCounts) != p.count) {
            throw bad(p, "has bucket counts adding up to " + total(p, p.bucketCounts) + ", not its count " + p.count);
        }
    }

    static void exponential(MetricPoint p, ExponentialHistogramDataPoint dp) throws DecodeException {
        p.count = unsigned(p, "count", dp.getCount());
        readSumMinMax(p, dp.hasSum(), dp.getSum(), dp.hasMin(), dp.getMin(), dp.hasMax(), dp.getMax());
        if (dp.getScale() < MetricDecoder.MIN_SCALE || dp.getScale() > MetricDecoder.MAX_SCALE) {
            throw bad(p, "has scale " + dp.getScale() + " outside [" + MetricDecoder.MIN_SCALE + ", "
                    + MetricDecoder.MAX_SCALE + "]");
        }
        p.scale = dp.getScale();
        p.zeroCount = unsigned(p, "zero count", dp.getZeroCount());
        if (!Double.isFinite(dp.getZeroThreshold()) || dp.getZeroThreshold() < 0) {
            throw bad(p, "has an invalid zero threshold");
        }
        p.zeroThreshold = dp.getZeroThreshold();
        p.positiveOffset = dp.getPositive().getOffset();
        p.positiveBucketCounts = expBuckets(p, "positive", p.positiveOffset, dp.getPositive().getBucketCountsList());
        p.negativeOffset = dp.getNegative().getOffset();
        p.negativeBucketCounts = expBuckets(p, "negative", p.negativeOffset, dp.getNegative().getBucketCountsList());
        long total;
        try {
            total = Math.addExact(Math.addExact(p.zeroCount, total(p, p.positiveBucketCounts)),
                    total(p, p.negativeBucketCounts));
        } catch (ArithmeticException e) {
            throw bad(p, "has bucket counts whose total overflows");
        }
        if (total != p.count) {
            throw bad(p, "has zero + bucket counts adding up to " + total + ", not its count " + p.count);
        }
    }

    static void summary(MetricPoint p, SummaryDataPoint dp) throws DecodeException {
        p.count = unsigned(p, "count", dp.getCount());
        p.sum = Double.isFinite(dp.getSum()) ? dp.getSum() : Double.NaN;
        int n = dp.getQuantileValuesCount();
        if (n > MetricDecoder.MAX_BUCKETS) {
            throw bad(p, "has " + n + " quantile values, more than " + MetricDecoder.MAX_BUCKETS);
        }
        double[] q = new double[n];
        double[] v = new double[n];
        int kept = 0;
        for (SummaryDataPoint.ValueAtQuantile vq : dp.getQuantileValuesList()) {
            if (!(vq.getQuantile() >= 0.0 && vq.getQuantile() <= 1.0)) {
                throw bad(p, "has quantile " + vq.getQuantile() + " outside [0, 1]");
            }
            if (Double.isFinite(vq.getValue())) {
                q[kept] = vq.getQuantile();
                v[kept] = vq.getValue();
                kept++;
            }
        }
        p.quantiles = kept == n ? q : java.util.Arrays.copyOf(q, kept);
        p.quantileValues = kept == n ? v : java.util.Arrays.copyOf(v, kept);
    }

    private static void readSumMinMax(MetricPoint p, boolean hasSum, double sum, boolean hasMin, double min,
            boolean hasMax, double max) throws DecodeException {
        p.sum = hasSum && Double.isFinite(sum) ? sum : Double.NaN;
        p.min = hasMin && Double.isFinite(min) ? min : Double.NaN;
        p.max = hasMax && Double.isFinite(max) ? max : Double.NaN;
        if (p.min > p.max) { // false when either is NaN
            throw bad(p, "has min " + p.min + " greater than max " + p.max);
        }
    }

    private static long[] expBuckets(MetricPoint p, String side, int offset, List<Long> counts) throws DecodeException {
        if (counts.size() > MetricDecoder.MAX_BUCKETS) {
            throw bad(p, "has " + counts.size() + " " + side + " buckets, more than " + MetricDecoder.MAX_BUCKETS);
        }
        if ((long) offset + counts.size() > Integer.MAX_VALUE) {
            throw bad(p, "has " + side + " bucket indexes beyond 2^31");
        }
        return counts(p, side + " bucket count", counts);
    }

    private static long[] counts(MetricPoint p, String what, List<Long> counts) throws DecodeException {
        if (counts.isEmpty()) {
            return MetricPoint.NO_LONGS;
        }
        long[] c = new long[counts.size()];
        for (int i = 0; i < c.length; i++) {
            c[i] = unsigned(p, what, counts.get(i));
        }
        return c;
    }

    private static long total(MetricPoint p, long[] counts) throws DecodeException {
        long t = 0;
        for (long c : counts) {
            t += c;
            if (t < 0) {
                throw bad(p, "has bucket counts whose total overflows");
            }
        }
        return t;
    }

    /** fixed64/uint64 arrive as signed longs; above 2^63-1 they are negative and refused. */
    private static long unsigned(MetricPoint p, String what, long v) throws DecodeException {
        if (v < 0) {
            throw bad(p, "has a " + what + " out of range (" + Long.toUnsignedString(v) + ")");
        }
        return v;
    }

    private static DecodeException bad(MetricPoint p, String problem) {
        return new DecodeException(p.type.name().toLowerCase(java.util.Locale.ROOT) + " point of metric '" + p.name
                + "' " + problem);
    }
}
