package org.otlpanalytics.operators.common.time;

import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;

/**
 * A {@link KeyedProcessOperator} that keeps a {@link WatermarkHorizon} in its checkpointed state
 * and hands it to its function when the function is {@link WatermarkHorizon.Aware}. Every
 * windowed operator of the project runs in one, so lateness after a restore is judged against
 * the watermark the failure-free run had reached, not against {@code Long.MIN_VALUE}.
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
}
