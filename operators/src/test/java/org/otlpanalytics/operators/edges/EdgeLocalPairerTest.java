package org.otlpanalytics.operators.edges;

import static org.assertj.core.api.Assertions.assertThat;
import static org.otlpanalytics.operators.edges.TestSpans.T0;
import static org.otlpanalytics.operators.edges.TestSpans.client;
import static org.otlpanalytics.operators.edges.TestSpans.server;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class EdgeLocalPairerTest {
    private static final long TTL = 10_000L;
    /** The job's defaults: 1-minute slots, 2 minutes of allowed lateness. */
    private static final long SLOT = 60_000L;
    private static final long LATENESS = 120_000L;

    private static PendingSpan half(TestSpans s) {
        var span = s.build();
        return PendingSpan.of(span, PendingSpan.eventTimeMillis(span), TTL);
    }

    private static OneInputStreamOperatorTestHarness<PendingSpan, PendingSpanBatch> harness(OperatorSubtaskState restore, int maxHeld)
            throws Exception {
        var h = new OneInputStreamOperatorTestHarness<PendingSpan, PendingSpanBatch>(new EdgeLocalPairer(maxHeld, SLOT, LATENESS));
        if (restore != null) {
            h.initializeState(restore);
        }
        h.open();
        return h;
    }

    private static void add(OneInputStreamOperatorTestHarness<PendingSpan, PendingSpanBatch> h, PendingSpan p) throws Exception {
        h.processElement(new StreamRecord<>(p, EdgeMatcher.startMillis(p)));
    }

    /** The output in order: the batches' halves, and watermarks as "wm:<time>". */
    private static List<Object> output(OneInputStreamOperatorTestHarness<PendingSpan, PendingSpanBatch> h) {
        List<Object> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord<?> r) {
                out.addAll(((PendingSpanBatch) r.getValue()).halves());
            } else if (o instanceof Watermark w) {
                out.add("wm:" + w.getTimestamp());
            }
        }
        return out;
    }

    @Test
    void shouldEmitACallPairedInTheSubtaskAsAnEdgeAndShipTheRestBeforeTheWatermark() throws Exception {
        var h = harness(null, 100);
        PendingSpan c = half(client("frontend", 1, 9).times(T0, 20));
        PendingSpan s = half(server("cart", 2, 1).times(T0 + 1, 10));
        PendingSpan db = half(client("cart", 3, 2).times(T0 + 2, 1).db("redis", "0"));
        add(h, c);
        add(h, db);
        add(h, s);
        assertThat(output(h)).as("held until the next watermark").isEmpty();
        h.processWatermark(new Watermark(T0 - 1_000));
        assertThat(output(h)).containsExactly(db, "wm:" + (T0 - 1_000));
        assertThat(h.getSideOutput(EdgeLocalPairer.LOCAL_EDGES)).extracting(StreamRecord::getValue)
                .containsExactly(EdgeMatcher.match(c, s).edge());
        assertThat(((EdgeLocalPairer) h.getOperator()).heldCount()).isZero();
        h.close();
    }

    @Test
    void shouldNameAHalfLateOnItsPartitionAtOnceInsteadOfShippingIt() throws Exception {
        var h = harness(null, 100);
        // T0's slot is purged (late) once the watermark reaches its last millisecond plus the lateness
        long slotStart = Math.floorDiv(T0, SLOT) * SLOT;
        long purge = slotStart + SLOT - 1 + LATENESS;
        h.processWatermark(new Watermark(purge));
        PendingSpan caller = half(client("cart", 1, 9).times(T0, 2).db("redis", "0"));
        PendingSpan callee = half(server("cart", 2, 1).times(T0 + 1, 1));
        PendingSpan root = half(server("frontend", 3, 0).times(T0, 5));
        PendingSpan nextSlot = half(client("cart", 4, 9).times(slotStart + SLOT, 2).serverAddress("api.example.com"));
        PendingSpan nextSlotCallee = half(server("shop", 5, 4).times(slotStart + SLOT + 1, 1));
        add(h, caller);
        add(h, callee);
        add(h, root);
        add(h, nextSlot);
        h.processWatermark(new Watermark(purge + 1));
        add(h, nextSlotCallee);
        h.endInput();
        // the late ones never reach the shuffle: named here (the callee, without a virtual caller, only counted)
        assertThat(output(h)).containsExactly("wm:" + purge, nextSlot, "wm:" + (purge + 1), nextSlotCallee);
        assertThat(h.getSideOutput(EdgeLocalPairer.LOCAL_EDGES)).extracting(StreamRecord::getValue)
                .containsExactly(PeerNamer.virtualEdge(caller), PeerNamer.virtualEdge(root));
        assertThat(h.getSideOutput(EdgeLocalPairer.LOCAL_EDGES)).extracting(StreamRecord::getTimestamp).containsExactly(T0, T0);
        h.close();
    }

    @Test
    void shouldNameLateHalvesAfterARestoreWithoutAHorizonToo() throws Exception {
        var before = harness(null, 100);
        OperatorSubtaskState checkpoint = before.snapshot(1, 1); // no watermark seen: no horizon, no local pairing
        before.close();
        var after = harness(checkpoint, 100);
        after.processWatermark(new Watermark(T0 + 10 * SLOT));
        PendingSpan late = half(client("frontend", 1, 9).times(T0, 20).peerService("cart"));
        PendingSpan onTime = half(client("frontend", 2, 9).times(T0 + 10 * SLOT + 1, 20));
        add(after, late);
        add(after, onTime);
        assertThat(output(after)).containsExactly("wm:" + (T0 + 10 * SLOT), onTime);
        assertThat(after.getSideOutput(EdgeLocalPairer.LOCAL_EDGES)).extracting(StreamRecord::getValue)
                .containsExactly(PeerNamer.virtualEdge(late));
        after.close();
    }

    @Test
    void shouldShipEverythingHeldBeforeACheckpointBarrierAndAtABound() throws Exception {
        var h = harness(null, 2);
        PendingSpan a = half(client("frontend", 1, 9));
        PendingSpan b = half(client("frontend", 2, 9));
        PendingSpan c = half(client("frontend", 3, 9));
        add(h, a);
        add(h, b);
        add(h, c);
        assertThat(output(h)).as("the bound of 2 shipped the first two").containsExactly(a, b);
        h.prepareSnapshotPreBarrier(1);
        assertThat(output(h)).containsExactly(a, b, c);
        h.snapshot(1, 1);
        PendingSpan d = half(client("frontend", 4, 9));
        add(h, d);
        h.processWatermarkStatus(WatermarkStatus.IDLE);
        assertThat(output(h)).as("shipped before the subtask is idle").containsExactly(a, b, c, d);
        h.close();
    }

    @Test
    void shouldJudgeDeadlinesAgainstTheRestoredHorizon() throws Exception {
        var before = harness(null, 100);
        PendingSpan c = half(client("frontend", 1, 9).times(T0, 20));
        before.processWatermark(new Watermark(c.deadlineMillis()));
        OperatorSubtaskState checkpoint = before.snapshot(1, 1);
        before.close();
        // after the restore no watermark came yet, but the pairing's horizon is past the caller's deadline
        var after = harness(checkpoint, 100);
        PendingSpan s = half(server("cart", 2, 1).times(T0 + 1, 10));
        add(after, c);
        add(after, s);
        after.endInput();
        assertThat(output(after)).containsExactly(c, s);
        assertThat(after.getSideOutput(EdgeLocalPairer.LOCAL_EDGES)).isNull();
        after.close();
    }

    @Test
    void shouldPairNothingAfterARestoreWithoutAHorizon() throws Exception {
        var before = harness(null, 100);
        OperatorSubtaskState checkpoint = before.snapshot(1, 1); // no watermark seen: no horizon
        before.close();
        var after = harness(checkpoint, 100);
        PendingSpan c = half(client("frontend", 1, 9).times(T0, 20));
        PendingSpan s = half(server("cart", 2, 1).times(T0 + 1, 10));
        add(after, c);
        add(after, s);
        assertThat(output(after)).containsExactly(c, s);
        after.close();
    }

    @Test
    void shouldShipOneBatchPerKeyGroupOfThePairingWithEachTracesHalvesInOrder() throws Exception {
        var h = new OneInputStreamOperatorTestHarness<PendingSpan, PendingSpanBatch>(new EdgeLocalPairer(1_000, SLOT, LATENESS), 128, 1, 0);
        h.open();
        List<PendingSpan> in = new ArrayList<>();
        for (int t = 1; t <= 300; t++) {
            in.add(half(client("frontend", t * 10L, 9).trace(t, t).times(T0 + t, 5)));
            in.add(half(client("cart", t * 10L + 1, 8).trace(t, t).times(T0 + t, 2).db("redis", "0")));
        }
        for (PendingSpan p : in) {
            add(h, p);
        }
        h.processWatermark(new Watermark(T0));
        List<PendingSpanBatch> batches = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord<?> r) {
                batches.add((PendingSpanBatch) r.getValue());
            }
        }
        java.util.Set<Integer> groups = new java.util.HashSet<>();
        List<PendingSpan> shipped = new ArrayList<>();
        for (PendingSpanBatch b : batches) {
            int g = org.apache.flink.runtime.state.KeyGroupRangeAssignment.assignToKeyGroup(PendingSpanBatch.key(b), 128);
            assertThat(groups.add(g)).as("one batch per key group").isTrue();
            for (PendingSpan p : b.halves()) {
                assertThat(org.apache.flink.runtime.state.KeyGroupRangeAssignment.assignToKeyGroup(EdgePairingOperator.traceKey(p), 128))
                        .isEqualTo(g);
            }
            shipped.addAll(b.halves());
        }
        assertThat(batches).as("fewer records than halves").hasSizeLessThanOrEqualTo(128);
        assertThat(shipped).containsExactlyInAnyOrderElementsOf(in);
        for (int t = 0; t < in.size(); t += 2) {
            assertThat(shipped.indexOf(in.get(t))).as("a trace's halves keep their order").isLessThan(shipped.indexOf(in.get(t + 1)));
        }
        h.close();
    }
}
