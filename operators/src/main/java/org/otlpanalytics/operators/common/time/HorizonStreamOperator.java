package org.otlpanalytics.operators.common.time;

import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;

/**
 * An operator that judges lateness against a {@link WatermarkHorizon} kept in its checkpointed
 * operator state, so that after a restore a record is late exactly when it was late in the
 * failure-free run (not judged against {@code Long.MIN_VALUE} until the first watermark). It
 * registers and snapshots the horizon and records every watermark it receives; a subclass asks
 * {@link #lateBehind()} (or, in a keyed operator whose timers carry the watermark,
 * {@code horizon().effective(timers.currentWatermark())}) and may act on a watermark before it is
 * recorded and passed on ({@link #onWatermark}). The keyed-function counterpart is
 * {@link HorizonKeyedProcessOperator}.
 */
public abstract class HorizonStreamOperator<OUT> extends AbstractStreamOperator<OUT> {
    private static final long serialVersionUID = 1L;

    private transient WatermarkHorizon horizon;
    private transient long watermark;

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        horizon = new WatermarkHorizon();
        horizon.initialize(context.getOperatorStateStore());
        watermark = Long.MIN_VALUE;
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        horizon.snapshot();
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        onWatermark(mark.getTimestamp());
        watermark = mark.getTimestamp();
        horizon.observe(watermark);
        emitWatermark(mark);
    }

    /**
     * Passes a received watermark on ({@link AbstractStreamOperator#processWatermark}) once it is
     * recorded: by default at once. A subclass still sending what the watermark closes may hold it
     * and pass it on later through this method of its superclass.
     */
    protected void emitWatermark(Watermark mark) throws Exception {
        super.processWatermark(mark);
    }

    /**
     * Called with each watermark before it is recorded and passed on (and before the timers it
     * fires): for example to emit what it closes. Does nothing by default.
     */
    protected void onWatermark(long watermark) throws Exception {}

    /** What lateness is judged against: the last watermark received, or the restored horizon if larger. */
    protected final long lateBehind() {
        return horizon.effective(watermark);
    }

    /** The last watermark this subtask received ({@code Long.MIN_VALUE} before the first). */
    protected final long currentWatermark() {
        return watermark;
    }

    /** The operator's horizon. */
    protected final WatermarkHorizon horizon() {
        return horizon;
    }
}
