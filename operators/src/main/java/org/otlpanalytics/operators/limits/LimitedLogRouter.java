package org.otlpanalytics.operators.limits;

import java.util.Objects;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.TaskInfo;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.otlpanalytics.operators.logs.LogFingerprinter;
import org.otlpanalytics.operators.logs.LogRecordFlatSerializer;
import org.otlpanalytics.schemas.logs.LogRecordFlat;

/**
 * Sends each record the tenant and service limit ({@link TenantRecordLimiter}, keyed by
 * {@link LogFingerprinter#serviceKey}) lets through to the fingerprinter that mines its stream, with
 * no second shuffle for the common case. Chained behind the limiter: a record whose tenant and
 * service were kept has the key it was held under, so its stream's Drain tree is on this very
 * subtask and the record stays in the chain (main output, for the fingerprinter chained behind).
 * Every record of an overflow stream (its tenant {@link Overflow#TENANT} or its service
 * {@link Overflow#SERVICE_URN}: folded by a limit, or so named by its sender) goes to
 * {@link #REKEYED}, to be shuffled to the one fingerprinter that mines the overflow streams, so each
 * overflow tree sees all of its records, from every limiter subtask, as one tree did before. So does
 * a record held under another key, which only a savepoint of the limiter's former key encoding
 * ({@link org.otlpanalytics.operators.common.CompositeKey}) releases: its stream's subtask is
 * elsewhere, and a keyed operator must never see a key outside its key groups.
 */
public class LimitedLogRouter extends ProcessFunction<LogRecordFlat, LogRecordFlat> {
    private static final long serialVersionUID = 1L;
    /** Records for the overflow fingerprinter: overflow streams, and records held on another stream's subtask. */
    public static final OutputTag<LogRecordFlat> REKEYED = new OutputTag<>("log-records-rekeyed", LogRecordFlatSerializer.TYPE);

    private transient int maxParallelism;
    private transient int parallelism;
    private transient int subtask;
    /** The last record's stream and where it went: a limiter releases a key's records one after the other. */
    private transient String lastTenant;
    private transient String lastServiceUrn;
    private transient boolean lastLocal;

    @Override
    public void open(OpenContext openContext) {
        TaskInfo task = getRuntimeContext().getTaskInfo();
        maxParallelism = task.getMaxNumberOfParallelSubtasks();
        parallelism = task.getNumberOfParallelSubtasks();
        subtask = task.getIndexOfThisSubtask();
        lastTenant = null;
        lastServiceUrn = null;
    }

    @Override
    public void processElement(LogRecordFlat r, Context ctx, Collector<LogRecordFlat> out) {
        if (isLocal(r)) {
            out.collect(r);
        } else {
            ctx.output(REKEYED, r);
        }
    }

    /** Whether {@code r} is mined by the fingerprinter chained on this subtask. */
    boolean isLocal(LogRecordFlat r) {
        if (lastTenant != null && lastTenant.equals(r.tenant) && Objects.equals(lastServiceUrn, r.serviceUrn)) {
            return lastLocal;
        }
        boolean local = !isOverflowStream(r) && KeyGroupRangeAssignment.assignKeyToParallelOperator(
                LogFingerprinter.serviceKey(r), maxParallelism, parallelism) == subtask;
        lastTenant = r.tenant;
        lastServiceUrn = r.serviceUrn;
        lastLocal = local;
        return local;
    }

    /** Whether {@code r}'s stream is one that records from every subtask fold into. */
    public static boolean isOverflowStream(LogRecordFlat r) {
        return Overflow.TENANT.equals(r.tenant) || Overflow.SERVICE_URN.equals(r.serviceUrn);
    }
}
