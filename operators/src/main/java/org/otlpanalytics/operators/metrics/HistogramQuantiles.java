package org.otlpanalytics.operators.metrics;

import org.otlpanalytics.schemas.metrics.MetricPoint;

/**
 * Quantile estimates from bucketed distributions: explicit-bounds histograms, exponential
 * histograms and summaries. All methods return {@code NaN} when there is nothing to estimate
 * from (no observations, no buckets).
 *
 * <p>The rank searched for is {@code q * total}: the estimate lies in the first bucket whose
 * cumulative count reaches it, at the fraction {@code (rank - before) / bucketCount} of the way
 * through that bucket — the rule of Prometheus' {@code histogram_quantile}. Where min and max are
 * known they clamp every bucket's range (and close the open-ended first and last explicit
 * buckets), so an estimate never leaves [min, max].
 */
public final class HistogramQuantiles {
    private HistogramQuantiles() {}

    /** sum / count, or NaN when either is unknown or the count is 0. */
    public static double average(double sum, long count) {
        return count > 0 && !Double.isNaN(sum) ? sum / count : Double.NaN;
    }

    /** The q-quantile of any histogram or summary point (NaN for gauges and sums). */
    public static double of(MetricPoint p, double q) {
        switch (p.type) {
            case HISTOGRAM:
                return explicit(q, p.explicitBounds, p.bucketCounts, p.min, p.max);
            case EXPONENTIAL_HISTOGRAM:
                return exponential(q, ExponentialBuckets.of(p), p.min, p.max);
            case SUMMARY:
                return summary(q, p.quantiles, p.quantileValues);
            default:
                return Double.NaN;
        }
    }

    /**
     * Explicit-bounds estimate with linear interpolation inside the bucket. Bucket i covers
     * (bounds[i-1], bounds[i]]. Without a known min, the first bucket starts at 0 when its upper
     * bound is positive (OpenTelemetry's default bounds describe non-negative durations and
     * sizes), otherwise at its upper bound. Without a known max, the last (+Inf) bucket is
     * reported as its lower bound, the largest finite bound.
     *
     * @param min NaN when unknown
     * @param max NaN when unknown
     */
    public static double explicit(double q, double[] bounds, long[] counts, double min, double max) {
        long total = 0;
        for (long c : counts) {
            total += c;
        }
        if (total <= 0) {
            return Double.NaN;
        }
        double rank = clampQ(q) * total;
        long before = 0;
        int n = counts.length;
        for (int i = 0; i < n; i++) {
            long c = counts[i];
            if (c == 0 || before + c < rank) {
                before += c;
                continue;
            }
            double lo;
            double hi;
            if (i == 0) {
                hi = n == 1 ? max : bounds[0];
                lo = !Double.isNaN(min) ? min : (n > 1 && bounds[0] > 0 ? 0.0 : hi);
            } else {
                lo = bounds[i - 1];
                hi = i == n - 1 ? (!Double.isNaN(max) ? max : lo) : bounds[i];
            }
            return interpolate(lo, hi, (rank - before) / c, min, max, false);
        }
        return Double.NaN; // unreachable: rank <= total
    }

    /**
     * Exponential-histogram estimate. Values are walked from the most negative bucket up through
     * the zero bucket (counted as 0) to the largest positive bucket; inside a bucket the estimate
     * is interpolated on a log scale ({@code base^(i + fraction)} for positive bucket i), which is
     * linear in the bucket index and matches how the buckets are laid out.
     */
    public static double exponential(double q, ExponentialBuckets b, double min, double max) {
        long total = b.total();
        if (total <= 0) {
            return Double.NaN;
        }
        double rank = clampQ(q) * total;
        long before = 0;
        long[] neg = b.negative();
        for (int k = neg.length - 1; k >= 0; k--) { // most negative first: highest index
            long c = neg[k];
            if (c == 0 || before + c < rank) {
                before += c;
                continue;
            }
            int index = b.negativeOffset() + k;
            // bucket covers [-base^(index+1), -base^index): ascending, |value| falls
            double f = (rank - before) / c;
            return -interpolate(lowerBoundary(b.scale(), index), upperBoundary(b.scale(), index), 1.0 - f,
                    Double.isNaN(max) ? Double.NaN : -max, Double.isNaN(min) ? Double.NaN : -min, true);
        }
        if (b.zeroCount() > 0 && before + b.zeroCount() >= rank) {
            return 0.0;
        }
        before += b.zeroCount();
        long[] pos = b.positive();
        for (int k = 0; k < pos.length; k++) {
            long c = pos[k];
            if (c == 0 || before + c < rank) {
                before += c;
                continue;
            }
            int index = b.positiveOffset() + k;
            return interpolate(lowerBoundary(b.scale(), index), upperBoundary(b.scale(), index), (rank - before) / c,
                    min, max, true);
        }
        return Double.NaN;
    }

    /**
     * Summary estimate: the value of the listed quantile nearest to {@code q} (on a tie, the
     * higher one). Summaries cannot be interpolated meaningfully, so this never invents values.
     */
    public static double summary(double q, double[] quantiles, double[] values) {
        int best = -1;
        for (int i = 0; i < quantiles.length; i++) {
            if (best < 0) {
                best = i;
                continue;
            }
            double d = Math.abs(quantiles[i] - q);
            double bd = Math.abs(quantiles[best] - q);
            if (d < bd || (d == bd && quantiles[i] > quantiles[best])) {
                best = i;
            }
        }
        return best < 0 ? Double.NaN : values[best];
    }

    /** base^index with base = 2^(2^-scale): the lower boundary of positive bucket {@code index}. */
    public static double lowerBoundary(int scale, int index) {
        return Math.pow(2.0, Math.scalb((double) index, -scale));
    }

    /** base^(index+1): the upper boundary of positive bucket {@code index}. */
    public static double upperBoundary(int scale, int index) {
        return Math.pow(2.0, Math.scalb((double) index + 1, -scale));
    }

    private static double interpolate(double lo, double hi, double f, double min, double max, boolean logScale) {
        if (!Double.isNaN(min) && min > lo) {
            lo = Math.min(min, hi);
        }
        if (!Double.isNaN(max) && max < hi) {
            hi = Math.max(max, lo);
        }
        if (Double.isNaN(lo) || Double.isNaN(hi)) {
            return Double.isNaN(lo) ? hi : lo;
        }
        if (logScale && lo > 0 && hi > 0) {
            return lo * Math.pow(hi / lo, f);
        }
        return lo + (hi - lo) * f;
    }

    private static double clampQ(double q) {
        return Math.max(0.0, Math.min(1.0, q));
    }
}
