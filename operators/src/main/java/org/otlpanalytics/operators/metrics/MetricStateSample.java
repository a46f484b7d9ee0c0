package org.otlpanalytics.operators.metrics;

import org.otlpanalytics.schemas.metrics.MetricPoint;

/**
 * The keys of the state {@link MetricDeltaConverter} and {@link MetricMinuteAggregator} hold, for
 * the state-cost benchmark ({@code bench-state}); the values ({@link SeriesState},
 * {@link MetricAccumulator}, {@link MetricBatch}) are public and filled by their own methods.
 */
public final class MetricStateSample {
    private MetricStateSample() {}

    /** The converter's map key of the point's cumulative series within its resource ({@code SERIES}). */
    public static String converterKey(MetricPoint p) {
        return MetricDeltaConverter.seriesKey(p);
    }

    /** The minute aggregator's map key of the point's series in {@code minuteStartMillis}. */
    public static SeriesSlot slot(long minuteStartMillis, MetricPoint p) {
        return new SeriesSlot(minuteStartMillis, MetricMinuteAggregator.seriesHash(p.name, p.labelsHash));
    }
}
