package org.otlpanalytics.operators.limits;

import org.otlpanalytics.operators.common.CompositeKey;
import org.otlpanalytics.operators.edges.EdgePartial;

/**
 * The limits on service-call partials: tenants (one scope for all), callers per tenant, callees
 * per tenant and edges (caller, callee) per tenant. A folded service becomes {@link Overflow#SERVICE_URN}, a folded
 * uninstrumented peer {@link Overflow#PEER_URN}.
 */
public final class EdgeLimitSubjects {
    private EdgeLimitSubjects() {}

    /** Distinct tenants; past the limit a partial's tenant becomes {@link Overflow#TENANT}. */
    public static LimitSubject<EdgePartial> tenants() {
        return LimitSubjects.tenants(p -> p.tenant, p -> p.slotStartMillis, p -> p.tenant = Overflow.TENANT);
    }

    /** Distinct callers per tenant. */
    public static LimitSubject<EdgePartial> callers() {
        return LimitSubjects.perTenant(p -> p.tenant, p -> p.callerUrn, p -> p.slotStartMillis,
                p -> isOverflow(p.callerUrn), EdgeLimitSubjects::foldCaller);
    }

    /** Distinct callees (services and uninstrumented peers) per tenant. */
    public static LimitSubject<EdgePartial> callees() {
        return LimitSubjects.perTenant(p -> p.tenant, p -> p.calleeUrn, p -> p.slotStartMillis,
                p -> isOverflow(p.calleeUrn), EdgeLimitSubjects::foldCallee);
    }

    /** Distinct edges (caller, callee) per tenant; past the limit the callee folds, so the caller's calls stay right. */
    public static LimitSubject<EdgePartial> edges() {
        return LimitSubjects.perTenant(p -> p.tenant, p -> CompositeKey.of(p.callerUrn, p.calleeUrn),
                p -> p.slotStartMillis, p -> isOverflow(p.calleeUrn), EdgeLimitSubjects::foldCallee);
    }

    private static boolean isOverflow(String urn) {
        return Overflow.SERVICE_URN.equals(urn) || Overflow.PEER_URN.equals(urn);
    }

    private static void foldCaller(EdgePartial p) {
        p.callerUrn = p.callerVirtual ? Overflow.PEER_URN : Overflow.SERVICE_URN;
        p.callerName = Overflow.NAME;
    }

    private static void foldCallee(EdgePartial p) {
        p.calleeUrn = p.calleeVirtual ? Overflow.PEER_URN : Overflow.SERVICE_URN;
        p.calleeName = Overflow.NAME;
    }
}
