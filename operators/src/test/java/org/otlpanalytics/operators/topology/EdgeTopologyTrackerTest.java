package org.otlpanalytics.operators.topology;

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
import org.apache.flink.streaming.util.OperatorSnapshotUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.otlpanalytics.operators.common.time.HorizonKeyedProcessOperator;
import org.otlpanalytics.operators.edges.ConnectionType;
import org.otlpanalytics.operators.edges.Edge;
import org.otlpanalytics.operators.edges.EdgePartial;
import org.otlpanalytics.operators.edges.ServiceCallAggregator;
import org.otlpanalytics.operators.testing.StateBackends;

/** Validity intervals and live-graph changes from event time: output, state and timers. */
class EdgeTopologyTrackerTest {
    static final long T0 = 1_700_000_040_000L; // a minute boundary
    static final long MIN = 60_000L;
    static final TopologyOptions OPTIONS = TopologyOptions.builder().idleTimeout(Duration.ofMinutes(10))
            .allowedLateness(Duration.ofMinutes(2)).liveWindow(Duration.ofMinutes(10)).liveRefresh(Duration.ofMinutes(1)).build();

    static Edge edge(long startMs, boolean failed, long clientMs) {
        Edge e = new Edge();
        e.tenant = "t";
        e.callerUrn = "urn:svc:ns/frontend";
        e.callerName = "frontend";
        e.calleeUrn = "urn:svc:ns/checkout";
        e.calleeName = "checkout";
        e.connectionType = ConnectionType.REQUEST;
        e.startTimeNanos = startMs * 1_000_000L;
        e.clientDurationNanos = clientMs * 1_000_000L;
        e.serverDurationNanos = clientMs * 500_000L;
        e.failed = failed;
        return e;
    }

    static KeyedOneInputStreamOperatorTestHarness<String, EdgePartial, TopoEdgeRow> harness() throws Exception {
        return harness(StateBackends.HEAP, null);
    }

    /** A harness on {@code backend}, restored from {@code snapshot} when it is not null. */
    static KeyedOneInputStreamOperatorTestHarness<String, EdgePartial, TopoEdgeRow> harness(StateBackends backend,
            OperatorSubtaskState snapshot) throws Exception {
        var h = backend.apply(new KeyedOneInputStreamOperatorTestHarness<String, EdgePartial, TopoEdgeRow>(
                new HorizonKeyedProcessOperator<>(new EdgeTopologyTracker(OPTIONS)), ServiceCallAggregator::edgeKey, Types.STRING));
        if (snapshot != null) {
            h.initializeState(snapshot);
        }
        h.open();
        return h;
    }

    /** One call as the pre-aggregation ships it: a partial of one call in its slot. */
    static void add(KeyedOneInputStreamOperatorTestHarness<String, EdgePartial, TopoEdgeRow> h, Edge e) throws Exception {
        long slot = Math.floorDiv(e.eventTimeMillis(), OPTIONS.slotMillis()) * OPTIONS.slotMillis();
        EdgePartial p = EdgePartial.of(e, slot);
        p.calls.add(e);
        h.processElement(new StreamRecord<>(p, slot));
    }

    static List<TopoEdgeRow> rows(KeyedOneInputStreamOperatorTestHarness<String, EdgePartial, TopoEdgeRow> h) {
        List<TopoEdgeRow> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord) {
                out.add((TopoEdgeRow) ((StreamRecord<?>) o).getValue());
            }
        }
        return out;
    }

    static List<LiveEdge> live(KeyedOneInputStreamOperatorTestHarness<String, EdgePartial, TopoEdgeRow> h) {
        List<LiveEdge> out = new ArrayList<>();
        var q = h.getSideOutput(EdgeTopologyTracker.LIVE_EDGES);
        if (q != null) {
            q.forEach(r -> out.add(r.getValue()));
        }
        return out;
    }

    @Test
    void shouldOpenIntervalAfterLatenessAndCloseItAfterIdleTimeout() throws Exception {
        var h = harness();
        for (int i = 0; i < 60; i++) {
            add(h, edge(T0 + i * 1000, false, 10));
        }
        // the open row waits until the slot of the first call (a minute) is past the allowed lateness
        h.processWatermark(new Watermark(T0 + 3 * MIN - 2));
        assertThat(rows(h)).isEmpty();
        h.processWatermark(new Watermark(T0 + 3 * MIN - 1));
        assertThat(rows(h)).hasSize(1);
        TopoEdgeRow open = rows(h).get(0);
        assertThat(open.open).isTrue();
        assertThat(open.validFromMillis).isEqualTo(T0);
        assertThat(open.relation).isEqualTo("calls");

        long last = T0 + 59_000;
        // closed once the slot of last + idle timeout is past the lateness: [T0 + 10 min, T0 + 11 min) + 2 min
        h.processWatermark(new Watermark(T0 + 13 * MIN - 2));
        assertThat(rows(h)).hasSize(1);
        h.processWatermark(new Watermark(T0 + 13 * MIN - 1));
        assertThat(rows(h)).hasSize(2);
        TopoEdgeRow closed = rows(h).get(1);
        assertThat(closed.open).isFalse();
        assertThat(closed.validFromMillis).isEqualTo(T0);
        assertThat(closed.validToMillis).isEqualTo(last);
        assertThat(closed.connectionType).isEqualTo("request");

        // the live edge went away after 10 idle minutes too: nothing is left
        assertThat(live(h).get(live(h).size() - 1).removed).isTrue();
        assertThat(h.numKeyedStateEntries()).isZero();
        assertThat(h.numEventTimeTimers()).isZero();
    }

    @Test
    void shouldEmitLiveEdgeEveryRefreshAndRemoveItWhenIdleForTheWindow() throws Exception {
        var h = harness();
        for (int i = 0; i < 120; i++) {
            add(h, edge(T0 + i * 500, i % 4 == 0, 10 + i % 10));
        }
        h.processWatermark(new Watermark(T0 + MIN));
        h.processWatermark(new Watermark(T0 + 2 * MIN));
        List<LiveEdge> l = live(h);
        assertThat(l).hasSize(2);
        LiveEdge first = l.get(0);
        assertThat(first.asOfMillis).isEqualTo(T0 + MIN);
        assertThat(first.calls).isEqualTo(120);
        assertThat(first.errors).isEqualTo(30);
        assertThat(first.errRate).isEqualTo(0.25);
        assertThat(first.rps).isEqualTo(120 / 600.0);
        assertThat(first.p95Ms).isBetween(18.5, 19.5);
        assertThat(first.firstSeenMillis).isEqualTo(T0);
        assertThat(first.lastSeenMillis).isEqualTo(T0 + 59_500);
        assertThat(l.get(1).asOfMillis).isEqualTo(T0 + 2 * MIN);
        assertThat(h.numEventTimeTimers()).isEqualTo(1);

        h.processWatermark(new Watermark(T0 + 10 * MIN));
        assertThat(live(h).get(live(h).size() - 1).removed).isFalse();
        h.processWatermark(new Watermark(T0 + 11 * MIN));
        LiveEdge gone = live(h).get(live(h).size() - 1);
        assertThat(gone.removed).isTrue();
        assertThat(gone.asOfMillis).isEqualTo(T0 + 11 * MIN);
    }

    @Test
    void shouldCloseIntervalsAndShowLiveEdgeAsOfItsLastCallAtEndOfInput() throws Exception {
        // the same calls, with the watermark stopping early or late before the input ends
        for (long lastWatermark : new long[] {T0, T0 + 3 * MIN, T0 + 9 * MIN}) {
            var h = harness();
            add(h, edge(T0 + 10, false, 5));
            add(h, edge(T0 + 20_000, true, 5));
            add(h, edge(T0 + 4 * MIN + 30_000, false, 5));
            h.processWatermark(new Watermark(lastWatermark));
            h.processWatermark(new Watermark(Long.MAX_VALUE));

            List<TopoEdgeRow> closedRows = rows(h).stream().filter(r -> !r.open).toList();
            assertThat(closedRows).hasSize(1);
            assertThat(closedRows.get(0).validFromMillis).isEqualTo(T0 + 10);
            assertThat(closedRows.get(0).validToMillis).isEqualTo(T0 + 4 * MIN + 30_000);
            List<LiveEdge> l = live(h);
            LiveEdge last = l.get(l.size() - 1);
            assertThat(last.removed).isFalse();
            assertThat(last.calls).isEqualTo(3);
            assertThat(last.errors).isEqualTo(1);
            assertThat(last.asOfMillis).isEqualTo(T0 + 5 * MIN);
            assertThat(last.firstSeenMillis).isEqualTo(T0 + 10);
            assertThat(last.lastSeenMillis).isEqualTo(T0 + 4 * MIN + 30_000);
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void shouldKeepCallsAfterTheRefreshInstantWhenTheEdgeLeavesTheLiveGraph() throws Exception {
        var h = harness();
        add(h, edge(T0, false, 5));
        h.processWatermark(new Watermark(T0 + MIN));
        // calls after a long pause arrive before the watermark jumps past the removal
        add(h, edge(T0 + 20 * MIN + 5_000, false, 5));
        add(h, edge(T0 + 20 * MIN + 30_000, false, 5));
        h.processWatermark(new Watermark(T0 + 20 * MIN + 40_000));
        h.processWatermark(new Watermark(T0 + 21 * MIN));
        List<LiveEdge> l = live(h);
        assertThat(l.get(l.size() - 2).removed).isTrue();
        LiveEdge back = l.get(l.size() - 1);
        assertThat(back.removed).isFalse();
        assertThat(back.calls).isEqualTo(2);
        assertThat(back.firstSeenMillis).isEqualTo(T0 + 20 * MIN + 5_000);
    }

    @Test
    void shouldSendEdgesBeyondTheLatenessToTheSideOutput() throws Exception {
        var h = harness();
        h.processWatermark(new Watermark(T0 + 10 * MIN));
        add(h, edge(T0 + 8 * MIN - 1, false, 5));
        add(h, edge(T0 + 8 * MIN, false, 5));
        assertThat(h.getSideOutput(EdgeTopologyTracker.LATE_PARTIALS)).hasSize(1);
        h.processWatermark(new Watermark(T0 + 11 * MIN - 1));
        assertThat(rows(h)).hasSize(1);
        assertThat(rows(h).get(0).validFromMillis).isEqualTo(T0 + 8 * MIN);
    }

    /**
     * The review's case for the topology: a run whose open row was written, a checkpoint, then a
     * call long behind the watermark but within the idle timeout before the run's start, re-read
     * before any watermark reached the restored operator. The failure-free run drops it as late;
     * if the restored run took it, the run's start would move down, a second open row would be
     * written under the new lower bound, and the first open row would never be closed.
     */
    @ParameterizedTest
    @EnumSource(StateBackends.class)
    void lateCallRightAfterRestoreLeavesTheRunAsInTheFailureFreeRun(StateBackends backend) throws Exception {
        var clean = harness(backend, null);
        var failing = harness(backend, null);
        for (var h : List.of(clean, failing)) {
            for (int i = 0; i < 60; i++) {
                add(h, edge(T0 + i * 1000, false, 10));
            }
            h.processWatermark(new Watermark(T0 + 4 * MIN));
            assertThat(rows(h)).extracting(r -> r.open + "@" + r.validFromMillis).containsExactly("true@" + T0);
        }
        var snap = failing.snapshot(1, 1);
        failing.close();
        var restored = harness(backend, snap);

        Edge late = edge(T0 - 30_000, false, 10);
        add(clean, late);
        add(restored, late); // re-read from Kafka before any watermark reached the restored operator
        assertThat(clean.getSideOutput(EdgeTopologyTracker.LATE_PARTIALS)).hasSize(1);
        assertThat(restored.getSideOutput(EdgeTopologyTracker.LATE_PARTIALS)).as("late after the restore too").hasSize(1);
        clean.processWatermark(new Watermark(T0 + 30 * MIN));
        restored.processWatermark(new Watermark(T0 + 30 * MIN));

        List<String> expected = List.of("false@" + T0 + ".." + (T0 + 59_000));
        assertThat(rows(clean).subList(1, rows(clean).size()))
                .extracting(r -> r.open + "@" + r.validFromMillis + ".." + r.validToMillis).containsExactlyElementsOf(expected);
        assertThat(rows(restored)).as("the open row of T0 is closed, and no row starts earlier")
                .extracting(r -> r.open + "@" + r.validFromMillis + ".." + r.validToMillis).containsExactlyElementsOf(expected);
        if (backend == StateBackends.HEAP) { // the harness counts entries on the heap backend only
            assertThat(restored.numKeyedStateEntries()).isZero();
        }
        assertThat(restored.numEventTimeTimers()).isZero();
    }

    /**
     * A checkpoint of version 1 of the tracker (the whole live window inside one value, written by
     * the code of commit 5274156 into {@code src/test/resources/topology/}: 90 calls from T0 every
     * 2 s, every ninth failed, watermark at T0 + 150 s) restores into today's tracker: the live
     * window moves into its own slots, the next refresh counts all 90 calls, and the run closes
     * at its last call.
     */
    @Test
    void shouldRestoreACheckpointOfVersionOne() throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<String, EdgePartial, TopoEdgeRow>(
                new HorizonKeyedProcessOperator<>(new EdgeTopologyTracker(OPTIONS)), ServiceCallAggregator::edgeKey, Types.STRING);
        h.initializeState(OperatorSnapshotUtil.readStateHandle(
                getClass().getResource("/topology/edge-topology-v1.snapshot").getPath()));
        h.open();
        h.processWatermark(new Watermark(T0 + 3 * MIN));
        LiveEdge first = live(h).get(0);
        assertThat(first.asOfMillis).isEqualTo(T0 + 3 * MIN);
        assertThat(first.calls).isEqualTo(90);
        assertThat(first.errors).isEqualTo(10);
        assertThat(first.firstSeenMillis).isEqualTo(T0);
        assertThat(first.lastSeenMillis).isEqualTo(T0 + 178_000);
        h.processWatermark(new Watermark(T0 + 30 * MIN));
        assertThat(rows(h)).extracting(r -> r.open + "@" + r.validFromMillis + ".." + r.validToMillis)
                .containsExactly("false@" + T0 + ".." + (T0 + 178_000));
        assertThat(live(h).get(live(h).size() - 1).removed).isTrue();
        assertThat(h.numKeyedStateEntries()).isZero();
        assertThat(h.numEventTimeTimers()).isZero();
    }

    @Test
    void shouldWriteTheSameIntervalsWhateverTheArrivalOrder() throws Exception {
        List<Edge> edges = new ArrayList<>();
        Random random = new Random(9);
        long t = T0;
        for (int i = 0; i < 400; i++) {
            t += random.nextInt(50) == 0 ? 11 * MIN + random.nextInt(60_000) : random.nextInt(20_000);
            edges.add(edge(t, false, 3));
        }
        String expected = null;
        for (int round = 0; round < 4; round++) {
            // shuffled only within 30 s of event time, as bounded out-of-orderness allows
            List<Edge> order = new ArrayList<>(edges);
            for (int i = 0; i + 3 < order.size(); i += 3) {
                if (order.get(i + 2).eventTimeMillis() - order.get(i).eventTimeMillis() < 30_000) {
                    Collections.shuffle(order.subList(i, i + 3), random);
                }
            }
            var h = harness();
            long maxTs = Long.MIN_VALUE;
            for (Edge e : order) {
                add(h, e);
                maxTs = Math.max(maxTs, e.eventTimeMillis());
                h.processWatermark(new Watermark(maxTs - 60_000));
            }
            h.processWatermark(new Watermark(Long.MAX_VALUE));
            List<String> closed = new ArrayList<>();
            for (TopoEdgeRow r : rows(h)) {
                if (!r.open) {
                    closed.add("closed " + r.validFromMillis + ".." + r.validToMillis);
                }
            }
            Collections.sort(closed);
            String s = String.join("\n", closed);
            if (expected == null) {
                expected = s;
                assertThat(closed).anyMatch(x -> x.startsWith("closed"));
            } else {
                assertThat(s).isEqualTo(expected);
            }
        }
    }
}
