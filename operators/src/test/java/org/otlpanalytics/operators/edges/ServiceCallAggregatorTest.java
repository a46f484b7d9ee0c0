package org.otlpanalytics.operators.edges;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
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

/** 5-minute rows of service_call_5m: counts, quantiles, lateness and order independence. */
class ServiceCallAggregatorTest {
    static final long B0 = 1_700_000_100_000L; // a 5-minute boundary
    static final long FIVE = ServiceCallOptions.WINDOW_MILLIS;

    static Edge edge(String caller, String callee, long startMs, long clientMs, long serverMs, boolean failed, long trace) {
        Edge e = new Edge();
        e.tenant = "t";
        e.callerUrn = "urn:svc:ns/" + caller;
        e.callerName = caller;
        e.calleeUrn = serverMs < 0 ? "urn:peer:postgresql/orders" : "urn:svc:ns/" + callee;
        e.calleeName = callee;
        e.calleeVirtual = serverMs < 0;
        e.connectionType = serverMs < 0 ? ConnectionType.DATABASE : ConnectionType.REQUEST;
        e.startTimeNanos = startMs * 1_000_000L;
        e.clientDurationNanos = clientMs * 1_000_000L;
        e.serverDurationNanos = serverMs < 0 ? Edge.ABSENT : serverMs * 1_000_000L;
        e.failed = failed;
        e.traceIdHi = trace;
        e.traceIdLo = trace * 31;
        e.callerPartition = (int) (trace % 2);
        e.callerOffset = trace;
        e.calleePartition = serverMs < 0 ? -1 : (int) ((trace + 1) % 2);
        e.calleeOffset = serverMs < 0 ? Edge.ABSENT : trace + 1000;
        return e;
    }

    static KeyedOneInputStreamOperatorTestHarness<String, EdgePartial, ServiceCallRow> harness(ServiceCallOptions o) throws Exception {
        return harness(o, StateBackends.HEAP, null);
    }

    /** A harness on {@code backend}, restored from {@code snapshot} when it is not null. */
    static KeyedOneInputStreamOperatorTestHarness<String, EdgePartial, ServiceCallRow> harness(ServiceCallOptions o,
            StateBackends backend, OperatorSubtaskState snapshot) throws Exception {
        var h = backend.apply(new KeyedOneInputStreamOperatorTestHarness<String, EdgePartial, ServiceCallRow>(
                new HorizonKeyedProcessOperator<>(new ServiceCallAggregator(o)), ServiceCallAggregator::edgeKey, Types.STRING));
        if (snapshot != null) {
            h.initializeState(snapshot);
        }
        h.open();
        return h;
    }

    /** One edge as the pre-aggregation ships it: a partial of one call in its minute. */
    static EdgePartial partialOf(Edge e) {
        EdgePartial p = EdgePartial.of(e, Math.floorDiv(e.eventTimeMillis(), 60_000L) * 60_000L);
        p.calls.add(e);
        return p;
    }

    static void add(KeyedOneInputStreamOperatorTestHarness<String, EdgePartial, ServiceCallRow> h, Edge e) throws Exception {
        EdgePartial p = partialOf(e);
        h.processElement(new StreamRecord<>(p, p.slotStartMillis));
    }

    static List<ServiceCallRow> rows(KeyedOneInputStreamOperatorTestHarness<String, EdgePartial, ServiceCallRow> h) {
        List<ServiceCallRow> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord) {
                out.add((ServiceCallRow) ((StreamRecord<?>) o).getValue());
            }
        }
        return out;
    }

    @Test
    void shouldEmitBucketRowOnWatermarkAndClearStateAfterLateness() throws Exception {
        var h = harness(ServiceCallOptions.defaults());
        for (int i = 0; i < 100; i++) {
            add(h, edge("frontend", "checkout", B0 + i * 1000, i + 1, i / 2 + 1, i % 10 == 0, i));
        }
        add(h, edge("checkout", "postgresql", B0 + 5, 3, -1, false, 500));
        assertThat(rows(h)).isEmpty();
        h.processWatermark(new Watermark(B0 + FIVE - 1));

        List<ServiceCallRow> out = rows(h);
        assertThat(out).hasSize(2);
        ServiceCallRow r = out.stream().filter(x -> x.calleeName.equals("checkout")).findFirst().orElseThrow();
        assertThat(r.bucketStartMillis).isEqualTo(B0);
        assertThat(r.calls).isEqualTo(100);
        assertThat(r.errors).isEqualTo(10);
        assertThat(r.rps).isEqualTo(100 / 300.0);
        assertThat(r.errRate).isEqualTo(0.1);
        assertThat(r.durationSide).isEqualTo(ServiceCallRow.SIDE_CLIENT);
        assertThat(r.p50Ms).isBetween(49.0, 52.0);
        assertThat(r.p95Ms).isBetween(94.0, 97.0);
        assertThat(r.serverP50Ms).isBetween(24.0, 27.0);
        assertThat(r.serverCalls).isEqualTo(100);
        assertThat(r.durationSumMs).isEqualTo(5050.0);
        assertThat(r.connectionType).isEqualTo("request");
        assertThat(r.firstSeenMillis).isEqualTo(B0);
        assertThat(r.lastSeenMillis).isEqualTo(B0 + 99_000);
        assertThat(r.sampleTraceId).as("a failed call's trace").isNotNull();
        long sampleHi = Long.parseUnsignedLong(r.sampleTraceId.substring(0, 16), 16);
        assertThat(sampleHi % 10).isZero();
        assertThat(r.range.from).containsExactly(0, 1);
        assertThat(r.range.to).containsExactly(1099, 1098);
        ServiceCallRow db = out.stream().filter(x -> x.calleeName.equals("postgresql")).findFirst().orElseThrow();
        assertThat(db.calleeVirtual).isTrue();
        assertThat(db.serverCalls).isZero();
        assertThat(db.serverP95Ms).isNaN();
        assertThat(db.serverKll).isNull();
        assertThat(db.connectionType).isEqualTo("database");

        assertThat(h.numKeyedStateEntries()).isEqualTo(2);
        assertThat(h.numEventTimeTimers()).as("the cleanup timers").isEqualTo(2);
        h.processWatermark(new Watermark(B0 + FIVE - 1 + Duration.ofMinutes(2).toMillis()));
        assertThat(h.numKeyedStateEntries()).isZero();
        assertThat(h.numEventTimeTimers()).isZero();
    }

    @Test
    void shouldRewriteRowForLateEdgeAndSideOutputEdgesBeyondLateness() throws Exception {
        var h = harness(ServiceCallOptions.builder().allowedLateness(Duration.ofMinutes(2)).build());
        add(h, edge("a", "b", B0 + 10, 5, 4, false, 1));
        h.processWatermark(new Watermark(B0 + FIVE));
        assertThat(rows(h)).hasSize(1);

        add(h, edge("a", "b", B0 + 20, 5, 4, true, 2));
        assertThat(rows(h)).hasSize(2);
        assertThat(rows(h).get(1).calls).isEqualTo(2);
        assertThat(rows(h).get(1).errors).isEqualTo(1);

        h.processWatermark(new Watermark(B0 + FIVE - 1 + Duration.ofMinutes(2).toMillis()));
        add(h, edge("a", "b", B0 + 30, 5, 4, false, 3));
        assertThat(rows(h)).hasSize(2);
        assertThat(h.getSideOutput(ServiceCallAggregator.LATE_PARTIALS)).hasSize(1);
    }

    /**
     * The review's reproduction on service_call_5m: a bucket complete and purged, a checkpoint,
     * then one call of that bucket re-read before any watermark reached the restored operator.
     * The failure-free run sends it to the late output; the restored run must too, instead of
     * opening a fresh bucket whose row ({@code calls=1}) would overwrite the complete one.
     */
    @ParameterizedTest
    @EnumSource(StateBackends.class)
    void lateEdgeRightAfterRestoreIsLateAsInTheFailureFreeRun(StateBackends backend) throws Exception {
        ServiceCallOptions o = ServiceCallOptions.builder().allowedLateness(Duration.ofMinutes(2)).build();
        var clean = harness(o, backend, null);
        var failing = harness(o, backend, null);
        for (var h : List.of(clean, failing)) {
            for (int i = 0; i < 50; i++) {
                add(h, edge("a", "b", B0 + i * 1000, 5, 4, false, i));
            }
            add(h, edge("a", "b", B0 + FIVE + 3 * 60_000, 5, 4, false, 99)); // keeps the key alive past the purge
            h.processWatermark(new Watermark(B0 + FIVE + 3 * 60_000));
        }
        assertThat(rows(clean)).extracting(r -> r.calls).containsExactly(50L);
        var snap = failing.snapshot(1, 1);
        failing.close();
        var restored = harness(o, backend, snap);

        Edge late = edge("a", "b", B0 + 30_000, 5, 4, false, 1000);
        add(clean, late);
        add(restored, late);
        assertThat(clean.getSideOutput(ServiceCallAggregator.LATE_PARTIALS)).hasSize(1);
        assertThat(restored.getSideOutput(ServiceCallAggregator.LATE_PARTIALS)).as("late after the restore too").hasSize(1);
        clean.processWatermark(new Watermark(B0 + 4 * FIVE));
        restored.processWatermark(new Watermark(B0 + 4 * FIVE));
        assertThat(rows(restored)).as("no row of the purged bucket rewritten by the restored run")
                .noneMatch(r -> r.bucketStartMillis == B0);
        assertThat(rows(restored)).extracting(r -> r.calls).containsExactly(1L); // the next bucket's row
        if (backend == StateBackends.HEAP) { // the harness counts entries on the heap backend only
            assertThat(restored.numKeyedStateEntries()).isZero();
        }
    }

    @Test
    void shouldGiveTheSameRowFromOnePartialAsFromOnePerCall() throws Exception {
        List<Edge> edges = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            edges.add(edge("a", "b", B0 + i * 900L, 1 + i % 37, 1 + i % 23, i % 11 == 0, i));
        }
        var perCall = harness(ServiceCallOptions.defaults());
        for (Edge e : edges) {
            add(perCall, e);
        }
        var merged = harness(ServiceCallOptions.defaults());
        java.util.Map<Long, EdgePartial> bySlot = new java.util.TreeMap<>();
        for (Edge e : edges) {
            bySlot.computeIfAbsent(partialOf(e).slotStartMillis, k -> EdgePartial.of(e, k)).calls.add(e);
        }
        for (EdgePartial p : bySlot.values()) {
            merged.processElement(new StreamRecord<>(p, p.slotStartMillis));
        }
        perCall.processWatermark(new Watermark(Long.MAX_VALUE));
        merged.processWatermark(new Watermark(Long.MAX_VALUE));
        ServiceCallRow a = rows(perCall).get(0);
        ServiceCallRow b = rows(merged).get(0);
        assertThat(b.calls).isEqualTo(a.calls).isEqualTo(300);
        assertThat(b.errors).isEqualTo(a.errors);
        assertThat(b.kll).isEqualTo(a.kll);
        assertThat(b.serverKll).isEqualTo(a.serverKll);
        assertThat(b.durationSumMs).isEqualTo(a.durationSumMs);
        assertThat(b.sampleTraceId).isEqualTo(a.sampleTraceId);
        assertThat(b.range).isEqualTo(a.range);
        assertThat(b.firstSeenMillis).isEqualTo(a.firstSeenMillis);
        assertThat(b.lastSeenMillis).isEqualTo(a.lastSeenMillis);
    }

    @Test
    void shouldWriteIdenticalRowsWhateverTheArrivalOrder() throws Exception {
        List<Edge> edges = new ArrayList<>();
        Random r = new Random(11);
        for (int i = 0; i < 2000; i++) {
            edges.add(edge("a", "b", B0 + r.nextInt((int) FIVE), 1 + r.nextInt(500), 1 + r.nextInt(400), r.nextInt(20) == 0, i));
        }
        ServiceCallRow first = null;
        for (int round = 0; round < 3; round++) {
            Collections.shuffle(edges, r);
            var h = harness(ServiceCallOptions.defaults());
            for (Edge e : edges) {
                add(h, e);
            }
            h.processWatermark(new Watermark(Long.MAX_VALUE));
            ServiceCallRow row = rows(h).get(0);
            if (first == null) {
                first = row;
                continue;
            }
            assertThat(row.kll).isEqualTo(first.kll);
            assertThat(row.serverKll).isEqualTo(first.serverKll);
            assertThat(row.p95Ms).isEqualTo(first.p95Ms);
            assertThat(row.durationSumMs).isEqualTo(first.durationSumMs);
            assertThat(row.sampleTraceId).isEqualTo(first.sampleTraceId);
            assertThat(row.range).isEqualTo(first.range);
        }
    }
}
