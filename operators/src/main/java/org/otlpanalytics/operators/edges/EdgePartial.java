package org.otlpanalytics.operators.edges;

import org.otlpanalytics.operators.common.CompositeKey;

/**
 * The calls of one directed edge in one slot of event time (a minute by default), built next to
 * the pairing by {@link EdgePreAggregator} and merged by the peer limiter, the 5-minute
 * aggregation and the topology: the shuffles carry one of these per edge, slot and flush instead
 * of one record per call, as RED's partials do. Merging is exact and order-independent
 * ({@link EdgeCalls}), so pre-aggregation changes no result. Shipped with
 * {@link EdgePartialSerializer} ({@link EdgePartialSerializer#TYPE}).
 */
public final class EdgePartial {
    public String tenant;
    public String callerUrn;
    public String callerName;
    public boolean callerVirtual;
    public String calleeUrn;
    public String calleeName;
    public boolean calleeVirtual;
    /** Start of the slot every call of {@link #calls} started in (epoch ms, aligned to the slot width). */
    public long slotStartMillis;
    public final EdgeCalls calls;

    public EdgePartial() {
        this(new EdgeCalls());
    }

    EdgePartial(EdgeCalls calls) {
        this.calls = calls;
    }

    /** An empty partial of the edge's key in the slot starting at {@code slotStartMillis}. */
    public static EdgePartial of(Edge e, long slotStartMillis) {
        EdgePartial p = new EdgePartial();
        p.tenant = e.tenant;
        p.callerUrn = e.callerUrn;
        p.callerName = e.callerName;
        p.callerVirtual = e.callerVirtual;
        p.calleeUrn = e.calleeUrn;
        p.calleeName = e.calleeName;
        p.calleeVirtual = e.calleeVirtual;
        p.slotStartMillis = slotStartMillis;
        return p;
    }

    /** An empty partial with the names of {@code o}, in the same slot. */
    public static EdgePartial likeOf(EdgePartial o) {
        EdgePartial p = new EdgePartial();
        p.tenant = o.tenant;
        p.callerUrn = o.callerUrn;
        p.callerName = o.callerName;
        p.callerVirtual = o.callerVirtual;
        p.calleeUrn = o.calleeUrn;
        p.calleeName = o.calleeName;
        p.calleeVirtual = o.calleeVirtual;
        p.slotStartMillis = o.slotStartMillis;
        return p;
    }

    /**
     * The key of {@code service_call_5m} rows and of the topology: tenant, caller URN and callee
     * URN, length-prefixed ({@link CompositeKey}) because all three come from span attributes.
     */
    public String edgeKey() {
        return CompositeKey.of(tenant, callerUrn, calleeUrn);
    }

    /** The key of the peer limiter: tenant and caller. */
    public String callerKey() {
        return CompositeKey.of(tenant, callerUrn);
    }

    /** Whether the callee is a named uninstrumented peer called by a service (what the peer cap bounds). */
    public boolean toVirtualPeer() {
        return calleeVirtual && !callerVirtual;
    }

    @Override
    public String toString() {
        return "EdgePartial{" + tenant + " " + callerName + " -> " + calleeName + " @" + slotStartMillis + " calls="
                + calls.calls + "}";
    }
}
