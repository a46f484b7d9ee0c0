package org.otlpanalytics.operators.edges;

/**
 * Metric group and names of service-call edge pairing. Every way a span leaves the pairing
 * has a counter ({@link OfferResult.Outcome#metricName()}), as the Collector's servicegraph
 * connector counts total, expired and dropped.
 */
public final class EdgePairerMetrics {
    public static final String GROUP = "edgePairer";

    // one per OfferResult.Outcome
    public static final String EDGES_PAIRED = "edgesPaired";
    public static final String PAIRS_SKIPPED = "sameServicePairsSkipped";
    public static final String VIRTUAL_EDGES_EMITTED = "virtualEdgesEmitted";
    public static final String SPANS_ORPHANED = "spansOrphaned";
    public static final String SPANS_BUFFERED = "spansBuffered";
    public static final String SPANS_DUPLICATED = "spansDuplicated";
    public static final String SPANS_DROPPED = "spansDropped";
    public static final String SPANS_IGNORED = "spansIgnored";

    // expiry: each expired half is counted here, then as a virtual edge or an orphan
    public static final String EDGES_EXPIRED = "edgesExpired";
    /**
     * Halves late on their own partition, named before the shuffle ({@link EdgeLocalPairer}); each is
     * also counted as a virtual edge (which leaves as a late edge) or an orphan.
     */
    public static final String HALVES_LATE = "halvesLate";
    /** Virtual edges whose callee is the {@code unknown} peer (a subset of virtualEdgesEmitted). */
    public static final String PEERS_UNNAMED = "peersUnnamed";

    // gauges
    public static final String PENDING_SPANS = "pendingSpans";
    public static final String PENDING_BYTES = "pendingBytes";

    /** Metric group of {@link EdgePreAggregator}. */
    public static final String PRE_AGGREGATOR_GROUP = "edgePreAggregator";
    /** Partials shipped downstream (each the calls of one edge in one slot since the last flush). */
    public static final String PARTIALS_EMITTED = "partialsEmitted";

    /** Metric group of {@link ServiceCallAggregator}. */
    public static final String AGGREGATOR_GROUP = "serviceCallAggregator";
    public static final String EDGES_AGGREGATED = "edgesAggregated";
    /** Edges later than the allowed lateness: sent to the late side output, not aggregated. */
    public static final String EDGES_LATE_DROPPED = "edgesLateDropped";
    /** Partials late at an operator after the pre-aggregation (only when a restore races; counted, dead-lettered). */
    public static final String PARTIALS_LATE_DROPPED = "partialsLateDropped";
    public static final String ROWS_EMITTED = "rowsEmitted";

    /** Metric group of {@link VirtualPeerLimiter}. */
    public static final String PEER_LIMITER_GROUP = "virtualPeerLimiter";
    /** Calls whose peer was folded into the overflow peer at the per-caller cap. */
    public static final String EDGES_FOLDED = "edgesFolded";
    /** Peers admitted in a slot and later pushed out by a peer with a smaller hash (their calls are folded). */
    public static final String PEERS_EVICTED = "peersEvicted";

    private EdgePairerMetrics() {}
}
