package org.otlpanalytics.operators.metrics;

import org.otlpanalytics.schemas.metrics.MetricPoint;
import org.otlpanalytics.schemas.metrics.Temporality;

/**
 * How a point is aggregated per minute, which fixes what avg/max/p95 of a {@link MetricRow}
 * mean (see {@link MetricAccumulator}).
 */
public enum AggregateKind {
    /** A level: gauges, and non-monotonic cumulative sums (up-down counters such as memory usage). */
    LEVEL,
    /** A change: delta sums, including monotonic sums made delta by {@link CumulativeToDelta}. */
    RATE,
    /** Delta explicit-bounds histograms. */
    HISTOGRAM,
    /** Delta exponential histograms. */
    EXPONENTIAL_HISTOGRAM,
    /** Delta summaries (count and sum made delta by {@link CumulativeToDelta}). */
    SUMMARY;

    /**
     * The kind of a point, or null for a cumulative point that must go through
     * {@link CumulativeToDelta} first.
     */
    public static AggregateKind of(MetricPoint p) {
        switch (p.type) {
            case GAUGE:
                return LEVEL;
            case SUM:
                if (p.temporality == Temporality.DELTA) {
                    return RATE;
                }
                return p.monotonic ? null : LEVEL;
            case HISTOGRAM:
                return p.temporality == Temporality.DELTA ? HISTOGRAM : null;
            case EXPONENTIAL_HISTOGRAM:
                return p.temporality == Temporality.DELTA ? EXPONENTIAL_HISTOGRAM : null;
            case SUMMARY:
                return p.temporality == Temporality.DELTA ? SUMMARY : null;
            default:
                return null;
        }
    }
}
