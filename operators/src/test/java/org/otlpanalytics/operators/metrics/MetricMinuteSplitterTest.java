package org.otlpanalytics.operators.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.otlpanalytics.schemas.metrics.MetricPoint;

class MetricMinuteSplitterTest {
    static final long LATENESS = Duration.ofMinutes(1).toMillis();

    static OneInputStreamOperatorTestHarness<MetricBatch, MetricBatch> harness(OperatorSubtaskState snapshot) throws Exception {
        OneInputStreamOperatorTestHarness<MetricBatch, MetricBatch> h =
                new OneInputStreamOperatorTestHarness<>(new MetricMinuteSplitter(LATENESS));
        h.setup(new MetricBatchSerializer());
        if (snapshot != null) {
            h.initializeState(snapshot);
        }
        h.open();
        return h;
    }

    /** Event time in ms of {@code seconds} after {@link Points#T0}. */
    static long ms(long seconds) {
        return Points.at(seconds) / 1_000_000L;
    }

    static long minuteOf(long millis) {
        return Math.floorDiv(millis, MetricOptions.WINDOW_MILLIS) * MetricOptions.WINDOW_MILLIS;
    }

    /** A batch of a delta point at {@code pointSec} and a gauge partial of the minute of {@code partialSec}. */
    static MetricBatch batch(long pointSec, long partialSec) {
        MetricBatch b = new MetricBatch("acme", "urn:svc:shop/checkout");
        b.points.add(Points.deltaSum("http.requests", pointSec - 1, pointSec, 3));
        MetricPoint g = Points.gauge("queue.depth", partialSec, 1);
        MetricPartial q = new MetricPartial(minuteOf(g.timeMillis()), new MetricAccumulator(MetricOptions.builder().build().kllK()));
        q.accumulator.add(g);
        b.partials.add(q);
        return b;
    }

    static List<MetricBatch> out(OneInputStreamOperatorTestHarness<MetricBatch, MetricBatch> h) {
        return h.getOutput().stream().filter(o -> o instanceof StreamRecord)
                .map(o -> (MetricBatch) ((StreamRecord<?>) o).getValue()).toList();
    }

    @Test
    void splitsABatchIntoOneBatchPerMinuteInMinuteOrder() throws Exception {
        var h = harness(null);
        long t = 600;
        h.processElement(new StreamRecord<>(batch(t + 120, t)));
        List<MetricBatch> out = out(h);
        assertThat(out).hasSize(2);
        assertThat(out.get(0).partials).hasSize(1);
        assertThat(out.get(0).points).isEmpty();
        assertThat(out.get(0).firstMinuteStartMillis()).isEqualTo(minuteOf(ms(t)));
        assertThat(out.get(1).points).hasSize(1);
        assertThat(out.get(1).firstMinuteStartMillis()).isEqualTo(minuteOf(ms(t + 120)));
        assertThat(out).allSatisfy(b -> assertThat(b.resourceKey()).isEqualTo(MetricDeltaConverter.resourceKey("acme", "urn:svc:shop/checkout")));
    }

    @Test
    void sendsMinutesPastTheAllowedLatenessToTheLateOutputsAndPassesTheRest() throws Exception {
        var h = harness(null);
        long t = 600;
        // the minute of t ends before t + 60 s; purged once the watermark passes its end + 1 min
        h.processWatermark(new Watermark(minuteOf(ms(t)) + MetricOptions.WINDOW_MILLIS - 1 + LATENESS));
        h.processElement(new StreamRecord<>(batch(t, t))); // both in the purged minute
        h.processElement(new StreamRecord<>(batch(t + 300, t + 300))); // a minute still open
        assertThat(h.getSideOutput(MetricMinuteAggregator.LATE_POINTS)).hasSize(1);
        assertThat(h.getSideOutput(MetricMinuteAggregator.LATE_PARTIALS)).hasSize(1);
        assertThat(out(h)).hasSize(1);
        assertThat(out(h).get(0).firstMinuteStartMillis()).isEqualTo(minuteOf(ms(t + 300)));
    }

    @Test
    void aMinuteWithinTheAllowedLatenessPasses() throws Exception {
        var h = harness(null);
        long t = 600;
        h.processWatermark(new Watermark(minuteOf(ms(t)) + MetricOptions.WINDOW_MILLIS - 2 + LATENESS));
        h.processElement(new StreamRecord<>(batch(t, t)));
        assertThat(h.getSideOutput(MetricMinuteAggregator.LATE_POINTS)).isNull();
        assertThat(out(h)).hasSize(1);
    }

    @Test
    void lateRightAfterARestoreAsBeforeTheFailure() throws Exception {
        var h = harness(null);
        long t = 600;
        h.processWatermark(new Watermark(ms(t + 3600)));
        var snap = h.snapshot(1, 1);
        h.close();
        var restored = harness(snap);
        restored.processElement(new StreamRecord<>(batch(t, t))); // before any watermark after the restore
        assertThat(restored.getSideOutput(MetricMinuteAggregator.LATE_POINTS)).hasSize(1);
        assertThat(restored.getSideOutput(MetricMinuteAggregator.LATE_PARTIALS)).hasSize(1);
        assertThat(out(restored)).isEmpty();
    }
}
