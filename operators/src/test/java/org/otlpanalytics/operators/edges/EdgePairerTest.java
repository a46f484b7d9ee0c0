package org.otlpanalytics.operators.edges;

import static org.assertj.core.api.Assertions.assertThat;
import static org.otlpanalytics.operators.edges.TestSpans.T0;
import static org.otlpanalytics.operators.edges.TestSpans.client;
import static org.otlpanalytics.operators.edges.TestSpans.consumer;
import static org.otlpanalytics.operators.edges.TestSpans.internal;
import static org.otlpanalytics.operators.edges.TestSpans.producer;
import static org.otlpanalytics.operators.edges.TestSpans.server;

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
import org.otlpanalytics.operators.testing.StateBackends;
import org.otlpanalytics.schemas.traces.SpanRecord;

/** The keyed pairing operator: output, keyed state entries and timers as watermarks advance. */
class EdgePairerTest {
    private static final long TTL = 10_000L;

    static KeyedOneInputStreamOperatorTestHarness<Long, PendingSpan, Edge> harness(EdgePairer pairer) throws Exception {
        return harness(pairer, StateBackends.HEAP, null);
    }

    /** A harness on {@code backend}, restored from {@code snapshot} when it is not null. */
    static KeyedOneInputStreamOperatorTestHarness<Long, PendingSpan, Edge> harness(EdgePairer pairer, StateBackends backend,
            OperatorSubtaskState snapshot) throws Exception {
        KeyedOneInputStreamOperatorTestHarness<Long, PendingSpan, Edge> h = backend.apply(new KeyedOneInputStreamOperatorTestHarness<>(
                pairer, EdgePairer::traceKey, Types.LONG));
        if (snapshot != null) {
            h.initializeState(snapshot);
        }
        h.open();
        return h;
    }

    /** A span as the job ships it to the pairing: only pairable ones, reduced to their half, stamped with their start. */
    static void add(KeyedOneInputStreamOperatorTestHarness<Long, PendingSpan, Edge> h, SpanRecord s) throws Exception {
        if (!PendingSpan.isPairable(s)) {
            return;
        }
        h.processElement(new StreamRecord<>(PendingSpan.of(s, PendingSpan.eventTimeMillis(s), TTL), s.startMillis()));
    }

    static List<Edge> edges(KeyedOneInputStreamOperatorTestHarness<Long, PendingSpan, Edge> h) {
        List<Edge> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord) {
                out.add((Edge) ((StreamRecord<?>) o).getValue());
            }
        }
        return out;
    }

    @Test
    void shouldEmitEdgeWhenServerSpanArrivesFirst() throws Exception {
        EdgePairer pairer = new EdgePairer(EdgeStoreOptions.defaults());
        var h = harness(pairer);
        add(h, server("checkout", 0xB, 0xA).times(T0 + 5, 20).kafka(1, 100).build());
        assertThat(edges(h)).isEmpty();
        assertThat(pairer.pendingCount()).isEqualTo(1);
        assertThat(h.numEventTimeTimers()).as("waits end with the watermark: no timers").isZero();

        add(h, client("frontend", 0xA, 0x1).times(T0, 40).kafka(0, 7).build());

        List<Edge> out = edges(h);
        assertThat(out).hasSize(1);
        assertThat(out.get(0).callerName).isEqualTo("frontend");
        assertThat(out.get(0).calleeName).isEqualTo("checkout");
        assertThat(out.get(0).clientDurationNanos).isEqualTo(40_000_000L);
        assertThat(out.get(0).serverDurationNanos).isEqualTo(20_000_000L);
        assertThat(pairer.pendingCount()).as("the pair leaves nothing waiting").isZero();
        h.processWatermark(new Watermark(Long.MAX_VALUE));
        assertThat(edges(h)).hasSize(1);
    }

    @Test
    void shouldEmitVirtualEdgeOnceTheWatermarkPassesItsDeadline() throws Exception {
        EdgePairer pairer = new EdgePairer(EdgeStoreOptions.defaults());
        var h = harness(pairer);
        add(h, client("checkout", 0xA, 0x1).times(T0, 10).db("postgresql", "orders").build());
        long deadline = T0 + 10 + TTL;

        h.processWatermark(new Watermark(deadline - 1));
        assertThat(edges(h)).isEmpty();
        assertThat(pairer.pendingCount()).isEqualTo(1);

        h.processWatermark(new Watermark(deadline));

        List<Edge> out = edges(h);
        assertThat(out).hasSize(1);
        assertThat(out.get(0).calleeName).isEqualTo("postgresql");
        assertThat(out.get(0).calleeUrn).isEqualTo("urn:peer:postgresql/orders");
        assertThat(out.get(0).calleeVirtual).isTrue();
        assertThat(out.get(0).connectionType).isEqualTo(ConnectionType.DATABASE);
        assertThat(pairer.pendingCount()).isZero();
    }

    /** A half arriving after the watermark passed its partner's deadline finds the partner's wait over. */
    @Test
    void shouldNotPairWithAHalfWhoseDeadlineTheWatermarkPassed() throws Exception {
        var h = harness(new EdgePairer(EdgeStoreOptions.defaults()));
        add(h, client("checkout", 0xA, 0x1).times(T0, 10).db("postgresql", "orders").build());
        long deadline = T0 + 10 + TTL;
        h.processWatermark(new Watermark(deadline));
        add(h, server("db-proxy", 0xB, 0xA).times(T0 + 5_000, 1).build());
        h.processWatermark(new Watermark(Long.MAX_VALUE));
        assertThat(edges(h)).extracting(e -> e.callerName + "->" + e.calleeName).containsExactly("checkout->postgresql");
    }

    @Test
    void shouldEmitUserEdgeForRootServerWithoutState() throws Exception {
        var h = harness(new EdgePairer(EdgeStoreOptions.defaults()));
        add(h, server("frontend", 0x1, 0).times(T0, 80).error().build());

        List<Edge> out = edges(h);
        assertThat(out).hasSize(1);
        assertThat(out.get(0).callerName).isEqualTo("user");
        assertThat(out.get(0).callerVirtual).isTrue();
        assertThat(out.get(0).failed).isTrue();
        assertThat(h.numEventTimeTimers()).isZero();
    }

    @Test
    void shouldNotPairHalvesFurtherApartThanTheTtlWhateverTheOrder() throws Exception {
        // the consumer picks the message up 20 s after the producer ended: more than the 10 s TTL
        SpanRecord p = producer("checkout", 0xC1, 0x1).times(T0, 2).messaging("kafka", "orders").build();
        SpanRecord c = consumer("shipping", 0xC2, 0xC1).times(T0 + 20_002, 5).messaging("kafka", "orders").build();
        for (boolean producerFirst : new boolean[] {true, false}) {
            var h = harness(new EdgePairer(EdgeStoreOptions.defaults()));
            add(h, producerFirst ? p : c);
            add(h, producerFirst ? c : p);
            h.processWatermark(new Watermark(Long.MAX_VALUE));
            List<String> names = new ArrayList<>();
            for (Edge e : edges(h)) {
                names.add(e.callerName + "->" + e.calleeName);
            }
            assertThat(names).as("producer first: %s", producerFirst).containsExactlyInAnyOrder("checkout->kafka", "kafka->shipping");
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void shouldDropAtMaxItemsButStillPair() throws Exception {
        EdgePairer pairer = new EdgePairer(EdgeStoreOptions.builder().maxItems(2).build());
        var h = harness(pairer);
        add(h, client("frontend", 0xA1, 0x1).trace(1, 1).build());
        add(h, client("frontend", 0xA2, 0x1).trace(2, 2).build());
        add(h, client("frontend", 0xA3, 0x1).trace(3, 3).build());
        assertThat(pairer.pendingCount()).isEqualTo(2);

        add(h, server("checkout", 0xB1, 0xA1).trace(1, 1).build());
        assertThat(edges(h)).hasSize(1);
        assertThat(pairer.pendingCount()).isEqualTo(1);
        // the dropped CLIENT span's server now waits alone and becomes an orphan, not an edge
        add(h, server("checkout", 0xB3, 0xA3).trace(3, 3).build());
        h.processWatermark(new Watermark(Long.MAX_VALUE));
        assertThat(edges(h)).extracting(e -> e.callerName + "->" + e.calleeName)
                .containsExactly("frontend->checkout", "frontend->unknown");
        assertThat(pairer.pendingCount()).isZero();
    }

    @ParameterizedTest
    @EnumSource(StateBackends.class)
    void shouldRestorePendingHalvesAndTheirCountFromASnapshot(StateBackends backend) throws Exception {
        EdgePairer first = new EdgePairer(EdgeStoreOptions.defaults());
        var h = harness(first, backend, null);
        add(h, client("frontend", 0xA, 0x1).times(T0, 40).build());
        add(h, client("frontend", 0xA9, 0x1).trace(9, 9).times(T0, 40).serverAddress("cart").build());
        OperatorSubtaskState snap = h.snapshot(1, 1);
        h.close();

        EdgePairer second = new EdgePairer(EdgeStoreOptions.defaults());
        var restored = harness(second, backend, snap);
        assertThat(second.pendingCount()).as("read back from keyed state").isEqualTo(2);

        add(restored, server("checkout", 0xB, 0xA).times(T0 + 5, 20).build());
        restored.processWatermark(new Watermark(T0 + 40 + TTL));

        assertThat(edges(restored)).extracting(e -> e.callerName + "->" + e.calleeName)
                .containsExactly("frontend->checkout", "frontend->cart");
        assertThat(second.pendingCount()).isZero();
        restored.snapshot(2, 2);
        if (backend == StateBackends.HEAP) { // the harness counts entries on the heap backend only
            assertThat(restored.numKeyedStateEntries()).as("the next checkpoint removes them from keyed state").isZero();
        }
    }

    /**
     * The halves wait on the heap and are mirrored into keyed state at each checkpoint: a restore
     * from the second checkpoint has exactly the halves waiting then, not those paired since the
     * first, and a restore at parallelism 2 splits them by trace between the two subtasks.
     */
    @ParameterizedTest
    @EnumSource(StateBackends.class)
    void shouldRestoreExactlyTheHalvesWaitingAtTheLastCheckpointAtAnyParallelism(StateBackends backend) throws Exception {
        EdgePairer pairer = new EdgePairer(EdgeStoreOptions.defaults());
        var h = backend.apply(new KeyedOneInputStreamOperatorTestHarness<Long, PendingSpan, Edge>(pairer,
                EdgePairer::traceKey, Types.LONG, 128, 1, 0));
        h.open();
        for (int i = 1; i <= 20; i++) {
            add(h, client("frontend", 0xA0 + i, 0x1).trace(i, i).times(T0, 40).build());
        }
        h.snapshot(1, 1);
        for (int i = 1; i <= 10; i++) { // half of them pair after the first checkpoint
            add(h, server("checkout", 0xB0 + i, 0xA0 + i).trace(i, i).times(T0 + 5, 20).build());
        }
        add(h, client("frontend", 0xC1, 0x1).trace(99, 99).times(T0, 40).serverAddress("cart").build());
        OperatorSubtaskState snap = h.snapshot(2, 2);
        h.close();
        assertThat(pairer.pendingCount()).isEqualTo(11);

        int restoredTotal = 0;
        List<String> names = new ArrayList<>();
        for (int subtask = 0; subtask < 2; subtask++) {
            EdgePairer part = new EdgePairer(EdgeStoreOptions.defaults());
            OperatorSubtaskState share = org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness
                    .repartitionOperatorState(snap, 128, 1, 2, subtask);
            var r = backend.apply(new KeyedOneInputStreamOperatorTestHarness<Long, PendingSpan, Edge>(part,
                    EdgePairer::traceKey, Types.LONG, 128, 2, subtask));
            r.initializeState(share);
            r.open();
            restoredTotal += part.pendingCount();
            for (int i = 11; i <= 20; i++) { // their partners come after the restore, wherever the trace went
                if (org.apache.flink.runtime.state.KeyGroupRangeAssignment.assignKeyToParallelOperator(
                        EdgePairer.traceKey(PendingSpan.of(server("x", 1, 1).trace(i, i).build(), T0, TTL)), 128, 2) == subtask) {
                    add(r, server("checkout", 0xB0 + i, 0xA0 + i).trace(i, i).times(T0 + 5, 20).build());
                }
            }
            r.processWatermark(new Watermark(Long.MAX_VALUE));
            for (Edge e : edges(r)) {
                names.add(e.callerName + "->" + e.calleeName);
            }
            assertThat(part.pendingCount()).isZero();
            r.close();
        }
        assertThat(restoredTotal).isEqualTo(11);
        List<String> expected = new ArrayList<>(java.util.Collections.nCopies(10, "frontend->checkout"));
        expected.add("frontend->cart");
        assertThat(names).containsExactlyInAnyOrderElementsOf(expected);
    }

    /**
     * Halves still waiting on the heap at a checkpoint, with deadlines spread over many of the
     * store's deadline buckets, restored at parallelism 2: each subtask names every half it got
     * exactly when the watermark reaches the half's deadline, never a millisecond before, earliest
     * deadline first, and the two subtasks together name each half once.
     */
    @ParameterizedTest
    @EnumSource(StateBackends.class)
    void bufferedHalvesRestoredAtParallelismTwoExpireExactlyAtTheirDeadlines(StateBackends backend) throws Exception {
        EdgePairer pairer = new EdgePairer(EdgeStoreOptions.defaults());
        var h = backend.apply(new KeyedOneInputStreamOperatorTestHarness<Long, PendingSpan, Edge>(pairer,
                EdgePairer::traceKey, Types.LONG, 128, 1, 0));
        h.open();
        int halves = 60;
        for (int i = 0; i < halves; i++) { // database calls ending 97 ms apart: 60 deadlines over 46 buckets
            add(h, client("frontend", 0xA00 + i, 0x1).trace(i + 1, i + 1).times(T0 + 97L * i, 3)
                    .db("postgresql", "db-" + i).build());
        }
        h.processWatermark(new Watermark(T0)); // they wait in the store's queue, not only among the young
        OperatorSubtaskState snap = h.snapshot(1, 1);
        h.close();

        List<String> named = new ArrayList<>();
        for (int subtask = 0; subtask < 2; subtask++) {
            EdgePairer part = new EdgePairer(EdgeStoreOptions.defaults());
            var r = backend.apply(new KeyedOneInputStreamOperatorTestHarness<Long, PendingSpan, Edge>(part,
                    EdgePairer::traceKey, Types.LONG, 128, 2, subtask));
            r.initializeState(org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness
                    .repartitionOperatorState(snap, 128, 1, 2, subtask));
            r.open();
            long mine = part.pendingCount();
            assertThat(mine).as("subtask %d gets some of the traces", subtask).isBetween(1L, halves - 1L);
            int seen = 0;
            for (int i = 0; i < halves; i++) {
                long deadline = T0 + 97L * i + 3 + TTL;
                r.processWatermark(new Watermark(deadline - 1));
                assertThat(edges(r)).as("none before its deadline").hasSize(seen);
                r.processWatermark(new Watermark(deadline));
                List<Edge> out = edges(r);
                if (out.size() > seen) {
                    assertThat(out).hasSize(seen + 1);
                    assertThat(out.get(seen).calleeUrn).isEqualTo("urn:peer:postgresql/db-" + i);
                    named.add(out.get(seen).calleeUrn);
                    seen++;
                }
            }
            assertThat(seen).isEqualTo(mine);
            assertThat(part.pendingCount()).isZero();
            r.close();
        }
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < halves; i++) {
            expected.add("urn:peer:postgresql/db-" + i);
        }
        assertThat(named).containsExactlyInAnyOrderElementsOf(expected);
    }

    /**
     * The review's case for the pairing: halves behind the watermark, re-read right after a
     * restore. The failure-free run had its watermark move on between them (its timers fired);
     * the restored operator sees them before any watermark. Both must draw the same edges: a
     * database call that waited in vain and a server span whose caller had already given up,
     * not a pair that only the restored run makes (and that would leave the failure-free run's
     * virtual edge orphaned in {@code service_call_5m}).
     */
    @ParameterizedTest
    @EnumSource(StateBackends.class)
    void lateHalvesRightAfterRestoreEndAsInTheFailureFreeRun(StateBackends backend) throws Exception {
        var clean = harness(new EdgePairer(EdgeStoreOptions.defaults()), backend, null);
        var failing = harness(new EdgePairer(EdgeStoreOptions.defaults()), backend, null);
        long horizon = T0 + 5 * 60_000L;
        for (var h : List.of(clean, failing)) {
            add(h, client("frontend", 0x1A, 0x1).trace(7, 7).times(horizon, 5).build()); // keeps a timer alive
            h.processWatermark(new Watermark(horizon));
        }
        var snap = failing.snapshot(1, 1);
        failing.close();
        EdgePairer restoredPairer = new EdgePairer(EdgeStoreOptions.defaults());
        var restored = harness(restoredPairer, backend, snap);

        // a CLIENT span naming its database and the SERVER span answering it, both long behind the watermark
        SpanRecord caller = client("checkout", 0xC, 0x1).times(T0, 30).db("postgresql", "orders").build();
        SpanRecord callee = server("orders-db-proxy", 0xD, 0xC).times(T0 + 2, 20).build();
        add(clean, caller);
        clean.processWatermark(new Watermark(horizon + 1)); // the live run's watermark moved on in between
        add(clean, callee);
        add(restored, caller); // re-read from Kafka before any watermark reached the restored operator
        add(restored, callee);
        clean.processWatermark(new Watermark(Long.MAX_VALUE));
        restored.processWatermark(new Watermark(Long.MAX_VALUE));

        List<String> expected = List.of("checkout->postgresql", "frontend->unknown");
        assertThat(edges(clean)).extracting(e -> e.callerName + "->" + e.calleeName).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(edges(restored)).as("no pair the failure-free run never made")
                .extracting(e -> e.callerName + "->" + e.calleeName).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(restoredPairer.pendingCount()).isZero();
    }

    /**
     * A half whose wait an offer ends (here a producer whose consumer starts past its deadline) is
     * in no state any more: named only at the next watermark, a checkpoint taken before that
     * would not hold it and a restore from it would lose its edge. It is named at once.
     */
    @ParameterizedTest
    @EnumSource(StateBackends.class)
    void halvesEndedEarlyAreNamedBeforeACheckpointCanMissThem(StateBackends backend) throws Exception {
        var h = harness(new EdgePairer(EdgeStoreOptions.defaults()), backend, null);
        add(h, producer("checkout", 0x7, 0x3).times(T0, 2).messaging("kafka", "orders").build());
        add(h, consumer("shipping", 0x8, 0x7).times(T0 + 2 + TTL, 3).messaging("kafka", "orders").build());
        OperatorSubtaskState checkpoint = h.snapshot(1, 1); // before any watermark
        List<String> names = new ArrayList<>();
        for (Edge e : edges(h)) {
            names.add(e.callerName + "->" + e.calleeName);
        }
        h.close();
        var restored = harness(new EdgePairer(EdgeStoreOptions.defaults()), backend, checkpoint);
        restored.processWatermark(new Watermark(Long.MAX_VALUE));
        for (Edge e : edges(restored)) {
            names.add(e.callerName + "->" + e.calleeName);
        }
        assertThat(names).containsExactlyInAnyOrder("checkout->kafka", "kafka->shipping");
    }

    /**
     * Every edge of {@link #shop} in any arrival order, against an oracle written from the
     * traces' known shape (who calls whom, which call fails, which consumer starts too late to
     * pair), not from the pairing code: so a defect shared by the operator and {@link EdgeStore}
     * through {@link EdgeMatcher} shows here.
     */
    @Test
    void shouldDrawTheShopsKnownEdgesInAnyArrivalOrder() throws Exception {
        int traces = 200;
        List<SpanRecord> spans = shop(traces);
        List<String> expected = shopEdges(traces);
        assertThat(expected).hasSize(traces * 5);

        Random random = new Random(3);
        for (int round = 0; round < 3; round++) {
            List<SpanRecord> shuffled = new ArrayList<>(spans);
            Collections.shuffle(shuffled, random);
            var h = harness(new EdgePairer(EdgeStoreOptions.defaults()));
            for (SpanRecord s : shuffled) {
                add(h, s);
            }
            h.processWatermark(new Watermark(Long.MAX_VALUE));
            List<String> actual = new ArrayList<>();
            for (Edge e : edges(h)) {
                actual.add(describe(e));
            }
            assertThat(actual).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    /**
     * The edges {@link #shop} must give, from its definition: user -> frontend, frontend ->
     * checkout (failed when checkout's span is), checkout -> payment, checkout -> postgresql (a
     * database nobody instruments), and checkout -> shipping over kafka: shipping's consumer
     * starts 4 to 8 ms after the producer, well inside its 10 s wait.
     */
    static List<String> shopEdges(int traces) {
        List<String> out = new ArrayList<>();
        for (int i = 1; i <= traces; i++) {
            long t = T0 + i * 50L;
            boolean checkoutFails = i % 7 == 0;
            out.add(expect("user", "frontend", "REQUEST", false, t, -1, 30));
            out.add(expect("frontend", "checkout", "REQUEST", checkoutFails, t + 1, 25, 20));
            out.add(expect("checkout", "payment", "REQUEST", false, t + 3, 5, 3));
            out.add(expect("checkout", "postgresql", "DATABASE", false, t + 8, 2, -1));
            out.add(expect("checkout", "shipping", "MESSAGING", false, t + 11, 1, 3));
        }
        return out;
    }

    private static String expect(String caller, String callee, String type, boolean failed, long startMs, long clientMs,
            long serverMs) {
        return caller + "->" + callee + " " + type + " " + failed + " " + startMs * 1_000_000L + " "
                + (clientMs < 0 ? -1 : clientMs * 1_000_000L) + " " + (serverMs < 0 ? -1 : serverMs * 1_000_000L);
    }

    /** Traces of the generator's shape: user -> frontend -> checkout -> payment, postgresql, a queue to shipping. */
    static List<SpanRecord> shop(int traces) {
        List<SpanRecord> out = new ArrayList<>();
        for (int i = 1; i <= traces; i++) {
            long t = T0 + i * 50L;
            long base = (long) i << 8;
            out.add(server("frontend", base + 1, 0).trace(i, i).times(t, 30).build());
            out.add(client("frontend", base + 2, base + 1).trace(i, i).times(t + 1, 25).build());
            TestSpans checkout = server("checkout", base + 3, base + 2).trace(i, i).times(t + 2, 20);
            out.add((i % 7 == 0 ? checkout.error() : checkout).build());
            out.add(client("checkout", base + 4, base + 3).trace(i, i).times(t + 3, 5).build());
            out.add(server("payment", base + 5, base + 4).trace(i, i).times(t + 4, 3).build());
            out.add(client("checkout", base + 6, base + 3).trace(i, i).times(t + 8, 2).db("postgresql", "orders").build());
            out.add(producer("checkout", base + 7, base + 3).trace(i, i).times(t + 11, 1).messaging("kafka", "orders").build());
            out.add(consumer("shipping", base + 8, base + 7).trace(i, i).times(t + 15 + i % 5, 3).messaging("kafka", "orders").build());
            out.add(internal("shipping", base + 9, base + 8).trace(i, i).times(t + 16, 1).build());
        }
        return out;
    }

    static String describe(Edge e) {
        return e.callerName + "->" + e.calleeName + " " + e.connectionType + " " + e.failed + " " + e.startTimeNanos
                + " " + e.clientDurationNanos + " " + e.serverDurationNanos;
    }
}
