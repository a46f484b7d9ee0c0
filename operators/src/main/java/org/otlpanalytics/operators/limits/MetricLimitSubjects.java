package org.otlpanalytics.operators.limits;

import org.otlpanalytics.operators.metrics.MetricBatch;

/**
 * The limits on the metrics pipeline, on one-minute batches of one tenant and resource after the
 * cumulative-to-delta conversion (folding cumulative series together before it would corrupt
 * their deltas): tenants (one scope for all), and resources per tenant. Past the tenant limit a
 * batch moves, with its resource, into {@link Overflow#TENANT}; past the resource limit it moves
 * into its tenant's {@link Overflow#SERVICE_URN} (services and hosts alike), its points keeping
 * metric, labels and counts, so the points per metric summed over kept and overflow rows stay
 * exact.
 */
public final class MetricLimitSubjects {
    private MetricLimitSubjects() {}

    /** Distinct tenants per minute; past the limit a batch's tenant becomes {@link Overflow#TENANT}. */
    public static LimitSubject<MetricBatch> tenants() {
        return LimitSubjects.tenants(b -> b.tenant, MetricBatch::firstMinuteStartMillis,
                b -> b.moveTo(Overflow.TENANT, b.resourceUrn, null, null, null));
    }

    /** Distinct resources per tenant and minute; past the limit a batch's resource becomes {@link Overflow#SERVICE_URN}. */
    public static LimitSubject<MetricBatch> resources() {
        return LimitSubjects.perTenant(b -> b.tenant, b -> b.resourceUrn, MetricBatch::firstMinuteStartMillis,
                MetricLimitSubjects::isOverflowResource,
                b -> b.moveTo(b.tenant, Overflow.SERVICE_URN, Overflow.SERVICE_URN, Overflow.NAME, Overflow.NAMESPACE));
    }

    /** Whether a batch (or a row) belongs to its tenant's overflow resource. */
    public static boolean isOverflowResource(MetricBatch b) {
        return Overflow.SERVICE_URN.equals(b.resourceUrn);
    }

    /**
     * Distinct series (resource, metric, labels) per tenant and minute, on one-series batches
     * ({@link MetricBatch#bySeries}); past the limit a series' labels become the overflow label set
     * {@code {otel.metric.overflow: "true"}} ({@link MetricBatch#foldLabels}): one overflow series
     * per resource and metric, counts kept.
     */
    public static LimitSubject<MetricBatch> series() {
        return LimitSubjects.perTenant(b -> b.tenant, MetricBatch::seriesMember, MetricBatch::firstMinuteStartMillis,
                MetricBatch::isOverflowSeries, MetricBatch::foldLabels);
    }
}
