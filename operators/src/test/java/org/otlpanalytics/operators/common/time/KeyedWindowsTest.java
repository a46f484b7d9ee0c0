package org.otlpanalytics.operators.common.time;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.otlpanalytics.operators.testing.StateBackends;

/**
 * {@link KeyedWindows} in a real keyed operator on both backends: a window fires once when the
 * watermark passes its end, a record within the lateness re-emits it, a record after the purge is
 * late, a purge leaves the key's other windows, and a restore keeps all of it. The oracle is the
 * arithmetic of 1-minute windows with 30 s lateness, written out per case. On the heap a purged key
 * leaves no state entry although {@link KeyedWindows} calls no {@code clear()}: the heap's map state
 * drops the map its {@code remove} empties (the harness cannot count RocksDB's entries).
 */
class KeyedWindowsTest {
    static final long MINUTE = 60_000;
    static final long LATENESS = 30_000;

    @ParameterizedTest
    @EnumSource(StateBackends.class)
    void firesOnceReEmitsWithinTheLatenessAndIsLateAfterThePurge(StateBackends backend) throws Exception {
        var h = harness(backend, null);
        add(h, "a", 1_000, 1);
        add(h, "a", 59_999, 2);
        add(h, "b", 30_000, 10);
        h.processWatermark(new Watermark(MINUTE - 2));
        assertThat(rows(h)).as("nothing before the end").isEmpty();
        h.processWatermark(new Watermark(MINUTE - 1));
        assertThat(rows(h)).containsExactlyInAnyOrder("a@0=3", "b@0=10");

        add(h, "a", 2_000, 4); // late, within the lateness: the row again with the new total
        assertThat(rows(h)).containsExactlyInAnyOrder("a@0=3", "b@0=10", "a@0=7");
        h.processWatermark(new Watermark(MINUTE - 1 + LATENESS - 1));
        add(h, "b", 3_000, 1);
        assertThat(rows(h)).endsWith("b@0=11");

        h.processWatermark(new Watermark(MINUTE - 1 + LATENESS)); // purged
        add(h, "a", 3_000, 100);
        assertThat(late(h)).containsExactly("a@3000");
        assertThat(rows(h)).hasSize(4);
        assertThat(h.numEventTimeTimers()).isZero();
        if (backend == StateBackends.HEAP) {
            assertThat(h.numKeyedStateEntries()).as("what the purge leaves").isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(StateBackends.class)
    void purgesOneWindowAndKeepsTheKeysNextAcrossARestore(StateBackends backend) throws Exception {
        var h = harness(backend, null);
        add(h, "a", 10_000, 1);
        add(h, "a", MINUTE + 10_000, 2);
        h.processWatermark(new Watermark(MINUTE - 1));
        OperatorSubtaskState snapshot = h.snapshot(1, 1);
        h.close();

        var restored = harness(backend, snapshot);
        restored.processWatermark(new Watermark(MINUTE - 1 + LATENESS)); // purges minute 0
        add(restored, "a", MINUTE + 20_000, 3);
        add(restored, "a", 20_000, 9);
        assertThat(late(restored)).containsExactly("a@20000");
        if (backend == StateBackends.HEAP) {
            assertThat(restored.numKeyedStateEntries()).as("minute 1 is open").isOne();
        }
        restored.processWatermark(new Watermark(2 * MINUTE - 1));
        assertThat(rows(restored)).containsExactly("a@60000=5");
        restored.processWatermark(new Watermark(2 * MINUTE - 1 + LATENESS));
        assertThat(restored.numEventTimeTimers()).isZero();
        if (backend == StateBackends.HEAP) {
            assertThat(restored.numKeyedStateEntries()).isZero();
        }
    }

    static KeyedOneInputStreamOperatorTestHarness<String, Tuple2<String, Long>, String> harness(StateBackends backend,
            OperatorSubtaskState snapshot) throws Exception {
        var h = backend.apply(new KeyedOneInputStreamOperatorTestHarness<String, Tuple2<String, Long>, String>(
                new HorizonKeyedProcessOperator<>(new Summing()), t -> t.f0, Types.STRING));
        if (snapshot != null) {
            h.initializeState(snapshot);
        }
        h.open();
        return h;
    }

    static void add(KeyedOneInputStreamOperatorTestHarness<String, Tuple2<String, Long>, String> h, String key, long ts, long value)
            throws Exception {
        h.processElement(new StreamRecord<>(Tuple2.of(key, value), ts));
    }

    static List<String> rows(KeyedOneInputStreamOperatorTestHarness<String, Tuple2<String, Long>, String> h) {
        List<String> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord) {
                out.add((String) ((StreamRecord<?>) o).getValue());
            }
        }
        return out;
    }

    static List<String> late(KeyedOneInputStreamOperatorTestHarness<String, Tuple2<String, Long>, String> h) {
        List<String> out = new ArrayList<>();
        var side = h.getSideOutput(Summing.LATE);
        if (side != null) {
            side.forEach(r -> out.add(r.getValue()));
        }
        return out;
    }

    /** The window value: a sum and the fired flag. */
    public static final class Sum implements KeyedWindows.Window {
        public long total;
        public boolean fired;

        @Override
        public boolean fired() {
            return fired;
        }

        @Override
        public void markFired() {
            fired = true;
        }
    }

    /** Sums values per key and 1-minute window, emits {@code key@start=total}. */
    static final class Summing extends KeyedProcessFunction<String, Tuple2<String, Long>, String> implements WatermarkHorizon.Aware {
        static final org.apache.flink.util.OutputTag<String> LATE = new org.apache.flink.util.OutputTag<>("late", Types.STRING);
        private transient WatermarkHorizon horizon;
        private transient KeyedWindows<Sum> windows;

        @Override
        public void setWatermarkHorizon(WatermarkHorizon horizon) {
            this.horizon = horizon;
        }

        @Override
        public void open(OpenContext openContext) {
            windows = new KeyedWindows<>(new EpochWindows(MINUTE, LATENESS),
                    getRuntimeContext().getMapState(new MapStateDescriptor<>("sums", Types.LONG, TypeInformation.of(Sum.class))),
                    horizon);
        }

        @Override
        public void processElement(Tuple2<String, Long> t, Context ctx, Collector<String> out) throws Exception {
            long start = windows.assign(ctx.timestamp(), ctx.timerService());
            if (start == KeyedWindows.LATE) {
                ctx.output(LATE, t.f0 + "@" + ctx.timestamp());
                return;
            }
            Sum w = windows.get(start);
            if (w == null) {
                w = new Sum();
                w.total = t.f1;
                windows.create(start, w, ctx.timerService());
            } else {
                w.total += t.f1;
                windows.update(start, w);
            }
            if (w.fired) {
                out.collect(t.f0 + "@" + start + "=" + w.total);
            }
        }

        @Override
        public void onTimer(long timestamp, OnTimerContext ctx, Collector<String> out) throws Exception {
            String key = ctx.getCurrentKey();
            windows.onTimer(timestamp, (start, w) -> out.collect(key + "@" + start + "=" + w.total), null);
        }
    }
}
