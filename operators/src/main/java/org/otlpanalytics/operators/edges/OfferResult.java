package org.otlpanalytics.operators.edges;

/**
 * What one span did to the pairing state, in the manner of Drain3's change type: the caller
 * (an {@link EdgeStore} user or the keyed Flink operator) counts {@link #outcome()} under
 * {@link Outcome#metricName()} and emits {@link #edge()} when there is one.
 */
public final class OfferResult {
    /** Every way a span can leave {@link EdgeStore#offer}; each is counted, none is silent. */
    public enum Outcome {
        /** Met its other half in a different service: {@link #edge()} is the call. */
        PAIRED(EdgePairerMetrics.EDGES_PAIRED),
        /** Met its other half in the same service: both halves are dropped, no edge. */
        SAME_SERVICE(EdgePairerMetrics.PAIRS_SKIPPED),
        /** A root SERVER/CONSUMER span: nothing can pair with it, {@link #edge()} has a virtual caller. */
        VIRTUAL(EdgePairerMetrics.VIRTUAL_EDGES_EMITTED),
        /** A root CONSUMER span naming no messaging system: no caller to name, no edge. */
        ORPHANED(EdgePairerMetrics.SPANS_ORPHANED),
        /** Now waits for its other half until {@link #deadlineMillis()} of event time. */
        PENDING(EdgePairerMetrics.SPANS_BUFFERED),
        /** A span of the same side already waits under this pairing id; this one is dropped. */
        DUPLICATE(EdgePairerMetrics.SPANS_DUPLICATED),
        /** The store holds {@code edges.store.max-items} halves already; this one is dropped. */
        REJECTED(EdgePairerMetrics.SPANS_DROPPED),
        /** Not a call between processes (INTERNAL, UNSPECIFIED, or a CLIENT span without id). */
        IGNORED(EdgePairerMetrics.SPANS_IGNORED);

        private final String metricName;

        Outcome(String metricName) {
            this.metricName = metricName;
        }

        /** The counter this outcome increments, in the {@link EdgePairerMetrics#GROUP} group. */
        public String metricName() {
            return metricName;
        }
    }

    static final OfferResult SAME_SERVICE = new OfferResult(Outcome.SAME_SERVICE, null, null);
    static final OfferResult ORPHANED = new OfferResult(Outcome.ORPHANED, null, null);
    static final OfferResult IGNORED = new OfferResult(Outcome.IGNORED, null, null);

    private final Outcome outcome;
    private final Edge edge;
    private final PendingSpan span;

    private OfferResult(Outcome outcome, Edge edge, PendingSpan span) {
        this.outcome = outcome;
        this.edge = edge;
        this.span = span;
    }

    static OfferResult paired(Edge edge) {
        return new OfferResult(Outcome.PAIRED, edge, null);
    }

    static OfferResult virtual(Edge edge) {
        return new OfferResult(Outcome.VIRTUAL, edge, null);
    }

    static OfferResult pending(PendingSpan span) {
        return new OfferResult(Outcome.PENDING, null, span);
    }

    static OfferResult duplicate(PendingSpan span) {
        return new OfferResult(Outcome.DUPLICATE, null, span);
    }

    static OfferResult rejected(PendingSpan span) {
        return new OfferResult(Outcome.REJECTED, null, span);
    }

    public Outcome outcome() {
        return outcome;
    }

    /** The edge to emit for {@link Outcome#PAIRED} and {@link Outcome#VIRTUAL}, else null. */
    public Edge edge() {
        return edge;
    }

    public boolean hasEdge() {
        return edge != null;
    }

    /** The half that now waits ({@link Outcome#PENDING}) or was turned away (DUPLICATE, REJECTED); else null. */
    public PendingSpan span() {
        return span;
    }

    /** For {@link Outcome#PENDING}: the event time at which to look again; else {@link Long#MIN_VALUE}. */
    public long deadlineMillis() {
        return outcome == Outcome.PENDING ? span.deadlineMillis() : Long.MIN_VALUE;
    }

    @Override
    public String toString() {
        return "OfferResult{" + outcome + (edge != null ? " " + edge : "") + (span != null ? " " + span : "") + "}";
    }
}
