package org.otlpanalytics.operators.edges;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.otlpanalytics.operators.common.StableHash;
import org.otlpanalytics.operators.common.time.HorizonKeyedProcessOperator;
import org.otlpanalytics.operators.testing.StateBackends;

/** The per-caller peer cap: bottom-k by stable hash per slot, whatever the order; lateness across restores. */
class VirtualPeerLimiterTest {
    static final long SLOT = 60_000L;
    static final long LATENESS = 120_000L;

    static Edge edge(String callee, long timeMillis) {
        Edge e = new Edge();
        e.tenant = "t";
        e.callerUrn = "urn:svc:ns/api";
        e.callerName = "api";
        e.calleeUrn = "urn:peer:host/" + callee;
        e.calleeName = callee;
        e.calleeVirtual = true;
        e.connectionType = ConnectionType.REQUEST;
        e.startTimeNanos = timeMillis * 1_000_000L;
        e.clientDurationNanos = 1_000_000L;
        return e;
    }

    static KeyedOneInputStreamOperatorTestHarness<String, EdgePartial, EdgePartial> harness(int max) throws Exception {
        return harness(max, StateBackends.HEAP, null);
    }

    static KeyedOneInputStreamOperatorTestHarness<String, EdgePartial, EdgePartial> harness(int max, StateBackends backend,
            OperatorSubtaskState snapshot) throws Exception {
        var h = backend.apply(new KeyedOneInputStreamOperatorTestHarness<String, EdgePartial, EdgePartial>(
                new HorizonKeyedProcessOperator<>(new VirtualPeerLimiter(max, SLOT, LATENESS)),
                VirtualPeerLimiter::callerKey, Types.STRING));
        if (snapshot != null) {
            h.initializeState(snapshot);
        }
        h.open();
        return h;
    }

    static void add(KeyedOneInputStreamOperatorTestHarness<String, EdgePartial, EdgePartial> h, Edge e) throws Exception {
        EdgePartial p = EdgePartial.of(e, Math.floorDiv(e.eventTimeMillis(), SLOT) * SLOT);
        p.calls.add(e);
        h.processElement(new StreamRecord<>(p, p.slotStartMillis));
    }

    /** Calls per callee name over everything emitted. */
    static Map<String, Long> callsByCallee(KeyedOneInputStreamOperatorTestHarness<String, EdgePartial, EdgePartial> h) {
        Map<String, Long> out = new TreeMap<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord) {
                EdgePartial p = (EdgePartial) ((StreamRecord<?>) o).getValue();
                out.merge(p.calleeName, p.calls.calls(), Long::sum);
            }
        }
        return out;
    }

    @Test
    void shouldFoldPeersBeyondTheCapIntoOverflowKeepingEveryCall() throws Exception {
        var h = harness(2);
        for (String p : new String[] {"a", "b", "c", "a", "d", "b"}) {
            add(h, edge(p, 1000));
        }
        assertThat(callsByCallee(h)).as("nothing leaves before the slot ends").isEmpty();
        h.processWatermark(new Watermark(SLOT - 1));
        Map<String, Long> out = callsByCallee(h);
        assertThat(out.values().stream().mapToLong(Long::longValue).sum()).as("no call lost").isEqualTo(6);
        assertThat(out).hasSize(3).containsKey(VirtualPeerLimiter.OVERFLOW_NAME);
        List<String> expectedKept = smallestHashes(List.of("a", "b", "c", "d"), 2);
        assertThat(out.keySet()).containsAll(expectedKept);
    }

    /** Which peers are kept at the cap does not depend on the order the partials come in. */
    @Test
    void shouldKeepTheSamePeersWhateverTheArrivalOrder() throws Exception {
        List<Edge> edges = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            for (int n = 0; n <= i % 3; n++) {
                edges.add(edge("peer-" + i, 1000 + i * 100 + n));
            }
        }
        Map<String, Long> first = null;
        Random random = new Random(5);
        for (int round = 0; round < 2; round++) {
            List<Edge> order = new ArrayList<>(edges);
            if (round == 1) {
                Collections.reverse(order);
                Collections.shuffle(order.subList(0, 30), random);
            }
            var h = harness(10);
            for (Edge e : order) {
                add(h, e);
            }
            h.processWatermark(new Watermark(SLOT));
            Map<String, Long> out = callsByCallee(h);
            assertThat(out).hasSize(11);
            assertThat(out.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(edges.size());
            if (first == null) {
                first = out;
            } else {
                assertThat(out).as("second order").isEqualTo(first);
            }
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            names.add("peer-" + i);
        }
        assertThat(first.keySet()).containsAll(smallestHashes(names, 10));
    }

    @Test
    void shouldPassPeersBelowTheCapUnchangedAndLeaveNoState() throws Exception {
        var h = harness(5);
        add(h, edge("a", 1000));
        add(h, edge("b", SLOT + 1000));
        h.processWatermark(new Watermark(3 * SLOT + LATENESS));
        assertThat(callsByCallee(h)).containsExactly(Map.entry("a", 1L), Map.entry("b", 1L));
        assertThat(h.numKeyedStateEntries()).isZero();
        assertThat(h.numEventTimeTimers()).isZero();
    }

    /**
     * After the slot was emitted, a partial within the allowed lateness passes at once (under its
     * peer: it was admitted); after a restore, one beyond the lateness is late, as in the
     * failure-free run, instead of opening a fresh slot.
     */
    @ParameterizedTest
    @EnumSource(StateBackends.class)
    void latePartialRightAfterRestoreIsLateAsInTheFailureFreeRun(StateBackends backend) throws Exception {
        var clean = harness(2, backend, null);
        var failing = harness(2, backend, null);
        for (var h : List.of(clean, failing)) {
            add(h, edge("a", 1000));
            add(h, edge("a", 10 * SLOT)); // keeps the caller alive
            h.processWatermark(new Watermark(SLOT + LATENESS));
        }
        var snap = failing.snapshot(1, 1);
        failing.close();
        var restored = harness(2, backend, snap);
        add(clean, edge("b", 2000));
        add(restored, edge("b", 2000));
        assertThat(clean.getSideOutput(VirtualPeerLimiter.LATE_PARTIALS)).hasSize(1);
        assertThat(restored.getSideOutput(VirtualPeerLimiter.LATE_PARTIALS)).as("late after the restore too").hasSize(1);
        restored.processWatermark(new Watermark(20 * SLOT));
        assertThat(callsByCallee(restored)).containsExactly(Map.entry("a", 1L));
    }

    private static List<String> smallestHashes(List<String> peers, int k) {
        List<String> sorted = new ArrayList<>(peers);
        sorted.sort((x, y) -> Long.compare(StableHash.of("urn:peer:host/" + x), StableHash.of("urn:peer:host/" + y)));
        return sorted.subList(0, k);
    }
}
