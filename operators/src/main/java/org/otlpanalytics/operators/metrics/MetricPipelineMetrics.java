package org.otlpanalytics.operators.metrics;

/** Metric groups and names of the metrics operators: every dropped or expired thing is counted. */
public final class MetricPipelineMetrics {
    public static final String CONVERTER_GROUP = "metricDeltaConverter";
    /** Gauges, delta points and up-down sums forwarded without state. */
    public static final String POINTS_PASSED = "pointsPassed";
    /** Cumulative points turned into a delta (DELTA, RESET, FIRST_EMITTED). */
    public static final String POINTS_CONVERTED = "pointsConverted";
    /** First points of a series recorded without a delta (FIRST). */
    public static final String POINTS_FIRST_RECORDED = "pointsFirstRecorded";
    public static final String RESETS_DETECTED = "resetsDetected";
    public static final String POINTS_DUPLICATE_DROPPED = "pointsDuplicateDropped";
    public static final String POINTS_OUT_OF_ORDER_DROPPED = "pointsOutOfOrderDropped";
    public static final String POINTS_LAYOUT_CHANGED = "pointsLayoutChanged";
    /** Cumulative points that arrived behind the watermark and were converted at once. */
    public static final String POINTS_CONVERTED_LATE = "pointsConvertedLate";
    /** Points of a new series refused because the resource has max-series-per-resource series. */
    public static final String POINTS_SERIES_LIMIT_DROPPED = "pointsSeriesLimitDropped";
    public static final String SERIES_EXPIRED = "seriesExpired";
    public static final String SERIES_CREATED = "seriesCreated";

    public static final String PRE_AGGREGATOR_GROUP = "metricPreAggregator";
    /** Batches (one per resource and flush) sent to the shuffle. */
    public static final String BATCHES_EMITTED = "batchesEmitted";

    public static final String AGGREGATOR_GROUP = "metricMinuteAggregator";
    /** Points added to a minute (pre-aggregator: to a partial; aggregator: single points and the points of merged partials). */
    public static final String POINTS_AGGREGATED = "pointsAggregated";
    /** Points later than the allowed lateness: to the late side output (dead letters); counts the points of late partials too. */
    public static final String POINTS_LATE_DROPPED = "pointsLateDropped";
    /** Points refused by an accumulator (another kind than the series', or over MAX_POINTS). */
    public static final String POINTS_IGNORED = "pointsIgnored";
    /** Series dropped from a minute by the per-resource series cap, and their points. */
    public static final String SERIES_LIMIT_DROPPED = "seriesLimitDropped";
    public static final String ROWS_EMITTED = "rowsEmitted";
    public static final String USE_ROWS_EMITTED = "useRowsEmitted";

    private MetricPipelineMetrics() {}
}
