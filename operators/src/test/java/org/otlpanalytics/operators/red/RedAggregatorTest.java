package org.otlpanalytics.operators.red;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.otlpanalytics.operators.common.time.HorizonKeyedProcessOperator;
import org.otlpanalytics.operators.testing.StateBackends;
import org.otlpanalytics.schemas.traces.SpanRecord;

class RedAggregatorTest {
    static final long MIN = 60_000L;

    static SpanRecord span(String op, long startMs, long durMs, int status, long trace) {
        SpanRecord s = new SpanRecord();
        s.tenant = "t";
        s.serviceName = "svc";
        s.serviceNamespace = "ns";
        s.serviceUrn = "urn:svc:ns/svc";
        s.name = op;
        s.kind = SpanRecord.KIND_SERVER;
        s.statusCode = status;
        s.startTimeNanos = startMs * 1_000_000L;
        s.endTimeNanos = (startMs + durMs) * 1_000_000L;
        s.traceIdHi = trace;
        s.traceIdLo = trace * 31;
        s.spanId = trace;
        s.kafkaPartition = 0;
        s.kafkaOffset = trace;
        return s;
    }

    static KeyedOneInputStreamOperatorTestHarness<String, RedPartial, RedRow> harness(RedOptions o) throws Exception {
        return harness(o, StateBackends.HEAP, null);
    }

    /** A harness on {@code backend}, restored from {@code snapshot} when it is not null. */
    static KeyedOneInputStreamOperatorTestHarness<String, RedPartial, RedRow> harness(RedOptions o, StateBackends backend,
            OperatorSubtaskState snapshot) throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, RedPartial, RedRow> h = backend.apply(new KeyedOneInputStreamOperatorTestHarness<>(
                new HorizonKeyedProcessOperator<>(new RedAggregator(o)), RedAggregator::serviceKey, Types.STRING));
        if (snapshot != null) {
            h.initializeState(snapshot);
        }
        h.open();
        return h;
    }

    /** One span as the pre-aggregator would ship it (a partial of one). */
    static RedPartial partialOf(SpanRecord s) {
        RedPartial p = new RedPartial();
        p.tenant = s.tenant;
        p.serviceName = s.serviceName;
        p.serviceNamespace = s.serviceNamespace;
        p.serviceUrn = s.serviceUrn;
        p.bucketStartMillis = Math.floorDiv(s.startMillis(), MIN) * MIN;
        p.operation = s.name;
        p.kind = s.kind;
        p.status = s.statusCode;
        RedAccumulator a = new RedAccumulator(11);
        a.add(s.durationNanos(), s.isError(), s.traceIdHi, s.traceIdLo);
        org.otlpanalytics.operators.common.KafkaRange r = new org.otlpanalytics.operators.common.KafkaRange();
        r.add(s.kafkaPartition, s.kafkaOffset, s.startMillis());
        p.setState(a, r);
        return p;
    }

    static void add(KeyedOneInputStreamOperatorTestHarness<String, RedPartial, RedRow> h, SpanRecord s) throws Exception {
        h.processElement(new StreamRecord<>(partialOf(s), Math.floorDiv(s.startMillis(), MIN) * MIN));
    }

    static List<RedRow> rows(KeyedOneInputStreamOperatorTestHarness<String, RedPartial, RedRow> h) {
        List<RedRow> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord) {
                out.add((RedRow) ((StreamRecord<?>) o).getValue());
            }
        }
        return out;
    }

    @Test
    void shouldEmitMinuteOnWatermarkAndClearStateAfterLateness() throws Exception {
        var h = harness(RedOptions.builder().allowedLateness(Duration.ofMinutes(2)).build());
        for (int i = 0; i < 100; i++) {
            add(h, span("GET /a", 10 * MIN + i * 100, i + 1, i % 10 == 0 ? SpanRecord.STATUS_ERROR : SpanRecord.STATUS_UNSET, i));
        }
        assertThat(rows(h)).isEmpty();
        h.processWatermark(new Watermark(11 * MIN - 1));
        List<RedRow> out = rows(h);
        assertThat(out).hasSize(2);
        RedRow ok = out.stream().filter(r -> r.status.equals("UNSET")).findFirst().orElseThrow();
        RedRow err = out.stream().filter(r -> r.status.equals("ERROR")).findFirst().orElseThrow();
        assertThat(ok.calls).isEqualTo(90);
        assertThat(err.calls).isEqualTo(10);
        assertThat(err.errors).isEqualTo(10);
        assertThat(ok.bucketStartMillis).isEqualTo(10 * MIN);
        assertThat(ok.distinctTraces).isEqualTo(90.0);
        // durations 1..100 ms minus every tenth: the median is near 50 ms, within the histogram's 0.5%
        assertThat(ok.p50Ms).isBetween(48.0, 52.0);
        // the minute's window, admitted operations and series (three map states) stay until the lateness ends
        assertThat(h.numKeyedStateEntries()).isEqualTo(3);
        assertThat(h.numEventTimeTimers()).isEqualTo(1); // the cleanup timer
        h.processWatermark(new Watermark(13 * MIN));
        assertThat(h.numKeyedStateEntries()).isZero();
        assertThat(h.numEventTimeTimers()).isZero();
    }

    @Test
    void shouldRewriteRowForLateSpanWithinLatenessAndSideOutputTooLateOnes() throws Exception {
        var h = harness(RedOptions.builder().allowedLateness(Duration.ofMinutes(1)).build());
        add(h, span("op", 0, 5, 0, 1));
        h.processWatermark(new Watermark(MIN));
        assertThat(rows(h)).hasSize(1);
        add(h, span("op", 30_000, 5, 0, 2)); // late, within lateness: row rewritten with 2 calls
        assertThat(rows(h)).extracting(r -> r.calls).containsExactly(1L, 2L);
        h.processWatermark(new Watermark(2 * MIN + 1));
        add(h, span("op", 40_000, 5, 0, 3)); // beyond lateness
        ConcurrentLinkedQueue<StreamRecord<RedPartial>> late = h.getSideOutput(RedAggregator.LATE_PARTIALS);
        assertThat(late).hasSize(1);
        assertThat(rows(h)).hasSize(2);
    }

    @ParameterizedTest
    @EnumSource(StateBackends.class)
    void cardinalityCapKeepsSmallestHashesWhateverTheOrder(StateBackends backend) throws Exception {
        List<String> ops = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ops.add("op-" + i);
        }
        List<String> kept1 = keptOps(ops, backend);
        List<String> reversed = new ArrayList<>(ops);
        java.util.Collections.reverse(reversed);
        List<String> kept2 = keptOps(reversed, backend);
        assertThat(kept1).hasSize(6).containsExactlyInAnyOrderElementsOf(kept2).contains(RedAggregator.OVERFLOW_OPERATION);
    }

    private List<String> keptOps(List<String> ops, StateBackends backend) throws Exception {
        var h = harness(RedOptions.builder().cardinalityLimit(5).build(), backend, null);
        long t = 0;
        for (String op : ops) {
            add(h, span(op, t++, 1, 0, t));
            add(h, span(op, t++, 1, 0, t));
        }
        h.processWatermark(new Watermark(MIN));
        List<String> kept = new ArrayList<>();
        long total = 0;
        for (RedRow r : rows(h)) {
            kept.add(r.operation);
            total += r.calls;
        }
        assertThat(total).as("no span is lost to the cap").isEqualTo(40);
        RedRow overflow = rows(h).stream().filter(r -> r.operation.equals(RedAggregator.OVERFLOW_OPERATION)).findFirst().orElseThrow();
        assertThat(overflow.calls).isEqualTo(30);
        return kept;
    }

    @ParameterizedTest
    @EnumSource(StateBackends.class)
    void shouldRestoreFromSnapshotAndGiveSameRows(StateBackends backend) throws Exception {
        var a = harness(RedOptions.defaults(), backend, null);
        var b = harness(RedOptions.defaults(), backend, null);
        for (int i = 0; i < 500; i++) {
            add(a, span("op", i * 10, i % 37, 0, i));
            add(b, span("op", i * 10, i % 37, 0, i));
        }
        var snap = b.snapshot(1, 1);
        b.close();
        var restored = harness(RedOptions.defaults(), backend, snap);
        a.processWatermark(new Watermark(MIN));
        restored.processWatermark(new Watermark(MIN));
        RedRow x = rows(a).get(0);
        RedRow y = rows(restored).get(0);
        assertThat(y.calls).isEqualTo(x.calls);
        assertThat(y.kll).isEqualTo(x.kll);
        assertThat(y.hll).isEqualTo(x.hll);
        assertThat(y.p99Ms).isEqualTo(x.p99Ms);
        assertThat(y.range).isEqualTo(x.range);
    }

    /**
     * The review's reproduction: 100 spans in minute 0, the watermark past its end and allowed
     * lateness, a checkpoint; then one late span of minute 0. The failure-free run sends it to the
     * late output; the restored run must do the same instead of opening a fresh minute 0 whose
     * row ({@code calls=1}) would overwrite the complete one under the same key.
     */
    @ParameterizedTest
    @EnumSource(StateBackends.class)
    void lateSpanRightAfterRestoreIsLateAsInTheFailureFreeRun(StateBackends backend) throws Exception {
        RedOptions o = RedOptions.builder().allowedLateness(Duration.ofMinutes(2)).build();
        var clean = harness(o, backend, null);
        var failing = harness(o, backend, null);
        for (var h : List.of(clean, failing)) {
            for (int i = 0; i < 100; i++) {
                add(h, span("op", i * 100, 5, 0, i));
            }
            add(h, span("op", 3 * MIN + 5, 5, 0, 1000)); // keeps the key alive past minute 0's purge
            h.processWatermark(new Watermark(3 * MIN + 1));
        }
        assertThat(rows(clean)).extracting(r -> r.calls).containsExactly(100L);
        var snap = failing.snapshot(1, 1);
        failing.close();
        var restored = harness(o, backend, snap);

        SpanRecord late = span("op", 30_000, 5, 0, 2000);
        add(clean, late);
        add(restored, late); // re-read from Kafka before any watermark reached the restored operator
        assertThat(clean.getSideOutput(RedAggregator.LATE_PARTIALS)).hasSize(1);
        assertThat(restored.getSideOutput(RedAggregator.LATE_PARTIALS)).as("late after the restore too").hasSize(1);
        restored.processWatermark(new Watermark(10 * MIN));
        clean.processWatermark(new Watermark(10 * MIN));
        assertThat(rows(restored)).as("no row of minute 0 rewritten by the restored run")
                .noneMatch(r -> r.bucketStartMillis == 0);
        assertThat(rows(restored)).extracting(r -> r.calls).containsExactly(1L); // minute 3
    }

    /** A key never seen before the restore: its late span is late too, not a new row. */
    @ParameterizedTest
    @EnumSource(StateBackends.class)
    void lateSpanOfANewKeyAfterRestoreIsLate(StateBackends backend) throws Exception {
        RedOptions o = RedOptions.builder().allowedLateness(Duration.ofMinutes(2)).build();
        var h = harness(o, backend, null);
        add(h, span("op", 5 * MIN, 5, 0, 1));
        h.processWatermark(new Watermark(6 * MIN));
        var snap = h.snapshot(1, 1);
        h.close();
        var restored = harness(o, backend, snap);
        SpanRecord other = span("op", 10, 5, 0, 2);
        other.serviceUrn = "urn:svc:ns/other";
        add(restored, other);
        assertThat(restored.getSideOutput(RedAggregator.LATE_PARTIALS)).hasSize(1);
        restored.processWatermark(new Watermark(20 * MIN));
        assertThat(rows(restored)).noneMatch(r -> r.serviceUrn.equals("urn:svc:ns/other"));
    }
}
