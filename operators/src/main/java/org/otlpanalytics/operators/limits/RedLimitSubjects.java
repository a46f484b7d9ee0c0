package org.otlpanalytics.operators.limits;

import org.otlpanalytics.operators.common.CompositeKey;
import org.otlpanalytics.operators.red.RedAggregator;
import org.otlpanalytics.operators.red.RedPartial;

/** The limits on RED partials: tenants (one scope for all), services per tenant, and series (service, operation) per tenant. */
public final class RedLimitSubjects {
    /** The scope of the tenant limit: one for the whole job. */
    public static final String ALL_TENANTS = "all-tenants";

    private RedLimitSubjects() {}

    /** Distinct tenants; past the limit a partial's tenant becomes {@link Overflow#TENANT}. */
    public static final class Tenants implements LimitSubject<RedPartial> {
        private static final long serialVersionUID = 1L;

        @Override
        public String scope(RedPartial p) {
            return ALL_TENANTS;
        }

        @Override
        public String member(RedPartial p) {
            return p.tenant;
        }

        @Override
        public long slotStartMillis(RedPartial p) {
            return p.bucketStartMillis;
        }

        @Override
        public boolean isOverflow(RedPartial p) {
            return Overflow.TENANT.equals(p.tenant);
        }

        @Override
        public void fold(RedPartial p) {
            p.tenant = Overflow.TENANT;
        }
    }

    /** Distinct services per tenant; past the limit a partial's service becomes {@link Overflow#SERVICE_URN}. */
    public static final class Resources implements LimitSubject<RedPartial> {
        private static final long serialVersionUID = 1L;

        @Override
        public String scope(RedPartial p) {
            return p.tenant;
        }

        @Override
        public String member(RedPartial p) {
            return p.serviceUrn;
        }

        @Override
        public long slotStartMillis(RedPartial p) {
            return p.bucketStartMillis;
        }

        @Override
        public boolean isOverflow(RedPartial p) {
            return Overflow.SERVICE_URN.equals(p.serviceUrn);
        }

        @Override
        public void fold(RedPartial p) {
            p.serviceName = Overflow.NAME;
            p.serviceNamespace = Overflow.NAMESPACE;
            p.serviceUrn = Overflow.SERVICE_URN;
        }
    }

    /**
     * Distinct series (service, operation) per tenant; past the limit a partial's operation becomes
     * {@link RedAggregator#OVERFLOW_OPERATION} of its own service, so the service's totals stay right.
     */
    public static final class Series implements LimitSubject<RedPartial> {
        private static final long serialVersionUID = 1L;

        @Override
        public String scope(RedPartial p) {
            return p.tenant;
        }

        @Override
        public String member(RedPartial p) {
            return CompositeKey.of(p.serviceUrn, p.operation);
        }

        @Override
        public long slotStartMillis(RedPartial p) {
            return p.bucketStartMillis;
        }

        @Override
        public boolean isOverflow(RedPartial p) {
            return RedAggregator.OVERFLOW_OPERATION.equals(p.operation);
        }

        @Override
        public void fold(RedPartial p) {
            p.operation = RedAggregator.OVERFLOW_OPERATION;
        }
    }
}
