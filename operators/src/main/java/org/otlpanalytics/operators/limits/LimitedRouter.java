package org.otlpanalytics.operators.limits;

import java.util.Objects;
import org.apache.flink.api.common.TaskInfo;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Chained behind a {@link TenantRecordLimiter} keyed by the key of the keyed operator chained behind
 * this one: sends what the limit let through on to that operator when its key is owned by this very
 * subtask (a kept tenant and resource: the key it was held under, so no second shuffle), and
 * everything else to {@link #rekeyed()}, to be shuffled: every record of an overflow stream (its
 * tenant {@link Overflow#TENANT} or its resource {@link Overflow#SERVICE_URN}: folded by a limit, or
 * so named by its sender), which one operator of its own must see from every limiter subtask, and a
 * record whose key another subtask owns (a keyed operator must never see a key outside its key groups).
 *
 * @param <P> the records
 */
public abstract class LimitedRouter<P> extends ProcessFunction<P, P> {
    private static final long serialVersionUID = 1L;

    private transient int maxParallelism;
    private transient int parallelism;
    private transient int subtask;
    /** The last record's tenant and resource and where it went: a limiter releases a key's records one after the other. */
    private transient String lastTenant;
    private transient String lastResource;
    private transient boolean lastLocal;

    /** Where the records not for the operator chained behind go. */
    public abstract OutputTag<P> rekeyed();

    protected abstract String tenant(P p);

    /** The resource (service) the limit admits or folds. */
    protected abstract String resource(P p);

    /** The key of the keyed operator chained behind, which the limiter is keyed by too. */
    protected abstract String key(P p);

    @Override
    public void open(OpenContext openContext) {
        TaskInfo task = getRuntimeContext().getTaskInfo();
        maxParallelism = task.getMaxNumberOfParallelSubtasks();
        parallelism = task.getNumberOfParallelSubtasks();
        subtask = task.getIndexOfThisSubtask();
        lastTenant = null;
        lastResource = null;
    }

    @Override
    public void processElement(P p, Context ctx, Collector<P> out) {
        if (isLocal(p)) {
            out.collect(p);
        } else {
            ctx.output(rekeyed(), p);
        }
    }

    /** Whether {@code p} goes to the operator chained on this subtask. */
    boolean isLocal(P p) {
        String tenant = tenant(p);
        String resource = resource(p);
        if (lastTenant != null && lastTenant.equals(tenant) && Objects.equals(lastResource, resource)) {
            return lastLocal;
        }
        boolean local = !isOverflow(tenant, resource)
                && KeyGroupRangeAssignment.assignKeyToParallelOperator(key(p), maxParallelism, parallelism) == subtask;
        lastTenant = tenant;
        lastResource = resource;
        lastLocal = local;
        return local;
    }

    /** Whether the tenant and resource are an overflow stream, which records from every subtask fold into. */
    public static boolean isOverflow(String tenant, String resource) {
        return Overflow.TENANT.equals(tenant) || Overflow.SERVICE_URN.equals(resource);
    }
}
