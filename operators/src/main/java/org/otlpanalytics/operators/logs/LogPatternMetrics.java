package org.otlpanalytics.operators.logs;

/** Metric groups and names of {@link LogFingerprinter} and {@link LogPatternAggregator}. */
public final class LogPatternMetrics {
    /** Group of {@link LogFingerprinter}. */
    public static final String FINGERPRINTER_GROUP = "logFingerprinter";
    /** Records fed to a parse tree. */
    public static final String RECORDS_MINED = "recordsMined";
    /** Records that arrived behind the watermark but within the allowed lateness: mined, possibly out of order. */
    public static final String RECORDS_LATE = "recordsLate";
    /** Records later than the allowed lateness: not mined, sent to the late side output. */
    public static final String RECORDS_LATE_DROPPED = "recordsLateDropped";
    /** Records mined before the watermark passed them because the buffer cap was hit (order may differ from a replay). */
    public static final String RECORDS_FLUSHED_EARLY = "recordsFlushedEarly";
    public static final String CLUSTERS_CREATED = "clustersCreated";
    /** Patterns dropped because a (tenant, service) held {@link DrainOptions#maxClusters()}. */
    public static final String CLUSTERS_EVICTED = "clustersEvicted";
    public static final String CLUSTERS_MERGED = "clustersMerged";
    public static final String PARTIALS_EMITTED = "partialsEmitted";
    public static final String PATTERNS_EMITTED = "patternsEmitted";

    /** Group of {@link LogPatternAggregator}. */
    public static final String AGGREGATOR_GROUP = "logPatternAggregator";
    public static final String PARTIALS_MERGED = "partialsMerged";
    public static final String PARTIALS_LATE_DROPPED = "partialsLateDropped";
    public static final String ROWS_EMITTED = "rowsEmitted";

    private LogPatternMetrics() {}
}
