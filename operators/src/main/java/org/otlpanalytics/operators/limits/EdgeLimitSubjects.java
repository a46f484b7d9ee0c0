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
    public static final class Tenants implements LimitSubject<EdgePartial> {
        private static final long serialVersionUID = 1L;

        @Override
        public String scope(EdgePartial p) {
            return RedLimitSubjects.ALL_TENANTS;
        }

        @Override
        public String member(EdgePartial p) {
            return p.tenant;
        }

        @Override
        public long slotStartMillis(EdgePartial p) {
            return p.slotStartMillis;
        }

        @Override
        public boolean isOverflow(EdgePartial p) {
            return Overflow.TENANT.equals(p.tenant);
        }

        @Override
        public void fold(EdgePartial p) {
            p.tenant = Overflow.TENANT;
        }
    }

    /** Distinct callers per tenant. */
    public static final class Callers implements LimitSubject<EdgePartial> {
        private static final long serialVersionUID = 1L;

        @Override
        public String scope(EdgePartial p) {
            return p.tenant;
        }

        @Override
        public String member(EdgePartial p) {
            return p.callerUrn;
        }

        @Override
        public long slotStartMillis(EdgePartial p) {
            return p.slotStartMillis;
        }

        @Override
        public boolean isOverflow(EdgePartial p) {
            return Overflow.SERVICE_URN.equals(p.callerUrn) || Overflow.PEER_URN.equals(p.callerUrn);
        }

        @Override
        public void fold(EdgePartial p) {
            p.callerUrn = p.callerVirtual ? Overflow.PEER_URN : Overflow.SERVICE_URN;
            p.callerName = Overflow.NAME;
        }
    }

    /** Distinct callees (services and uninstrumented peers) per tenant. */
    public static final class Callees implements LimitSubject<EdgePartial> {
        private static final long serialVersionUID = 1L;

        @Override
        public String scope(EdgePartial p) {
            return p.tenant;
        }

        @Override
        public String member(EdgePartial p) {
            return p.calleeUrn;
        }

        @Override
        public long slotStartMillis(EdgePartial p) {
            return p.slotStartMillis;
        }

        @Override
        public boolean isOverflow(EdgePartial p) {
            return Overflow.SERVICE_URN.equals(p.calleeUrn) || Overflow.PEER_URN.equals(p.calleeUrn);
        }

        @Override
        public void fold(EdgePartial p) {
            p.calleeUrn = p.calleeVirtual ? Overflow.PEER_URN : Overflow.SERVICE_URN;
            p.calleeName = Overflow.NAME;
        }
    }

    /** Distinct edges (caller, callee) per tenant; past the limit the callee folds, so the caller's calls stay right. */
    public static final class Edges implements LimitSubject<EdgePartial> {
        private static final long serialVersionUID = 1L;

        @Override
        public String scope(EdgePartial p) {
            return p.tenant;
        }

        @Override
        public String member(EdgePartial p) {
            return CompositeKey.of(p.callerUrn, p.calleeUrn);
        }

        @Override
        public long slotStartMillis(EdgePartial p) {
            return p.slotStartMillis;
        }

        @Override
        public boolean isOverflow(EdgePartial p) {
            return Overflow.SERVICE_URN.equals(p.calleeUrn) || Overflow.PEER_URN.equals(p.calleeUrn);
        }

        @Override
        public void fold(EdgePartial p) {
            new Callees().fold(p);
        }
    }
}
