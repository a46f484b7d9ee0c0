package org.otlpanalytics.operators.limits;

import org.apache.flink.util.OutputTag;
import org.otlpanalytics.operators.metrics.MetricBatch;
import org.otlpanalytics.operators.metrics.MetricBatchSerializer;

/**
 * Sends each metric batch the tenant and resource limit ({@link TenantRecordLimiter}, keyed by
 * {@link MetricBatch#resourceKey}) lets through to the minute aggregator of its resource, with no
 * second shuffle for the common case. Chained behind the limiter: a batch whose tenant and resource
 * were kept has the key it was held under, so its resource's minutes are on this very subtask and the
 * batch stays in the chain (main output, for the aggregator chained behind). Every batch of an
 * overflow resource (its tenant {@link Overflow#TENANT} or its resource {@link Overflow#SERVICE_URN}:
 * folded by a limit, or so named by its sender) goes to {@link #REKEYED}, to be shuffled to the one
 * aggregator of the overflow resources, so that each overflow resource's minute is aggregated from
 * the batches of every limiter subtask in one place. So does a batch held under a key of another
 * subtask (none is expected; a keyed operator must never see a key outside its key groups).
 * The routing is {@link LimitedRouter}'s.
 */
public class LimitedMetricRouter extends LimitedRouter<MetricBatch> {
    private static final long serialVersionUID = 1L;
    /** Batches for the overflow aggregator: overflow resources, and batches held on another resource's subtask. */
    public static final OutputTag<MetricBatch> REKEYED = new OutputTag<>("metric-batches-rekeyed", MetricBatchSerializer.TYPE);

    @Override
    public OutputTag<MetricBatch> rekeyed() {
        return REKEYED;
    }

    @Override
    protected String tenant(MetricBatch b) {
        return b.tenant;
    }

    @Override
    protected String resource(MetricBatch b) {
        return b.resourceUrn;
    }

    @Override
    protected String key(MetricBatch b) {
        return b.resourceKey();
    }

    /** Whether the resource is one that batches from every subtask fold into. */
    public static boolean isOverflowResource(String tenant, String resourceUrn) {
        return isOverflow(tenant, resourceUrn);
    }
}
