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

    /**
     * Of two halves waiting under one pairing id, the one that has to stop waiting now because
     * the two are too far apart in event time to be one call; null when they may pair.
     *
     * <p>Two halves pair only when each starts before the other's deadline. Why: a half is
     * stamped with its start, and a watermark never passes an on-time record's stamp, so a half
     * starting before its partner's deadline always finds the partner still waiting, whatever
     * the Kafka partitions' interleaving. A half starting after it (a consumer picking a message
     * up more than {@code edges.store.ttl} after the producer ended) would pair or not depending
     * on whether the watermark had reached the deadline yet, and a replay could draw other
     * edges. Refusing that pair makes the answer a function of the two spans. The half with the
     * earlier deadline is the one whose timer would have fired first, so it expires now.
     */
    public static PendingSpan staleOf(PendingSpan waiting, PendingSpan incoming) {
        if (startMillis(incoming) < waiting.deadlineMillis() && startMillis(waiting) < incoming.deadlineMillis()) {
            return null;
        }
        return waiting.deadlineMillis() <= incoming.deadlineMillis() ? waiting : incoming;
    }

    /**
     * True when the watermark has reached the half's deadline: its wait is over, whether or not
     * its timer has fired yet. Judging by the watermark rather than by the timer makes the answer
     * the same when a half is re-read right after a restore, before the first watermark.
     */
    public static boolean hasExpired(PendingSpan p, long watermarkMillis) {
        return p.deadlineMillis() <= watermarkMillis;
    }

    /** A half's Flink timestamp: its start in epoch milliseconds, as the span decoder stamps it. */
    static long startMillis(PendingSpan p) {
        return Math.floorDiv(p.startTimeNanos(), 1_000_000L);
    }

    /** True when {@link #match} consumed the waiting half, so the state entry must go. */
    public static boolean consumesWaiting(OfferResult matched) {
        return matched.outcome() != OfferResult.Outcome.DUPLICATE;
    }
}
