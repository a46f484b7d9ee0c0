package org.otlpanalytics.operators.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.otlpanalytics.schemas.metrics.MetricPoint;
import org.otlpanalytics.schemas.metrics.Temporality;

class MetricDeltaFolderTest {
    static final MetricOptions OPTIONS = MetricOptions.builder().allowedLateness(Duration.ofMinutes(1)).build();

    static OneInputStreamOperatorTestHarness<MetricBatch, MetricBatch> harness(OperatorSubtaskState snapshot) throws Exception {
        OneInputStreamOperatorTestHarness<MetricBatch, MetricBatch> h =
                new OneInputStreamOperatorTestHarness<>(new MetricDeltaFolder(OPTIONS));
        h.setup(new MetricBatchSerializer());
        if (snapshot != null) {
            h.initializeState(snapshot);
        }
        h.open();
        return h;
    }

    static List<MetricBatch> out(OneInputStreamOperatorTestHarness<MetricBatch, MetricBatch> h) {
        return h.getOutput().stream().filter(o -> o instanceof StreamRecord)
                .map(o -> (MetricBatch) ((StreamRecord<?>) o).getValue()).toList();
    }

    static long minuteOf(MetricPoint p) {
        return Math.floorDiv(p.timeMillis(), MetricOptions.WINDOW_MILLIS) * MetricOptions.WINDOW_MILLIS;
    }

    /** The row the minute aggregator made of these points when it added them one by one (here in reverse order). */
    static MetricRow rowOfPoints(List<MetricPoint> points) {
        MetricAccumulator a = new MetricAccumulator(OPTIONS.kllK());
        for (int i = points.size() - 1; i >= 0; i--) {
            assertThat(a.add(points.get(i))).isTrue();
        }
        return a.toRow(minuteOf(points.get(0)));
    }

    static MetricPoint deltaOf(String name, long startSec, long timeSec, double value, String cpu) {
        return Points.with(Points.deltaSum(name, startSec, timeSec, value), "cpu", cpu);
    }

    @Test
    void foldsEachSeriesAndMinuteIntoOnePartialWithTheRowOfItsPoints() throws Exception {
        var h = harness(null);
        // two series, two minutes, six exports a minute (10 s apart) and a histogram series
        List<MetricPoint> cpu0First = new ArrayList<>();
        List<MetricPoint> cpu1First = new ArrayList<>();
        List<MetricPoint> cpu0Second = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            long t = 640 + 10L * i; // 640 s after T0 is a minute's start
            cpu0First.add(Points.offset(deltaOf("system.cpu.time", t - 10, t, 0.5 + i, "cpu0"), 0, 100 + i));
            cpu1First.add(Points.offset(deltaOf("system.cpu.time", t - 10, t, 0.25 * i, "cpu1"), 1, 200 + i));
            cpu0Second.add(Points.offset(deltaOf("system.cpu.time", t + 50, t + 60, 3 + i, "cpu0"), 0, 300 + i));
        }
        List<MetricPoint> hist = List.of(
                Points.histogram(Temporality.DELTA, 640, 650, new double[] {1, 5}, new long[] {1, 2, 0}, 7, 0.5, 4.0),
                Points.histogram(Temporality.DELTA, 650, 660, new double[] {1, 5}, new long[] {0, 1, 1}, 9, 2.0, 6.0));
        MetricBatch in = new MetricBatch("acme", "urn:svc:shop/checkout");
        for (int i = 0; i < 6; i++) { // interleaved, as the converter emits them in time order
            in.points.add(cpu0First.get(i));
            in.points.add(cpu1First.get(i));
            in.points.add(cpu0Second.get(i));
        }
        in.points.addAll(hist);
        MetricPoint gauge = Points.gauge("queue.depth", 655, 4);
        MetricPartial passed = new MetricPartial(minuteOf(gauge), new MetricAccumulator(OPTIONS.kllK()));
        passed.accumulator.add(gauge);
        in.partials.add(passed);

        h.processElement(new StreamRecord<>(in));

        List<MetricBatch> out = out(h);
        assertThat(out).hasSize(1);
        MetricBatch b = out.get(0);
        assertThat(b.points).isEmpty();
        assertThat(b.tenant).isEqualTo("acme");
        assertThat(b.resourceUrn).isEqualTo("urn:svc:shop/checkout");
        assertThat(b.partials).hasSize(5); // the gauge's, then cpu0 and cpu1 of the first minute, cpu0 of the second, the histogram
        assertThat(b.partials.get(0).accumulator.toRow(passed.minuteStartMillis)).usingRecursiveComparison() // (the harness copies)
                .isEqualTo(passed.accumulator.toRow(passed.minuteStartMillis));
        assertThat(b.pointCount()).isEqualTo(in.pointCount());
        List<List<MetricPoint>> expected = List.of(cpu0First, cpu1First, cpu0Second, hist);
        for (int i = 0; i < expected.size(); i++) {
            MetricPartial q = b.partials.get(i + 1);
            assertThat(q.minuteStartMillis).isEqualTo(minuteOf(expected.get(i).get(0)));
            assertThat(q.serviceUrn).isEqualTo("urn:svc:shop/checkout");
            assertThat(q.accumulator.toRow(q.minuteStartMillis)).usingRecursiveComparison()
                    .isEqualTo(rowOfPoints(expected.get(i)));
        }
    }

    @Test
    void aPointPastTheAllowedLatenessPassesAsAPointAndOneWithinItIsFolded() throws Exception {
        var h = harness(null);
        MetricPoint old = deltaOf("system.cpu.time", 600, 610, 1, "cpu0");
        MetricPoint recent = deltaOf("system.cpu.time", 660, 670, 2, "cpu0");
        // the minute of `old` is purged (its end + 1 min), that of `recent` only fired
        h.processWatermark(new Watermark(minuteOf(old) + MetricOptions.WINDOW_MILLIS - 1 + 60_000));
        MetricBatch in = new MetricBatch("acme", "urn:svc:shop/checkout");
        in.points.add(old);
        in.points.add(recent);
        h.processElement(new StreamRecord<>(in));
        MetricBatch b = out(h).get(0);
        assertThat(b.points).singleElement().satisfies(p -> { // (the harness copies)
            assertThat(p.timeNanos).isEqualTo(old.timeNanos);
            assertThat(p.value).isEqualTo(old.value);
            assertThat(p.labelsHash).isEqualTo(old.labelsHash);
        });
        assertThat(b.partials).hasSize(1);
        assertThat(b.partials.get(0).accumulator.toRow(minuteOf(recent))).usingRecursiveComparison()
                .isEqualTo(rowOfPoints(List.of(recent)));
    }

    @Test
    void lateRightAfterARestoreAsBeforeTheFailure() throws Exception {
        var h = harness(null);
        MetricPoint old = deltaOf("system.cpu.time", 600, 610, 1, "cpu0");
        h.processWatermark(new Watermark(old.timeMillis() + 3_600_000));
        var snap = h.snapshot(1, 1);
        h.close();
        var restored = harness(snap);
        MetricBatch in = new MetricBatch("acme", "urn:svc:shop/checkout");
        in.points.add(old);
        restored.processElement(new StreamRecord<>(in)); // before any watermark after the restore
        assertThat(out(restored)).singleElement().satisfies(b -> {
            assertThat(b.points).hasSize(1);
            assertThat(b.partials).isEmpty();
        });
    }

    @Test
    void cumulativePointsAndBatchesWithoutPointsPassUnchanged() throws Exception {
        var h = harness(null);
        MetricBatch cumulative = MetricBatch.of(List.of(Points.counter(0, 610, 5)));
        MetricBatch partialsOnly = new MetricBatch("acme", "urn:svc:shop/checkout");
        MetricPoint gauge = Points.gauge("queue.depth", 615, 4);
        MetricPartial q = new MetricPartial(minuteOf(gauge), new MetricAccumulator(OPTIONS.kllK()));
        q.accumulator.add(gauge);
        partialsOnly.partials.add(q);
        h.processElement(new StreamRecord<>(cumulative));
        h.processElement(new StreamRecord<>(partialsOnly));
        List<MetricBatch> out = out(h);
        assertThat(out).hasSize(2);
        assertThat(out.get(0).points).hasSize(1);
        assertThat(out.get(0).partials).isEmpty();
        assertThat(out.get(1).points).isEmpty();
        assertThat(out.get(1).partials).hasSize(1);
    }

    @Test
    void aPointOfAnotherKindThanTheSeriesMinuteIsCountedAndLeftOut() throws Exception {
        var h = harness(null);
        MetricBatch in = new MetricBatch("acme", "urn:svc:shop/checkout");
        in.points.add(Points.deltaSum("x", 600, 610, 1)); // RATE
        MetricPoint gauge = Points.gauge("x", 615, 4); // LEVEL, same name and labels
        in.points.add(gauge);
        h.processElement(new StreamRecord<>(in));
        MetricBatch b = out(h).get(0);
        assertThat(b.partials).singleElement().satisfies(q -> assertThat(q.points()).isEqualTo(1));
        assertThat(b.points).isEmpty();
    }
}
