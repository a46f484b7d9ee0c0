package org.otlpanalytics.operators.red;

/** Metric group and names of the RED aggregator. */
public final class RedMetrics {
    public static final String GROUP = "redAggregator";
    public static final String SPANS_AGGREGATED = "spansAggregated";
    public static final String SPANS_MERGED = "spansMerged";
    public static final String SPANS_LATE_DROPPED = "spansLateDropped";
    public static final String SPANS_FOLDED = "spansFolded";
    public static final String ROWS_EMITTED = "rowsEmitted";
    public static final String PARTIALS_EMITTED = "partialsEmitted";
    public static final String PARTIALS_LATE_DROPPED = "partialsLateDropped";

    private RedMetrics() {}
}
