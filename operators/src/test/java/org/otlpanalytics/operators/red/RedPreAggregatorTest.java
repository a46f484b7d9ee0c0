package org.otlpanalytics.operators.red;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.otlpanalytics.operators.testing.StateBackends;
import org.otlpanalytics.schemas.traces.SpanRecord;

class RedPreAggregatorTest {
    static final long MIN = 60_000L;

    static OneInputStreamOperatorTestHarness<SpanRecord, RedPartial> harness(int maxEntries) throws Exception {
        OneInputStreamOperatorTestHarness<SpanRecord, RedPartial> h = new OneInputStreamOperatorTestHarness<>(
                new RedPreAggregator(RedOptions.builder().allowedLateness(Duration.ofMinutes(1)).build(), maxEntries));
        h.open();
        return h;
    }

    static List<RedPartial> partials(OneInputStreamOperatorTestHarness<SpanRecord, RedPartial> h) {
        List<RedPartial> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord) {
                out.add((RedPartial) ((StreamRecord<?>) o).getValue());
            }
        }
        return out;
    }

    static void add(OneInputStreamOperatorTestHarness<SpanRecord, RedPartial> h, SpanRecord s) throws Exception {
        h.processElement(new StreamRecord<>(s, s.startMillis()));
    }

    @Test
    void shouldCombineSpansOfOneSeriesAndFlushBeforeTheWatermarkThatClosesTheirMinute() throws Exception {
        var h = harness(1000);
        for (int i = 0; i < 50; i++) {
            add(h, RedAggregatorTest.span("GET /a", i * 100, 5, 0, i));
        }
        add(h, RedAggregatorTest.span("GET /b", 10, 5, 2, 99));
        add(h, RedAggregatorTest.span("GET /c", MIN + 10, 5, 0, 100)); // the next minute stays buffered
        assertThat(partials(h)).isEmpty();
        h.processWatermark(new Watermark(1000));
        assertThat(partials(h)).as("a watermark inside the minute does not flush it").isEmpty();
        h.processWatermark(new Watermark(MIN - 1));
        List<RedPartial> out = partials(h);
        assertThat(out).hasSize(2);
        RedPartial a = out.stream().filter(p -> p.operation.equals("GET /a")).findFirst().orElseThrow();
        RedAccumulator acc = (RedAccumulator) a.readState()[0];
        assertThat(acc.calls).isEqualTo(50);
        // the watermark follows the partials it must not overtake
        Object last = h.getOutput().toArray()[h.getOutput().size() - 1];
        assertThat(last).isInstanceOf(Watermark.class);
    }

    @Test
    void shouldFlushBeforeCheckpointSoNothingNeedsState() throws Exception {
        var h = harness(1000);
        add(h, RedAggregatorTest.span("op", 5, 5, 0, 1));
        h.prepareSnapshotPreBarrier(1);
        assertThat(partials(h)).hasSize(1);
    }

    @Test
    void shouldFlushWhenBufferIsFull() throws Exception {
        var h = harness(3);
        for (int i = 0; i < 3; i++) {
            add(h, RedAggregatorTest.span("op" + i, 5, 5, 0, i));
        }
        assertThat(partials(h)).hasSize(3);
    }

    @Test
    void shouldSendSpansBeyondLatenessToSideOutput() throws Exception {
        var h = harness(1000);
        h.processWatermark(new Watermark(3 * MIN));
        add(h, RedAggregatorTest.span("op", 10, 5, 0, 1));
        assertThat(h.getSideOutput(RedAggregator.LATE_SPANS)).hasSize(1);
        h.processWatermark(new Watermark(4 * MIN));
        assertThat(partials(h)).isEmpty();
    }

    @Test
    void lateSpanRightAfterRestoreIsLateAsBeforeTheFailure() throws Exception {
        var h = harness(1000);
        h.processWatermark(new Watermark(3 * MIN));
        var snap = h.snapshot(1, 1);
        h.close();
        var restored = StateBackends.HEAP.apply(new OneInputStreamOperatorTestHarness<SpanRecord, RedPartial>(
                new RedPreAggregator(RedOptions.builder().allowedLateness(Duration.ofMinutes(1)).build(), 1000)));
        restored.initializeState(snap);
        restored.open();
        add(restored, RedAggregatorTest.span("op", 10, 5, 0, 1)); // before any watermark after the restore
        assertThat(restored.getSideOutput(RedAggregator.LATE_SPANS)).hasSize(1);
        restored.processWatermark(new Watermark(4 * MIN));
        assertThat(partials(restored)).isEmpty();
    }
}
