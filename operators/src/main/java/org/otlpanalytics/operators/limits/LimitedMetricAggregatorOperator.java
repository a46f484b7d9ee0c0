package org.otlpanalytics.operators.limits;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;
import org.otlpanalytics.operators.common.time.HorizonKeyedProcessOperator;
import org.otlpanalytics.operators.metrics.MetricBatch;
import org.otlpanalytics.operators.metrics.MetricBatchSerializer;
import org.otlpanalytics.operators.metrics.MetricMinuteAggregator;
import org.otlpanalytics.operators.metrics.MetricRow;

/**
 * The minute aggregator chained behind the metric limit and {@link LimitedMetricRouter}, which sees
 * only kept resources. A savepoint of the former wiring (every batch shuffled to this aggregator, uid
 * {@code metric-minute-aggregator}) may hold minutes of overflow resources here, whose batches now go
 * to the overflow aggregator: two aggregators writing rows of the same resource and minute would
 * overwrite each other's (the sinks upsert). So after a restore, at the first watermark (before it
 * goes on, so before any aggregator behind fires a minute it ends), each overflow resource's minutes
 * are taken out of the state whole ({@link MetricMinuteAggregator#takeAllIf}) and sent as one batch
 * of partials to {@link #RESTORED_ELSEWHERE}, to be shuffled to the overflow aggregator with its
 * other batches; a minute that had fired is written again there, whole.
 *
 * <p>That hand-over reads every key of the state once. A checkpoint of this operator holds no
 * overflow resource (their batches never reach it), so it carries a marker in operator state,
 * {@link #WIRING_STATE}, and a restore that finds it skips the hand-over; a savepoint of the former
 * wiring has none and is handed over as above.
 */
public class LimitedMetricAggregatorOperator extends HorizonKeyedProcessOperator<String, MetricBatch, MetricRow> {
    private static final long serialVersionUID = 1L;
    /** Restored minutes of resources aggregated elsewhere now, as partials. */
    public static final OutputTag<MetricBatch> RESTORED_ELSEWHERE =
            new OutputTag<>("metric-restored-elsewhere", MetricBatchSerializer.TYPE);

    /**
     * Operator state (a union list, so every subtask of a rescaled restore sees every entry): one
     * entry per subtask in checkpoints taken by this operator, true once that subtask holds no minute to
     * hand over (false between a restore from the former wiring and its first watermark); absent from
     * the former wiring's. A restore skips the hand-over only when every entry is true.
     */
    public static final String WIRING_STATE = "metric-aggregator-chained-wiring";

    private final MetricMinuteAggregator aggregator;
    private transient boolean handOverPending;
    private transient ListState<Boolean> wiring;

    public LimitedMetricAggregatorOperator(MetricMinuteAggregator aggregator) {
        super(aggregator);
        this.aggregator = aggregator;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        wiring = context.getOperatorStateStore().getUnionListState(new ListStateDescriptor<>(WIRING_STATE, Types.BOOLEAN));
        // every subtask of the checkpoint wrote one entry: true once it held no minute to hand over
        boolean any = false;
        boolean all = true;
        for (Boolean done : wiring.get()) {
            any = true;
            all &= done;
        }
        handOverPending = context.isRestored() && !(any && all);
        wiring.update(List.of(!handOverPending));
    }

    /**
     * With {@code --unaligned-checkpoints}, a barrier may come between the timers one watermark fires
     * (a minute's end writes every series' row). Safe: whether a minute fired is its window's flag, not the
     * watermark, so a batch that arrives in between for a minute whose timer has not run yet is added
     * before the rows are written (as one on time), and one for a minute that fired updates its rows (as
     * one late within the lateness).
     */
    @Override
    public boolean useInterruptibleTimers() {
        return true;
    }

    /** True until the first watermark after a restore from a checkpoint without {@link #WIRING_STATE}. */
    boolean isHandOverPending() {
        return handOverPending;
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        if (handOverPending) {
            handOverPending = false;
            handOverElsewhere();
            wiring.update(List.of(Boolean.TRUE));
        }
        super.processWatermark(mark);
    }

    /** Sends the restored minutes of every overflow resource to {@link #RESTORED_ELSEWHERE}; returns how many resources. */
    int handOverElsewhere() throws Exception {
        Set<String> keys = new LinkedHashSet<>();
        for (String state : List.of(MetricMinuteAggregator.WINDOWS, MetricMinuteAggregator.LEGACY_BUCKETS)) {
            try (Stream<String> s = this.<String>getKeyedStateBackend().getKeys(state, VoidNamespace.INSTANCE)) {
                s.forEach(keys::add);
            }
        }
        List<MetricBatch> taken = new ArrayList<>();
        for (String key : keys) {
            setCurrentKey(key);
            MetricBatch b = aggregator.takeAllIf(x -> LimitedMetricRouter.isOverflowResource(x.tenant, x.resourceUrn));
            if (b != null) {
                taken.add(b);
            }
        }
        for (MetricBatch b : taken) {
            output.collect(RESTORED_ELSEWHERE, new StreamRecord<>(b));
        }
        return taken.size();
    }
}
