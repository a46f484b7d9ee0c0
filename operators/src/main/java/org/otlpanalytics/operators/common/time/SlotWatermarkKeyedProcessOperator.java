package org.otlpanalytics.operators.common.time;

import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.Output;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.otlpanalytics.operators.common.ForwardingOutput;

/**
 * A {@link HorizonKeyedProcessOperator} that passes the watermark on only at the ends of its
 * slots of event time: the watermark downstream is the last millisecond of the last slot the
 * input watermark has passed ({@link #slotAligned}). A function that holds the records of a slot
 * until its end (a {@code CardinalityLimiter}) and emits them then, before that watermark, hands
 * them to an operator that has not seen any watermark inside their slot, so an operator that
 * judges lateness finer than the slot (the log fingerprinter's one-second buckets) finds none of
 * them late because of the wait. The price: downstream time advances in steps of one slot.
 */
public class SlotWatermarkKeyedProcessOperator<K, IN, OUT> extends HorizonKeyedProcessOperator<K, IN, OUT> {
    private static final long serialVersionUID = 1L;

    private final long slotMillis;

    public SlotWatermarkKeyedProcessOperator(KeyedProcessFunction<K, IN, OUT> function, long slotMillis) {
        super(function);
        if (slotMillis <= 0) {
            throw new IllegalArgumentException("slot must be > 0 ms, got " + slotMillis);
        }
        this.slotMillis = slotMillis;
    }

    /** The last millisecond of the last slot that {@code watermark} has passed whole; the end of time stays the end. */
    public static long slotAligned(long watermark, long slotMillis) {
        if (watermark == Long.MAX_VALUE || watermark == Long.MIN_VALUE) {
            return watermark;
        }
        return Math.floorDiv(watermark + 1, slotMillis) * slotMillis - 1;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        output = new SlotAlignedOutput<>(output, slotMillis);
    }

    /** Passes everything on, watermarks aligned to slot ends and only when they advance. */
    public static final class SlotAlignedOutput<T> extends ForwardingOutput<T> {
        private final long slotMillis;
        private long emitted = Long.MIN_VALUE;

        public SlotAlignedOutput(Output<StreamRecord<T>> out, long slotMillis) {
            super(out);
            this.slotMillis = slotMillis;
        }

        @Override
        public void emitWatermark(Watermark mark) {
            long aligned = slotAligned(mark.getTimestamp(), slotMillis);
            if (aligned > emitted) {
                emitted = aligned;
                out.emitWatermark(aligned == mark.getTimestamp() ? mark : new Watermark(aligned));
            }
        }
    }
}
