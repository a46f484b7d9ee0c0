package org.otlpanalytics.operators.edges;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.otlpanalytics.operators.testing.StateBackends;

/** Pre-aggregation of edges into partials next to the pairing: when partials leave, and lateness across restores. */
class EdgePreAggregatorTest {
    static final long MIN = 60_000L;
    static final long T0 = 1_700_000_040_000L; // a minute boundary
    static final long LATENESS = 120_000L;

    static Edge edge(String callee, long startMs, boolean failed) {
        Edge e = new Edge();
        e.tenant = "t";
        e.callerUrn = "urn:svc:ns/api";
        e.callerName = "api";
        e.calleeUrn = "urn:svc:ns/" + callee;
        e.calleeName = callee;
        e.connectionType = ConnectionType.REQUEST;
        e.startTimeNanos = startMs * 1_000_000L;
        e.clientDurationNanos = 3_000_000L;
        e.serverDurationNanos = 2_000_000L;
        e.failed = failed;
        e.traceIdHi = startMs;
        e.traceIdLo = startMs * 7;
        return e;
    }

    static OneInputStreamOperatorTestHarness<Edge, EdgePartial> harness(StateBackends backend, OperatorSubtaskState snap)
            throws Exception {
        var h = backend.apply(new OneInputStreamOperatorTestHarness<Edge, EdgePartial>(new EdgePreAggregator(MIN, LATENESS, 1000)));
        if (snap != null) {
            h.initializeState(snap);
        }
        h.open();
        return h;
    }

    static void add(OneInputStreamOperatorTestHarness<Edge, EdgePartial> h, Edge e) throws Exception {
        h.processElement(new StreamRecord<>(e, e.eventTimeMillis()));
    }

    static List<EdgePartial> partials(OneInputStreamOperatorTestHarness<Edge, EdgePartial> h) {
        List<EdgePartial> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord) {
                out.add((EdgePartial) ((StreamRecord<?>) o).getValue());
            }
        }
        return out;
    }

    @Test
    void shouldShipOnePartialPerEdgeAndSlotBeforeTheWatermarkGoesOn() throws Exception {
        var h = harness(StateBackends.HEAP, null);
        for (int i = 0; i < 30; i++) {
            add(h, edge("cart", T0 + i * 3_000, i % 10 == 0)); // minutes 0 and 1
            add(h, edge("payment", T0 + i * 1_000, false)); // minute 0
        }
        assertThat(partials(h)).as("nothing leaves before a watermark or a barrier").isEmpty();
        h.processWatermark(new Watermark(T0 + 30_000));
        assertThat(partials(h)).as("nothing leaves before the watermark reaches the end of its slot").isEmpty();
        h.processWatermark(new Watermark(T0 + MIN - 1));
        assertThat(partials(h)).extracting(p -> p.calleeName + "@" + (p.slotStartMillis - T0) + "=" + p.calls.calls())
                .containsExactlyInAnyOrder("cart@0=20", "payment@0=30");
        assertThat(new ArrayList<>(h.getOutput()).get(h.getOutput().size() - 1)).as("the watermark follows the partials")
                .isInstanceOf(Watermark.class);
        h.processWatermark(new Watermark(T0 + 2 * MIN - 1));
        List<EdgePartial> out = partials(h);
        assertThat(out).extracting(p -> p.calleeName + "@" + (p.slotStartMillis - T0) + "=" + p.calls.calls())
                .containsExactlyInAnyOrder("cart@0=20", "cart@60000=10", "payment@0=30");
        assertThat(out.stream().mapToLong(p -> p.calls.errors()).sum()).isEqualTo(3);

        add(h, edge("cart", T0 + 5, false)); // within the lateness: leaves at the next watermark
        add(h, edge("cart", T0 + 2 * MIN + 5, false));
        h.processWatermark(new Watermark(T0 + 2 * MIN));
        assertThat(partials(h)).hasSize(4);
        add(h, edge("cart", T0 + 2 * MIN + 6, false));
        h.prepareSnapshotPreBarrier(1);
        assertThat(partials(h)).as("a barrier ships everything").hasSize(5)
                .extracting(p -> p.calleeName + "@" + (p.slotStartMillis - T0) + "=" + p.calls.calls()).endsWith("cart@120000=2");
    }

    /**
     * A call whose minute is past the allowed lateness, re-read right after a restore before any
     * watermark: late as in the failure-free run (to the dead letters), not shipped as a partial
     * that would reopen its minute downstream.
     */
    @ParameterizedTest
    @EnumSource(StateBackends.class)
    void lateEdgeRightAfterRestoreIsLateAsInTheFailureFreeRun(StateBackends backend) throws Exception {
        var clean = harness(backend, null);
        var failing = harness(backend, null);
        for (var h : List.of(clean, failing)) {
            add(h, edge("cart", T0 + 1_000, false));
            h.processWatermark(new Watermark(T0 + 5 * MIN));
        }
        var snap = failing.snapshot(1, 1);
        failing.close();
        var restored = harness(backend, snap);
        Edge late = edge("cart", T0 + 2_000, false);
        add(clean, late);
        add(restored, late);
        assertThat(clean.getSideOutput(EdgePreAggregator.LATE_EDGES)).hasSize(1);
        assertThat(restored.getSideOutput(EdgePreAggregator.LATE_EDGES)).as("late after the restore too").hasSize(1);
        restored.processWatermark(new Watermark(T0 + 6 * MIN));
        assertThat(partials(restored)).isEmpty();

        add(restored, edge("cart", T0 + 4 * MIN, false)); // within the lateness: shipped
        restored.processWatermark(new Watermark(T0 + 6 * MIN + 1));
        assertThat(partials(restored)).as("its slot ended: shipped at the next watermark").hasSize(1);
    }
}
