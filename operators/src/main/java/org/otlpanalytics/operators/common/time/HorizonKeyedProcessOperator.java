package org.otlpanalytics.operators.common.time;

import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyContext;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;

/**
 * A {@link KeyedProcessOperator} that keeps a {@link WatermarkHorizon} in its checkpointed state
 * and hands it to its function when the function is {@link WatermarkHorizon.Aware}. Every
 * windowed operator of the project runs in one, so lateness after a restore is judged against
 * the watermark the failure-free run had reached, not against {@code Long.MIN_VALUE}. A function
 * that is {@link KeyContextAware} is also given the operator's key context (to write keyed state of
 * other keys than the current one, as a write-back cache does from its {@code snapshotState}).
 *
 * <pre>{@code
 * stream.keyBy(...).transform("red-1m", TypeInformation.of(RedRow.class),
 *         new HorizonKeyedProcessOperator<>(new RedAggregator(options))).uid("red-aggregator");
 * }</pre>
 */
public class HorizonKeyedProcessOperator<K, IN, OUT> extends KeyedProcessOperator<K, IN, OUT> {
    private static final long serialVersionUID = 1L;

    /** A step of timers fired for a watermark, when {@link #firesTimersInSteps}. */
    static final long TIMER_STEP_NANOS = 20_000_000L;
    /** The pause between two steps, in which the input is read. */
    static final long TIMER_PAUSE_MILLIS = 5;

    private transient WatermarkHorizon horizon;
    private transient PacedTimerFiring pacedTimers;

    public HorizonKeyedProcessOperator(KeyedProcessFunction<K, IN, OUT> function) {
        super(function);
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        horizon = new WatermarkHorizon();
        horizon.initialize(context.getOperatorStateStore());
        if (userFunction instanceof WatermarkHorizon.Aware) {
            ((WatermarkHorizon.Aware) userFunction).setWatermarkHorizon(horizon);
        }
        if (userFunction instanceof KeyContextAware) {
            ((KeyContextAware) userFunction).setKeyContext(this, getKeyedStateBackend().isSafeToReuseKVState());
        }
        super.initializeState(context);
    }

    @Override
    public void open() throws Exception {
        super.open();
        if (firesTimersInSteps()) {
            pacedTimers = new PacedTimerFiring(timeServiceManager, getProcessingTimeService(), output::emitWatermark, TIMER_STEP_NANOS,
                    TIMER_PAUSE_MILLIS, System::nanoTime);
        }
    }

    /**
     * Whether the timers a watermark makes due fire in steps of about 20 ms, the input read in 5 ms pauses
     * between them, the watermark passed on after the last ({@link PacedTimerFiring}), with aligned
     * and unaligned checkpoints alike. False here; an operator whose function allows input between two
     * timers of one watermark may say true.
     */
    protected boolean firesTimersInSteps() {
        return false;
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        horizon.observe(mark.getTimestamp());
        if (pacedTimers != null) {
            pacedTimers.advance(mark);
        } else {
            super.processWatermark(mark);
        }
    }

    @Override
    public void finish() throws Exception {
        if (pacedTimers != null) {
            pacedTimers.finish();
        }
        super.finish();
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        horizon.snapshot();
    }

    /** Whether a watermark waits for its timers, fired in steps (for tests: a test harness steps them by processing time). */
    public boolean timersPending() {
        return pacedTimers != null && pacedTimers.isPending();
    }

    /** The operator's horizon (for tests). */
    public WatermarkHorizon horizon() {
        return horizon;
    }

    /** A function that reads or writes keyed state of other keys than the current one. */
    public interface KeyContextAware {
        /**
         * @param keys the operator's key context
         * @param backendCopies whether the keyed state backend serializes every access and hands out
         *     copies ({@code isSafeToReuseKVState}: RocksDB), so objects read may be kept and changed
         */
        void setKeyContext(KeyContext keys, boolean backendCopies);
    }
}
