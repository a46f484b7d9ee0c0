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

    private transient WatermarkHorizon horizon;

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
    public void processWatermark(Watermark mark) throws Exception {
        horizon.observe(mark.getTimestamp());
        super.processWatermark(mark);
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        horizon.snapshot();
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
