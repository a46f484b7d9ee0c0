package org.otlpanalytics.operators.topology;

/** Metric group and names of {@link EdgeTopologyTracker}. */
public final class TopologyMetrics {
    public static final String GROUP = "edgeTopology";
    public static final String INTERVALS_OPENED = "intervalsOpened";
    public static final String INTERVALS_CLOSED = "intervalsClosed";
    /** Partials later than the allowed lateness (only when a restore races the pre-aggregation): side output, not tracked. */
    public static final String PARTIALS_LATE_DROPPED = "partialsLateDropped";
    public static final String LIVE_EDGES_UPSERTED = "liveEdgesUpserted";
    public static final String LIVE_EDGES_REMOVED = "liveEdgesRemoved";

    private TopologyMetrics() {}
}
