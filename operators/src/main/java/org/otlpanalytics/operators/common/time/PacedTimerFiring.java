package org.otlpanalytics.operators.common.time;

import java.util.function.LongSupplier;
import org.apache.flink.streaming.api.operators.InternalTimeServiceManager;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.tasks.ProcessingTimeService;
import org.apache.flink.util.function.ThrowingConsumer;

/**
 * Fires the event-time timers a watermark makes due in steps of about {@code stepNanos}, each after a
 * pause of {@code pauseMillis} in which the task reads its input again, and passes the watermark on
 * after the last: Flink's interruptible timers for aligned checkpoints too. A minute's end that writes
 * every series' row (a hundred thousand at the soak's rate) no longer keeps the task from its input for
 * as long as that takes, so a checkpoint barrier behind it waits for one step, not for the whole minute.
 *
 * <p>What an operator that uses it must allow (as for Flink's interruptible timers): input between two
 * timers of one watermark. The timer service's watermark is the new one from the first step on
 * ({@link InternalTimeServiceManager#tryAdvanceWatermark}), so an element in between is judged
 * against it; a timer it registers at or before it fires in the same advance. The end of input
 * ({@code Long.MAX_VALUE}) and {@link #finish} fire everything at once. What is pending is not state:
 * the timers are, and the input's watermark brings the rest after a restore. Not thread-safe (the
 * task's thread only).
 */
public final class PacedTimerFiring {
    private final InternalTimeServiceManager<?> timers;
    private final ProcessingTimeService processingTime;
    private final ThrowingConsumer<Watermark, Exception> emit;
    private final long stepNanos;
    private final long pauseMillis;
    private final LongSupplier nanoClock;
    /** The watermark being advanced to, or null. */
    private Watermark pending;
    private boolean scheduled;
    private long steps;

    /**
     * @param emit passes a watermark on (the operator's output), once its timers have all fired
     */
    public PacedTimerFiring(InternalTimeServiceManager<?> timers, ProcessingTimeService processingTime,
            ThrowingConsumer<Watermark, Exception> emit, long stepNanos, long pauseMillis, LongSupplier nanoClock) {
        if (stepNanos < 0 || pauseMillis < 0) {
            throw new IllegalArgumentException("a step of >= 0 ns, >= 0 ms apart, got " + stepNanos + " and " + pauseMillis);
        }
        this.timers = timers;
        this.processingTime = processingTime;
        this.emit = emit;
        this.stepNanos = stepNanos;
        this.pauseMillis = pauseMillis;
        this.nanoClock = nanoClock;
    }

    /** Advances to {@code mark}: its first step now, the rest after pauses; at once for the end of input. */
    public void advance(Watermark mark) throws Exception {
        if (pending != null && mark.getTimestamp() <= pending.getTimestamp()) {
            return;
        }
        pending = mark;
        if (mark.getTimestamp() == Long.MAX_VALUE) {
            finish();
        } else if (!scheduled) {
            step();
        }
    }

    /** Fires what is pending at once and passes its watermark on (end of input). */
    public void finish() throws Exception {
        if (pending != null) {
            Watermark w = pending;
            pending = null;
            timers.advanceWatermark(w);
            emit.accept(w);
        }
    }

    /** Whether a watermark waits for its timers to fire. */
    public boolean isPending() {
        return pending != null;
    }

    /** Steps taken that did not end an advance (each followed by a pause): how often a watermark was paced. */
    public long pausedSteps() {
        return steps;
    }

    private void step() throws Exception {
        if (pending == null) {
            return;
        }
        long deadline = nanoClock.getAsLong() + stepNanos;
        if (timers.tryAdvanceWatermark(pending, () -> nanoClock.getAsLong() - deadline >= 0)) {
            Watermark w = pending;
            pending = null;
            emit.accept(w);
            return;
        }
        steps++;
        scheduled = true;
        processingTime.registerTimer(processingTime.getCurrentProcessingTime() + pauseMillis, t -> {
            scheduled = false;
            step();
        });
    }
}
