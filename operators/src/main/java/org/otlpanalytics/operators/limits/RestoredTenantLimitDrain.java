package org.otlpanalytics.operators.limits;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.util.Collector;

/**
 * Keeps the uid of the one-subtask {@link TenantResourceLimiter} ({@code log-tenant-limit}) that the
 * log records' limits no longer use ({@link TenantRecordLimiter} holds the records now), so that a
 * savepoint taken while it held records restores and loses none: its restored timers emit the
 * held records at their minute's end, decided as that limiter decided them. It is fed nothing but
 * watermarks; anything that reaches it passes untouched.
 */
public class RestoredTenantLimitDrain<P> extends TenantResourceLimiter<P> {
    private static final long serialVersionUID = 1L;

    /** The arguments of the limiter it replaces, whose state it reads. */
    public RestoredTenantLimitDrain(LimitSubject<P> tenants, LimitSubject<P> resources, TypeInformation<P> type,
            int maxTenants, int maxResources, long slotMillis, long allowedLatenessMillis, String tenantGroup,
            String resourceGroup) {
        super(tenants, resources, type, maxTenants, maxResources, slotMillis, allowedLatenessMillis, tenantGroup, resourceGroup);
    }

    @Override
    public void processElement(P p, Context ctx, Collector<P> out) {
        out.collect(p);
    }
}
