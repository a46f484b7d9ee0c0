package org.otlpanalytics.operators.logs;

/** Metric groups and names of {@link LogFingerprinter} and {@link LogPatternAggregator}. */
public final class LogPatternMetrics {
    /** Group of {@link LogFingerprinter}. */
    public static final String FINGERPRINTER_GROUP = "logFingerprinter";
    /** Records fed to a parse tree. */
    public static final String RECORDS_MINED = "recordsMined";
    /**
     * Records that arrived after their second was mined but within the allowed lateness: matched
     * read-only against the tree at the end of their window's lateness (never changing it), and counted.
     */
    public static final String RECORDS_LATE = "recordsLate";
    /** Late records that no pattern of the tree accepted: counted under the stream's late-unmatched pattern. */
    public static final String RECORDS_LATE_UNMATCHED = "recordsLateUnmatched";
    /** Records later than the allowed lateness: not mined, not counted, sent to the late side output. */
    public static final String RECORDS_LATE_DROPPED = "recordsLateDropped";
    /** Records over {@link LogPatternOptions#secondMaxRecords()}: not mined, counted under the stream's over-cap pattern. */
    public static final String RECORDS_FOLDED = "recordsFolded";
    public static final String CLUSTERS_CREATED = "clustersCreated";
    /** Patterns dropped because a (tenant, service) held {@link DrainOptions#maxClusters()}. */
    public static final String CLUSTERS_EVICTED = "clustersEvicted";
    public static final String CLUSTERS_MERGED = "clustersMerged";
    /** Streams (tenant, service) forgotten after {@link LogPatternOptions#streamIdleTimeoutMillis()} without records. */
    public static final String STREAMS_EXPIRED = "streamsExpired";
    /** Streams written back to keyed state and dropped from the heap cache ({@link LogPatternOptions#cacheMaxPatterns()}). */
    public static final String STREAMS_UNCACHED = "streamsUncached";
    /** Streams whose tree is on the heap now. */
    public static final String CURRENT_STREAMS_CACHED = "currentStreamsCached";
    public static final String PARTIALS_EMITTED = "partialsEmitted";
    public static final String PATTERNS_EMITTED = "patternsEmitted";

    /** Group of {@link LogPatternAggregator}. */
    public static final String AGGREGATOR_GROUP = "logPatternAggregator";
    public static final String PARTIALS_MERGED = "partialsMerged";
    public static final String PARTIALS_LATE_DROPPED = "partialsLateDropped";
    public static final String ROWS_EMITTED = "rowsEmitted";

    private LogPatternMetrics() {}
}
