package org.otlpanalytics.operators.edges;

/**
 * The pairing decisions, without any state: {@link EdgeStore} applies them to a map, the keyed
 * Flink operator to {@code MapState<Long, PendingSpan>} of the current trace. Keeping them here
 * makes both give the same answer for the same spans.
 */
public final class EdgeMatcher {
    private EdgeMatcher() {}

    /**
     * Settles a half that no other half can ever join: a root SERVER/CONSUMER span (parent id 0)
     * becomes a virtual-caller edge at once, or an orphan when no caller can be named. Returns
     * null when the half has to wait in state.
     */
    public static OfferResult settleAlone(PendingSpan incoming) {
        if (!incoming.isRoot()) {
            return null;
        }
        Edge e = PeerNamer.virtualEdge(incoming);
        return e == null ? OfferResult.ORPHANED : OfferResult.virtual(e);
    }

    /**
     * Joins a newly arrived half with the one already waiting under the same pairing id. Two
     * halves of the same side (a redelivered span, or a second SERVER child of one CLIENT span)
     * give {@code DUPLICATE} and the waiting one stays; otherwise the waiting one is consumed,
     * giving an edge, or nothing when both sides are in the same service.
     */
    public static OfferResult match(PendingSpan waiting, PendingSpan incoming) {
        if (waiting.isCaller() == incoming.isCaller()) {
            return OfferResult.duplicate(incoming);
        }
        PendingSpan caller = waiting.isCaller() ? waiting : incoming;
        PendingSpan callee = waiting.isCaller() ? incoming : waiting;
        if (caller.sameServiceAs(callee)) {
            return OfferResult.SAME_SERVICE;
        }
        return OfferResult.paired(Edge.between(caller, callee));
    }

    /** True when {@link #match} consumed the waiting half, so the state entry must go. */
    public static boolean consumesWaiting(OfferResult matched) {
        return matched.outcome() != OfferResult.Outcome.DUPLICATE;
    }
}
