package org.otlpanalytics.operators.common.time;

import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.OperatorStateStore;
import org.apache.flink.api.common.typeutils.base.LongSerializer;

/**
 * The event-time horizon an operator judges lateness against, kept across restores.
 *
 * <p><b>Why.</b> After a restore every operator's current watermark is {@code Long.MIN_VALUE}
 * until new watermarks arrive, while the sources re-read the records after the checkpoint. A
 * record that the failure-free run found too late (its window already purged) would then be
 * accepted, open a fresh window and overwrite the complete row under the same key. So the last
 * watermark an operator saw is kept in its checkpointed operator state, and lateness is judged
 * against {@link #effective(long) the larger of it and the current watermark}.
 *
 * <p>The value is union list state: every subtask writes its own horizon, and on restore every
 * subtask takes the <em>smallest</em> of them (subtasks that never saw a watermark excepted).
 * With a keyed exchange all subtasks receive the same watermarks, so the values differ only by
 * the moment each one was checkpointed; the smallest one is the one no subtask had already
 * passed, which is right after a rescale too. {@code Long.MAX_VALUE} (end of input) is never
 * kept, so a job resumed from a savepoint taken with {@code --drain} still accepts new data.
 *
 * <p>Use: call {@link #initialize} from {@code initializeState}, {@link #observe} for every
 * watermark, {@link #snapshot} from {@code snapshotState}. Operators built from a
 * {@code KeyedProcessFunction} get all three from {@link HorizonKeyedProcessOperator}.
 */
public final class WatermarkHorizon {
    /** State name: never change, savepoints depend on it. */
    public static final String STATE_NAME = "watermark-horizon";

    private ListState<Long> state;
    private long restored = Long.MIN_VALUE;
    private long observed = Long.MIN_VALUE;

    /** Registers (and on restore reads) the operator state. */
    public void initialize(OperatorStateStore store) throws Exception {
        state = store.getUnionListState(new ListStateDescriptor<>(STATE_NAME, LongSerializer.INSTANCE));
        restored = restoredValue(state.get());
    }

    /** The smallest horizon of the previous subtasks that had one, else {@code Long.MIN_VALUE}. */
    static long restoredValue(Iterable<Long> values) {
        long min = Long.MAX_VALUE;
        boolean any = false;
        if (values != null) {
            for (Long v : values) {
                if (v != null && v != Long.MIN_VALUE && v != Long.MAX_VALUE) {
                    min = Math.min(min, v);
                    any = true;
                }
            }
        }
        return any ? min : Long.MIN_VALUE;
    }

    /** Records a watermark this operator received. */
    public void observe(long watermark) {
        if (watermark > observed && watermark != Long.MAX_VALUE) {
            observed = watermark;
        }
    }

    /** The horizon: the largest watermark seen, by this run or the one it was restored from. */
    public long current() {
        return Math.max(restored, observed);
    }

    /** What lateness is judged against, given the operator's current watermark. */
    public long effective(long currentWatermark) {
        return Math.max(current(), currentWatermark);
    }

    /** The horizon restored from the checkpoint ({@code Long.MIN_VALUE} on a fresh start). */
    public long restored() {
        return restored;
    }

    /** Writes the horizon into the operator state (call from {@code snapshotState}). */
    public void snapshot() throws Exception {
        state.update(List.of(current()));
    }

    /** A function whose lateness decisions need the horizon; {@link HorizonKeyedProcessOperator} hands it over. */
    public interface Aware {
        void setWatermarkHorizon(WatermarkHorizon horizon);
    }
}
