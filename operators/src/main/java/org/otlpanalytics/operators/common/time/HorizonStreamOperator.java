package org.otlpanalytics.operators.common.time;

import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.tasks.ProcessingTimeService;

/**
 * An operator that judges lateness against a {@link WatermarkHorizon} kept in its checkpointed
 * operator state, so that after a restore a record is late exactly when it was late in the
 * failure-free run (not judged against {@code Long.MIN_VALUE} until the first watermark). It
 * registers and snapshots the horizon and records every watermark it receives; a subclass asks
 * {@link #lateBehind()} (or, in a keyed operator whose timers carry the watermark,
 * {@code horizon().effective(timers.currentWatermark())}) and may act on a watermark before it is
 * recorded and passed on ({@link #onWatermark}). The keyed-function counterpart is
 * {@link HorizonKeyedProcessOperator}.
 *
 * <p>With {@link #pacedTimers} the event-time timers a watermark makes due fire in steps: a step
 * runs them (in time order, as always) for at most {@code stepMillis}, then the input is read again
 * for {@code pauseMillis}, and the watermark goes on after its last timer. A watermark that makes a
 * whole minute of work due (a minute's held records mined at once) then no longer stops the task,
 * and the sources behind it, for as long as that takes; its barriers pass between the steps. What
 * the timers do is unchanged: the timer service is at the new watermark from the first step (records
 * read between steps are judged against it, as after an unpaced watermark), the timers still due are
 * keyed state and fire in the same order after a restore (at the next watermark), and the end of input
 * ({@code Long.MAX_VALUE}) fires everything at once.
 */
public abstract class HorizonStreamOperator<OUT> extends AbstractStreamOperator<OUT> {
    private static final long serialVersionUID = 1L;

    private transient WatermarkHorizon horizon;
    private transient long watermark;
    /** A step's time for the timers a watermark makes due, or -1: all at once ({@link #pacedTimers}). */
    private long timerStepNanos = -1;
    private long timerPauseMillis;
    /** The latest watermark whose timers are being fired in steps. */
    private transient Watermark pacedTarget;
    /** The latest watermark passed on. */
    private transient long passedOn;
    /** A step is scheduled after a pause. */
    private transient boolean stepScheduled;

    /**
     * Fires the timers a watermark makes due in steps of at most {@code stepMillis} (at least one timer
     * each), with {@code pauseMillis} between them in which the input is read; see the class comment.
     */
    public HorizonStreamOperator<OUT> pacedTimers(long stepMillis, long pauseMillis) {
        if (stepMillis < 0 || pauseMillis < 0) {
            throw new IllegalArgumentException("steps and pauses are >= 0 ms, got " + stepMillis + " and " + pauseMillis);
        }
        this.timerStepNanos = stepMillis * 1_000_000L;
        this.timerPauseMillis = pauseMillis;
        return this;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        horizon = new WatermarkHorizon();
        horizon.initialize(context.getOperatorStateStore());
        watermark = Long.MIN_VALUE;
        passedOn = Long.MIN_VALUE;
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
        if (timerStepNanos < 0 || timeServiceManager == null || mark.getTimestamp() == Long.MAX_VALUE) {
            super.processWatermark(mark);
            passedOn = mark.getTimestamp();
            return;
        }
        pacedTarget = mark;
        if (!stepScheduled) {
            fireDueTimers();
        }
    }

    /** One step: the timers due by the latest watermark, for at most a step's time; then that watermark, or the next step. */
    private void fireDueTimers() throws Exception {
        Watermark mark = pacedTarget;
        if (mark.getTimestamp() <= passedOn) {
            return; // the end of input fired them meanwhile
        }
        long deadline = System.nanoTime() + timerStepNanos;
        if (timeServiceManager.tryAdvanceWatermark(mark, () -> System.nanoTime() - deadline >= 0)) {
            passedOn = mark.getTimestamp();
            output.emitWatermark(mark);
            return;
        }
        stepScheduled = true;
        ProcessingTimeService time = getProcessingTimeService();
        time.registerTimer(time.getCurrentProcessingTime() + timerPauseMillis, t -> {
            stepScheduled = false;
            fireDueTimers();
        });
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
