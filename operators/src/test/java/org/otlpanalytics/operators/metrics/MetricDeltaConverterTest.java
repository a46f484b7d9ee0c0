package org.otlpanalytics.operators.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.otlpanalytics.operators.testing.StateBackends;
import org.otlpanalytics.schemas.metrics.MetricPoint;
import org.otlpanalytics.schemas.metrics.Temporality;

class MetricDeltaConverterTest {
    static KeyedOneInputStreamOperatorTestHarness<String, MetricBatch, MetricBatch> harness(MetricOptions o)
            throws Exception {
        return harness(o, StateBackends.HEAP, null);
    }

    /** A harness on {@code backend}, restored from {@code snapshot} when it is not null. */
    static KeyedOneInputStreamOperatorTestHarness<String, MetricBatch, MetricBatch> harness(MetricOptions o,
            StateBackends backend, OperatorSubtaskState snapshot) throws Exception {
        return harness(new MetricDeltaConverter(o), backend, snapshot);
    }

    static KeyedOneInputStreamOperatorTestHarness<String, MetricBatch, MetricBatch> harness(MetricDeltaConverter op,
            StateBackends backend, OperatorSubtaskState snapshot) throws Exception {
        var h = backend.apply(new KeyedOneInputStreamOperatorTestHarness<>(op, MetricBatch::resourceKey, Types.STRING));
        if (snapshot != null) {
            h.initializeState(snapshot);
        }
        h.open();
        return h;
    }

    /** One point, as a batch of its own. */
    static void add(KeyedOneInputStreamOperatorTestHarness<String, MetricBatch, MetricBatch> h, MetricPoint p,
            int partition, long offset) throws Exception {
        p.kafkaPartition = partition;
        p.kafkaOffset = offset;
        h.processElement(new StreamRecord<>(MetricBatch.of(List.of(p)), p.timeMillis()));
    }

    static void watermarkAt(KeyedOneInputStreamOperatorTestHarness<String, MetricBatch, MetricBatch> h, long sec)
            throws Exception {
        h.processWatermark(new Watermark(Points.at(sec) / 1_000_000L));
    }

    /** The points of every batch emitted, in order. */
    static List<MetricPoint> out(KeyedOneInputStreamOperatorTestHarness<String, MetricBatch, MetricBatch> h) {
        List<MetricPoint> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord) {
                out.addAll(((MetricBatch) ((StreamRecord<?>) o).getValue()).points);
            }
        }
        return out;
    }

    /** {start, time, value} of each delta, for compact assertions. */
    static List<String> deltas(List<MetricPoint> ps) {
        List<String> s = new ArrayList<>();
        for (MetricPoint p : ps) {
            s.add((p.startTimeNanos - Points.T0) / Points.SEC + ".." + (p.timeNanos - Points.T0) / Points.SEC + "="
                    + p.longValue);
        }
        return s;
    }

    @Test
    void shouldConvertInTimeOrderWhateverTheArrivalOrder() throws Exception {
        // a counter started long ago, its points spread over two partitions and read out of order
        var a = harness(MetricOptions.defaults());
        add(a, Points.counter(-1000, 10, 100), 0, 5);
        add(a, Points.counter(-1000, 20, 130), 1, 2);
        add(a, Points.counter(-1000, 30, 150), 0, 6);
        var b = harness(MetricOptions.defaults());
        add(b, Points.counter(-1000, 30, 150), 0, 6);
        add(b, Points.counter(-1000, 20, 130), 1, 2);
        add(b, Points.counter(-1000, 10, 100), 0, 5);
        assertThat(out(a)).isEmpty(); // waiting for the watermark
        watermarkAt(a, 40);
        watermarkAt(b, 40);
        // the first point only records; then 30 and 20 over their intervals
        assertThat(deltas(out(a))).containsExactly("10..20=30", "20..30=20");
        assertThat(deltas(out(b))).isEqualTo(deltas(out(a)));
        assertThat(out(a).get(0).temporality).isEqualTo(Temporality.DELTA);
    }

    @Test
    void shouldDetectResetAndIgnoreDuplicates() throws Exception {
        var h = harness(MetricOptions.defaults());
        add(h, Points.counter(-1000, 10, 100), 0, 1);
        add(h, Points.counter(-1000, 20, 130), 0, 2);
        add(h, Points.counter(-1000, 20, 130), 1, 9); // the same export written twice
        add(h, Points.counter(25, 30, 7), 0, 3); // the process restarted at 25 s
        add(h, Points.counter(25, 40, 12), 0, 4);
        watermarkAt(h, 100); // past the end of the minute of 40 s (T0 is 20 s into a minute)
        // reset: the whole value 7 over (max(start 25, previous 20), 30]
        assertThat(deltas(out(h))).containsExactly("10..20=30", "25..30=7", "30..40=5");
    }

    @Test
    void shouldDropAFirstPointThatArrivesAfterItsSeriesMovedOn() throws Exception {
        var h = harness(MetricOptions.defaults());
        add(h, Points.counter(-1000, 20, 130), 0, 2);
        add(h, Points.counter(-1000, 30, 150), 0, 3);
        watermarkAt(h, 41); // past the end of the minute of 10..39 s: converted
        // the point of 10 s comes late, its minute converted: converted at once, dropped as out of order
        add(h, Points.counter(-1000, 10, 100), 0, 1);
        add(h, Points.counter(-1000, 40, 170), 0, 4);
        watermarkAt(h, 100);
        assertThat(deltas(out(h))).containsExactly("20..30=20", "30..40=20");
    }

    @Test
    void shouldEmitAFreshSeriesFirstPointAsItsOwnDelta() throws Exception {
        var h = harness(MetricOptions.defaults());
        add(h, Points.counter(0, 10, 4), 0, 1); // a process that started 10 s ago
        watermarkAt(h, 40);
        assertThat(deltas(out(h))).containsExactly("0..10=4");
    }

    @Test
    void shouldPassGaugesAndDeltasThroughWithoutState() throws Exception {
        var h = harness(MetricOptions.defaults());
        add(h, Points.gauge("system.cpu.utilization", 10, 0.5), 0, 1);
        add(h, Points.deltaSum("bytes", 0, 10, 42), 0, 1);
        assertThat(out(h)).hasSize(2);
        assertThat(h.numKeyedStateEntries()).isZero();
        assertThat(h.numEventTimeTimers()).isZero();
    }

    @Test
    void shouldExpireIdleSeriesCountItAndStartOver() throws Exception {
        var h = harness(MetricOptions.builder().seriesIdleTimeout(Duration.ofMinutes(5)).build());
        add(h, Points.counter(-1000, 10, 100), 0, 1);
        add(h, Points.counter(-1000, 20, 110), 0, 2);
        watermarkAt(h, 40);
        assertThat(h.numKeyedStateEntries()).isEqualTo(3); // series, series count, next scan
        assertThat(h.numEventTimeTimers()).isEqualTo(1); // the expiry scan
        watermarkAt(h, 20 + 6 * 60);
        assertThat(h.numKeyedStateEntries()).isZero();
        assertThat(h.numEventTimeTimers()).isZero();
        // the next point is a first point again: recorded, not a delta over the gap
        add(h, Points.counter(-1000, 400, 200), 0, 3);
        add(h, Points.counter(-1000, 410, 205), 0, 4);
        watermarkAt(h, 460);
        assertThat(deltas(out(h))).containsExactly("10..20=10", "400..410=5");
    }

    @Test
    void shouldKeepAtMostTheConfiguredSeriesPerResource() throws Exception {
        var h = harness(MetricOptions.builder().maxSeriesPerResource(1).build());
        add(h, Points.counter(-1000, 10, 100), 0, 1);
        add(h, Points.with(Points.counter(-1000, 11, 100), "route", "/b"), 0, 2);
        add(h, Points.counter(-1000, 20, 110), 0, 3);
        add(h, Points.with(Points.counter(-1000, 21, 130), "route", "/b"), 0, 4);
        watermarkAt(h, 40);
        // the first series (in time order) holds the only slot; the other one's points are dropped
        assertThat(deltas(out(h))).containsExactly("10..20=10");
    }

    /**
     * Keys are built from untrusted tenant and resource names: a crafted pair that joins to the
     * same text as another tenant's pair must still get its own key, or the two would share
     * cumulative series state (and one tenant's counter would be subtracted from the other's).
     */
    @Test
    void shouldKeepSeriesOfCraftedTenantAndResourceNamesApart() throws Exception {
        MetricPoint a = Points.counter(-1000, 10, 100);
        a.tenant = "a\u001fb";
        a.resourceUrn = "c";
        MetricPoint b = Points.counter(-1000, 20, 1000);
        b.tenant = "a";
        b.resourceUrn = "b\u001fc";
        assertThat(MetricDeltaConverter.resourceKey(a)).isNotEqualTo(MetricDeltaConverter.resourceKey(b));
        var h = harness(MetricOptions.defaults());
        add(h, a, 0, 1);
        add(h, b, 0, 2);
        watermarkAt(h, 40);
        assertThat(out(h)).as("two first points of two series: nothing to subtract").isEmpty();
    }

    /**
     * Points whose minute the watermark has passed are converted at once, in arrival order, by the failure-free
     * run. Re-read right after a restore, before any watermark reached the restored operator,
     * they must be treated the same way (judged against the checkpointed watermark horizon),
     * not held and converted in time order as if they were on time: that would give other deltas
     * than the run without the failure.
     */
    @ParameterizedTest
    @EnumSource(StateBackends.class)
    void latePointsRightAfterRestoreAreConvertedAsInTheFailureFreeRun(StateBackends backend) throws Exception {
        var clean = harness(MetricOptions.defaults(), backend, null);
        var failing = harness(MetricOptions.defaults(), backend, null);
        for (var h : List.of(clean, failing)) {
            add(h, Points.counter(-1000, 10, 100), 0, 1);
            add(h, Points.counter(-1000, 20, 130), 0, 2);
            watermarkAt(h, 40);
        }
        var snap = failing.snapshot(1, 1);
        failing.close();
        var restored = harness(MetricOptions.defaults(), backend, snap);
        int before = out(clean).size();
        for (var h : List.of(clean, restored)) {
            add(h, Points.counter(-1000, 35, 150), 1, 7); // its minute converted at the watermark of 40 s
            add(h, Points.counter(-1000, 30, 140), 0, 3); // older still: its series has moved on
            add(h, Points.counter(-1000, 50, 170), 0, 4);
            watermarkAt(h, 100);
        }
        List<String> expected = deltas(out(clean)).subList(before, out(clean).size());
        assertThat(expected).containsExactly("20..35=20", "35..50=20");
        assertThat(deltas(out(restored))).isEqualTo(expected);
    }

    /**
     * On RocksDB, adding a point to the ones waiting for the watermark must write that point only:
     * rewriting the whole list of its timestamp cost 0.26–0.6 ms per point at 500–1000 series.
     */
    @Test
    void addingAWaitingPointOnRocksDbWritesOnlyThatPoint() throws Exception {
        CountingSerializer<MetricBatch> counting = new CountingSerializer<>(new MetricBatchSerializer());
        var h = harness(new MetricDeltaConverter(MetricOptions.defaults(), counting), StateBackends.ROCKSDB, null);
        for (int i = 0; i < 200; i++) {
            add(h, Points.with(Points.counter(-1000, 10, 100 + i), "route", "/r" + i), 0, i);
        }
        assertThat(counting.written()).isEqualTo(200);
        for (int i = 0; i < 200; i++) {
            add(h, Points.with(Points.counter(-1000, 20, 110 + i), "route", "/r" + i), 0, 200 + i);
        }
        watermarkAt(h, 40);
        assertThat(out(h)).hasSize(200).allSatisfy(p -> assertThat(p.longValue).isEqualTo(10));
        assertThat(counting.written()).isEqualTo(400);
    }

    /**
     * Six exports of a minute wait under one timer (not one per export time) and are converted
     * together when the watermark passes the end of their minute, in time order; points of the
     * next minute wait under a timer of their own.
     */
    @ParameterizedTest
    @EnumSource(StateBackends.class)
    void shouldWaitUnderOneTimerPerKeyAndMinuteHoweverManyExports(StateBackends backend) throws Exception {
        var h = harness(MetricOptions.defaults(), backend, null);
        long offset = 0;
        for (int sec = 40; sec <= 90; sec += 10) { // 40..90 s: one minute (T0 is 20 s into a minute)
            for (String route : List.of("/a", "/b", "/c")) {
                add(h, Points.with(Points.counter(-1000, sec, sec * 10), "route", route), 0, offset++);
            }
        }
        add(h, Points.with(Points.counter(-1000, 100, 1000), "route", "/a"), 0, offset++); // the next minute
        assertThat(h.numEventTimeTimers()).isEqualTo(2);
        watermarkAt(h, 100); // the end of the first minute (not yet of the next)
        List<String> d = deltas(out(h));
        assertThat(d).hasSize(15).allSatisfy(s -> assertThat(s).endsWith("=100"));
        assertThat(d.subList(0, 3)).containsExactly("40..50=100", "40..50=100", "40..50=100");
        assertThat(h.numEventTimeTimers()).isEqualTo(2); // the next minute's and the expiry scan
        watermarkAt(h, 160);
        assertThat(deltas(out(h))).hasSize(16).last().isEqualTo("90..100=100");
    }

    /**
     * Points waiting for the end of their minute are in the snapshot with their timer: restored,
     * they are converted as in the run without the failure (and the cache of registered timers,
     * which is not checkpointed, does not keep the restored operator from registering new ones).
     */
    @ParameterizedTest
    @EnumSource(StateBackends.class)
    void waitingPointsSurviveARestoreAndConvertAsInTheFailureFreeRun(StateBackends backend) throws Exception {
        var clean = harness(MetricOptions.defaults(), backend, null);
        var failing = harness(MetricOptions.defaults(), backend, null);
        for (var h : List.of(clean, failing)) {
            add(h, Points.counter(-1000, 40, 100), 0, 1);
            add(h, Points.counter(-1000, 50, 130), 1, 1);
        }
        var snap = failing.snapshot(1, 1);
        failing.close();
        var restored = harness(MetricOptions.defaults(), backend, snap);
        assertThat(restored.numEventTimeTimers()).isEqualTo(1);
        for (var h : List.of(clean, restored)) {
            add(h, Points.counter(-1000, 60, 150), 0, 2); // the same minute as the restored points
            add(h, Points.counter(-1000, 100, 170), 0, 3); // the next minute
            watermarkAt(h, 160);
        }
        assertThat(deltas(out(clean))).containsExactly("40..50=30", "50..60=20", "60..100=20");
        assertThat(deltas(out(restored))).isEqualTo(deltas(out(clean)));
    }

    /** Partials (gauges and deltas aggregated before the shuffle) pass through untouched, at once. */
    @Test
    void shouldPassPartialsThroughWithoutState() throws Exception {
        var h = harness(MetricOptions.defaults());
        MetricBatch b = new MetricBatch("acme", "urn:svc:shop/checkout");
        MetricPartial q = new MetricPartial(0, new MetricAccumulator());
        q.accumulator.add(Points.gauge("system.cpu.utilization", 10, 0.5));
        b.partials.add(q);
        b.points.add(Points.counter(-1000, 10, 100));
        h.processElement(new StreamRecord<>(b));
        List<MetricBatch> batches = new ArrayList<>();
        h.getOutput().forEach(o -> batches.add((MetricBatch) ((StreamRecord<?>) o).getValue()));
        assertThat(batches).hasSize(1);
        assertThat(batches.get(0).partials).hasSize(1); // (the harness copies its output)
        assertThat(batches.get(0).partials.get(0).accumulator.toRow(0)).usingRecursiveComparison().isEqualTo(q.accumulator.toRow(0));
        assertThat(batches.get(0).points).isEmpty(); // the counter waits for the watermark
    }
}
