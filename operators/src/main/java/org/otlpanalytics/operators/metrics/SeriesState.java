package org.otlpanalytics.operators.metrics;

import org.otlpanalytics.schemas.metrics.MetricPoint;
import org.otlpanalytics.schemas.metrics.MetricType;

/**
 * What {@link CumulativeToDelta} remembers about one cumulative series: the last point's start
 * and time and its cumulative value(s). One per (tenant, resource, metric, labels hash) key;
 * checkpointed with {@link SeriesStateSerializer}. Expiry of idle series is the operator's job
 * ({@link #isExpired}).
 */
public final class SeriesState {
    MetricType type;
    long startTimeNanos;
    long lastTimeNanos;
    // SUM
    boolean valueIsInt;
    long longValue;
    double value;
    // HISTOGRAM, EXPONENTIAL_HISTOGRAM, SUMMARY
    long count;
    double sum = Double.NaN;
    double min = Double.NaN;
    double max = Double.NaN;
    // HISTOGRAM
    double[] bounds;
    long[] buckets;
    // EXPONENTIAL_HISTOGRAM
    ExponentialBuckets exp;

    public SeriesState() {}

    /** True before the first point was recorded. */
    public boolean isEmpty() {
        return type == null;
    }

    public long lastTimeNanos() {
        return lastTimeNanos;
    }

    public long startTimeNanos() {
        return startTimeNanos;
    }

    /**
     * True when the last recorded point is at least {@code idleMillis} older than
     * {@code nowMillis}. Both are event time: pass the current watermark, so that a replay
     * expires series exactly as the live run did.
     */
    public boolean isExpired(long nowMillis, long idleMillis) {
        return isEmpty() || nowMillis - lastTimeNanos / 1_000_000L >= idleMillis;
    }

    /** Records {@code p} as the series' latest cumulative value. */
    void record(MetricPoint p) {
        type = p.type;
        startTimeNanos = p.startTimeNanos;
        lastTimeNanos = p.timeNanos;
        valueIsInt = p.valueIsInt;
        longValue = p.longValue;
        value = p.value;
        count = p.count;
        sum = p.sum;
        min = p.min;
        max = p.max;
        bounds = type == MetricType.HISTOGRAM ? p.explicitBounds.clone() : null;
        buckets = type == MetricType.HISTOGRAM ? p.bucketCounts.clone() : null;
        exp = type == MetricType.EXPONENTIAL_HISTOGRAM ? ExponentialBuckets.of(p) : null;
    }
}
