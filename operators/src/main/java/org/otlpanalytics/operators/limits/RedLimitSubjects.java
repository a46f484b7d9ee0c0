package org.otlpanalytics.operators.limits;

import org.otlpanalytics.operators.common.CompositeKey;
import org.otlpanalytics.operators.red.RedAggregator;
import org.otlpanalytics.operators.red.RedPartial;

/** The limits on RED partials: tenants (one scope for all), services per tenant, and series (service, operation) per tenant. */
public final class RedLimitSubjects {
    /** The scope of the tenant limit: one for the whole job. */
    public static final String ALL_TENANTS = LimitSubjects.ALL_TENANTS;

    private RedLimitSubjects() {}

    /** Distinct tenants; past the limit a partial's tenant becomes {@link Overflow#TENANT}. */
    public static LimitSubject<RedPartial> tenants() {
        return LimitSubjects.tenants(p -> p.tenant, p -> p.bucketStartMillis, p -> p.tenant = Overflow.TENANT);
    }

    /** Distinct services per tenant; past the limit a partial's service becomes {@link Overflow#SERVICE_URN}. */
    public static LimitSubject<RedPartial> resources() {
        return LimitSubjects.perTenant(p -> p.tenant, p -> p.serviceUrn, p -> p.bucketStartMillis,
                p -> Overflow.SERVICE_URN.equals(p.serviceUrn), p -> {
                    p.serviceName = Overflow.NAME;
                    p.serviceNamespace = Overflow.NAMESPACE;
                    p.serviceUrn = Overflow.SERVICE_URN;
                });
    }

    /**
     * Distinct series (service, operation) per tenant; past the limit a partial's operation becomes
     * {@link RedAggregator#OVERFLOW_OPERATION} of its own service, so the service's totals stay right.
     */
    public static LimitSubject<RedPartial> series() {
        return LimitSubjects.perTenant(p -> p.tenant, p -> CompositeKey.of(p.serviceUrn, p.operation),
                p -> p.bucketStartMillis, p -> RedAggregator.OVERFLOW_OPERATION.equals(p.operation),
                p -> p.operation = RedAggregator.OVERFLOW_OPERATION);
    }
}
