package org.otlpanalytics.operators.limits;

import java.util.Objects;
import org.apache.flink.api.common.TaskInfo;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
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
 */
public class LimitedMetricRouter extends ProcessFunction<MetricBatch, MetricBatch> {
    private static final long serialVersionUID = 1L;
    /** Batches for the overflow aggregator: overflow resources, and batches held on another resource's subtask. */
    public static final OutputTag<MetricBatch> REKEYED = new OutputTag<>("metric-batches-rekeyed", MetricBatchSerializer.TYPE);

    private transient int maxParallelism;
    private transient int parallelism;
    private transient int subtask;
    /** The last batch's resource and where it went: the limiter releases a key's batches one after the other. */
    private transient String lastTenant;
    private transient String lastResourceUrn;
    private transient boolean lastLocal;

    @Override
    public void open(OpenContext openContext) {
        TaskInfo task = getRuntimeContext().getTaskInfo();
        maxParallelism = task.getMaxNumberOfParallelSubtasks();
        parallelism = task.getNumberOfParallelSubtasks();
        subtask = task.getIndexOfThisSubtask();
        lastTenant = null;
        lastResourceUrn = null;
    }

    @Override
    public void processElement(MetricBatch b, Context ctx, Collector<MetricBatch> out) {
        if (isLocal(b)) {
            out.collect(b);
        } else {
            ctx.output(REKEYED, b);
        }
    }

    /** Whether {@code b} is aggregated by the aggregator chained on this subtask. */
    boolean isLocal(MetricBatch b) {
        if (lastTenant != null && lastTenant.equals(b.tenant) && Objects.equals(lastResourceUrn, b.resourceUrn)) {
            return lastLocal;
        }
        boolean local = !isOverflowResource(b.tenant, b.resourceUrn)
                && KeyGroupRangeAssignment.assignKeyToParallelOperator(b.resourceKey(), maxParallelism, parallelism) == subtask;
        lastTenant = b.tenant;
        lastResourceUrn = b.resourceUrn;
        lastLocal = local;
        return local;
    }

    /** Whether the resource is one that batches from every subtask fold into. */
    public static boolean isOverflowResource(String tenant, String resourceUrn) {
        return Overflow.TENANT.equals(tenant) || Overflow.SERVICE_URN.equals(resourceUrn);
    }
}
