package org.otlpanalytics.operators.common.time;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;

/** The watermark goes on only at slot ends, after what the function emitted at them. */
class SlotWatermarkKeyedProcessOperatorTest {
    static final long SLOT = 60_000L;

    /** Holds each record until the watermark passes the end of its slot, then emits it. */
    static final class HoldUntilSlotEnd extends KeyedProcessFunction<String, Long, Long> {
        @Override
        public void processElement(Long t, Context ctx, Collector<Long> out) {
            ctx.timerService().registerEventTimeTimer(Math.floorDiv(t, SLOT) * SLOT + SLOT - 1);
        }

        @Override
        public void onTimer(long timestamp, OnTimerContext ctx, Collector<Long> out) {
            out.collect(timestamp);
        }
    }

    @Test
    void shouldAlignToTheLastMillisecondOfTheLastWholeSlot() {
        assertThat(SlotWatermarkKeyedProcessOperator.slotAligned(SLOT - 2, SLOT)).isEqualTo(-1);
        assertThat(SlotWatermarkKeyedProcessOperator.slotAligned(SLOT - 1, SLOT)).isEqualTo(SLOT - 1);
        assertThat(SlotWatermarkKeyedProcessOperator.slotAligned(2 * SLOT + 5, SLOT)).isEqualTo(2 * SLOT - 1);
        assertThat(SlotWatermarkKeyedProcessOperator.slotAligned(-5, SLOT)).isEqualTo(-SLOT - 1);
        assertThat(SlotWatermarkKeyedProcessOperator.slotAligned(Long.MAX_VALUE, SLOT)).isEqualTo(Long.MAX_VALUE);
        assertThat(SlotWatermarkKeyedProcessOperator.slotAligned(Long.MIN_VALUE, SLOT)).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void shouldPassTheWatermarkOnOnlyAtSlotEndsAndAfterTheRecordsHeldForTheSlot() throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<String, Long, Long>(
                new SlotWatermarkKeyedProcessOperator<>(new HoldUntilSlotEnd(), SLOT), t -> "k", Types.STRING);
        h.open();
        h.processElement(new StreamRecord<>(10_000L, 10_000L));
        h.processWatermark(new Watermark(30_000L));
        h.processWatermark(new Watermark(59_998L));
        h.processElement(new StreamRecord<>(59_999L, 59_999L));
        h.processWatermark(new Watermark(SLOT + 1_000L));
        h.processWatermark(new Watermark(SLOT + 2_000L));
        h.processWatermark(new Watermark(Long.MAX_VALUE));
        List<String> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            out.add(o instanceof Watermark w ? "wm " + w.getTimestamp() : "rec " + ((StreamRecord<?>) o).getValue());
        }
        // no watermark inside the first slot reached downstream before its records
        assertThat(out).containsExactly("wm -1", "rec 59999", "wm 59999", "wm " + Long.MAX_VALUE);
        h.close();
    }
}
