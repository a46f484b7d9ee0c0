package org.otlpanalytics.operators.limits;

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
import org.otlpanalytics.operators.edges.ConnectionType;
import org.otlpanalytics.operators.edges.Edge;
import org.otlpanalytics.operators.edges.EdgePartial;
import org.otlpanalytics.operators.edges.EdgePartialSerializer;
import org.otlpanalytics.operators.testing.StateBackends;

/** The per-scope member limit: bottom-k by stable hash per slot whatever the order, totals kept, state bounded. */
class CardinalityLimiterTest {
    static final long SLOT = 60_000L;
    static final long LATENESS = 120_000L;

    static EdgePartial partial(String tenant, String callee, long timeMillis) {
        Edge e = new Edge();
        e.tenant = tenant;
        e.callerUrn = "urn:svc:ns/api";
        e.callerName = "api";
        e.calleeUrn = "urn:svc:ns/" + callee;
        e.calleeName = callee;
        e.connectionType = ConnectionType.REQUEST;
        e.startTimeNanos = timeMillis * 1_000_000L;
        e.clientDurationNanos = 1_000_000L;
        EdgePartial p = EdgePartial.of(e, Math.floorDiv(timeMillis, SLOT) * SLOT);
        p.calls.add(e);
        return p;
    }

    static KeyedOneInputStreamOperatorTestHarness<String, EdgePartial, EdgePartial> harness(int limit, StateBackends backend)
            throws Exception {
        return harness(limit, backend, null);
    }

    static KeyedOneInputStreamOperatorTestHarness<String, EdgePartial, EdgePartial> harness(int limit, StateBackends backend,
            OperatorSubtaskState snapshot) throws Exception {
        LimitSubject<EdgePartial> subject = EdgeLimitSubjects.callees();
        var h = backend.apply(new KeyedOneInputStreamOperatorTestHarness<String, EdgePartial, EdgePartial>(
                new HorizonKeyedProcessOperator<>(new CardinalityLimiter<>(subject, EdgePartialSerializer.TYPE, limit, SLOT,
                        LATENESS, "calleeLimiter")), subject::scope, Types.STRING));
        if (snapshot != null) {
            h.initializeState(snapshot);
        }
        h.open();
        return h;
    }

    static void add(KeyedOneInputStreamOperatorTestHarness<String, EdgePartial, EdgePartial> h, EdgePartial p) throws Exception {
        h.processElement(new StreamRecord<>(p, p.slotStartMillis));
    }

    /** Calls per tenant and callee URN over everything emitted. */
    static Map<String, Long> calls(KeyedOneInputStreamOperatorTestHarness<String, EdgePartial, EdgePartial> h) {
        Map<String, Long> out = new TreeMap<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord) {
                EdgePartial p = (EdgePartial) ((StreamRecord<?>) o).getValue();
                out.merge(p.tenant + " " + p.calleeUrn + " @" + p.slotStartMillis, p.calls.calls(), Long::sum);
            }
        }
        return out;
    }

    static List<String> smallestHashes(List<String> callees, int k) {
        List<String> sorted = new ArrayList<>(callees);
        sorted.sort((x, y) -> Long.compare(StableHash.of("urn:svc:ns/" + x), StableHash.of("urn:svc:ns/" + y)));
        return sorted.subList(0, k);
    }

    /** Which members are kept does not depend on the order their partials come in; every call stays counted. */
    @ParameterizedTest
    @EnumSource(StateBackends.class)
    void shouldKeepTheMembersWithTheSmallestHashesWhateverTheArrivalOrder(StateBackends backend) throws Exception {
        List<EdgePartial> in = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            names.add("svc-" + i);
            for (int n = 0; n <= i % 3; n++) {
                in.add(partial("t", "svc-" + i, 1000 + i * 100 + n));
                in.add(partial("u", "svc-" + i, SLOT + 1000 + n));
            }
        }
        Map<String, Long> first = null;
        for (int round = 0; round < 3; round++) {
            List<EdgePartial> order = new ArrayList<>();
            for (EdgePartial p : in) {
                order.add(partial(p.tenant, p.calleeName, p.slotStartMillis + 1000));
            }
            if (round > 0) {
                Collections.shuffle(order, new Random(round));
            }
            var h = harness(7, backend);
            for (EdgePartial p : order) {
                add(h, p);
            }
            h.processWatermark(new Watermark(2 * SLOT));
            Map<String, Long> out = calls(h);
            assertThat(out.values().stream().mapToLong(Long::longValue).sum()).as("no call lost").isEqualTo(in.size());
            if (first == null) {
                first = out;
            } else {
                assertThat(out).as("order " + round).isEqualTo(first);
            }
            h.close();
        }
        // tenant t, slot 0: the 7 smallest hashes plus one overflow member; tenant u likewise in slot 1
        Map<String, Long> expected = new TreeMap<>();
        long kept = 0;
        for (String s : smallestHashes(names, 7)) {
            long c = names.indexOf(s) % 3 + 1;
            expected.put("t urn:svc:ns/" + s + " @0", c);
            expected.put("u urn:svc:ns/" + s + " @" + SLOT, c);
            kept += c;
        }
        long all = in.size() / 2;
        expected.put("t " + Overflow.SERVICE_URN + " @0", all - kept);
        expected.put("u " + Overflow.SERVICE_URN + " @" + SLOT, all - kept);
        assertThat(first).isEqualTo(expected);
    }

    /** A restore from a snapshot taken while partials are held (and members pushed out) gives the failure-free output. */
    @ParameterizedTest
    @EnumSource(StateBackends.class)
    void shouldGiveTheSameOutputAfterARestoreMidSlot(StateBackends backend) throws Exception {
        List<EdgePartial> in = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            in.add(partial("t", "svc-" + (29 - i), 1000 + i * 10));
            in.add(partial("t", "svc-" + i, SLOT + 1000 + i * 10));
        }
        var clean = harness(4, backend);
        for (EdgePartial p : in) {
            add(clean, copy(p));
        }
        clean.processWatermark(new Watermark(3 * SLOT));

        var failing = harness(4, backend);
        Map<String, Long> beforeFailure = new TreeMap<>();
        for (int i = 0; i < in.size() / 2; i++) {
            add(failing, copy(in.get(i)));
        }
        beforeFailure.putAll(calls(failing));
        var snapshot = failing.snapshot(1, 1);
        failing.close();
        var restored = harness(4, backend, snapshot);
        for (int i = in.size() / 2; i < in.size(); i++) {
            add(restored, copy(in.get(i)));
        }
        restored.processWatermark(new Watermark(3 * SLOT));
        Map<String, Long> out = new TreeMap<>(beforeFailure);
        calls(restored).forEach((k, v) -> out.merge(k, v, Long::sum));
        assertThat(out).isEqualTo(calls(clean)).hasSize(10);
    }

    private static EdgePartial copy(EdgePartial p) {
        return partial(p.tenant, p.calleeName, p.slotStartMillis + 1000);
    }

    @Test
    void shouldHoldAdmittedPartialsUntilTheSlotEndsAndPassRefusedOnesFolded() throws Exception {
        List<String> names = List.of("a", "b", "c", "d", "e");
        List<String> keep = smallestHashes(names, 2);
        var h = harness(2, StateBackends.HEAP);
        for (String s : keep) {
            add(h, partial("t", s, 1000));
        }
        for (String s : names) {
            if (!keep.contains(s)) {
                add(h, partial("t", s, 2000));
            }
        }
        assertThat(calls(h)).as("refused at once, admitted held").containsExactly(Map.entry("t " + Overflow.SERVICE_URN + " @0", 3L));
        h.processWatermark(new Watermark(SLOT - 1));
        assertThat(calls(h)).hasSize(3).containsEntry("t urn:svc:ns/" + keep.get(0) + " @0", 1L)
                .containsEntry("t urn:svc:ns/" + keep.get(1) + " @0", 1L);
        // within the lateness, after the slot was emitted: an admitted member passes, a new one folds
        add(h, partial("t", keep.get(0), 3000));
        add(h, partial("t", "zz-new", 3000));
        h.processWatermark(new Watermark(SLOT + LATENESS));
        // past the lateness: folded and passed on, for the aggregator to judge late
        add(h, partial("t", keep.get(1), 4000));
        Map<String, Long> out = calls(h);
        assertThat(out).containsEntry("t urn:svc:ns/" + keep.get(0) + " @0", 2L)
                .containsEntry("t urn:svc:ns/" + keep.get(1) + " @0", 1L)
                .containsEntry("t " + Overflow.SERVICE_URN + " @0", 5L);
        assertThat(h.numKeyedStateEntries()).as("no state after the purge").isZero();
        assertThat(h.numEventTimeTimers()).isZero();
    }

    @Test
    void shouldPassEverythingUnchangedWithoutALimitOrBelowIt() throws Exception {
        for (int limit : new int[] {0, 10}) {
            var h = harness(limit, StateBackends.HEAP);
            for (int i = 0; i < 5; i++) {
                add(h, partial("t", "s" + i, 1000));
            }
            h.processWatermark(new Watermark(3 * SLOT + LATENESS));
            assertThat(calls(h)).as("limit " + limit).hasSize(5).doesNotContainKey("t " + Overflow.SERVICE_URN + " @0");
            assertThat(h.numKeyedStateEntries()).isZero();
        }
    }

    @Test
    void shouldFoldServicesAndPeersIntoTheirOwnOverflowMember() {
        EdgePartial svc = partial("t", "x", 0);
        EdgePartial peer = partial("t", "y", 0);
        peer.calleeVirtual = true;
        EdgeLimitSubjects.callees().fold(svc);
        EdgeLimitSubjects.callees().fold(peer);
        assertThat(svc.calleeUrn).isEqualTo("urn:svc:overflow/other");
        assertThat(peer.calleeUrn).isEqualTo("urn:peer:overflow/other");
        assertThat(EdgeLimitSubjects.callees().isOverflow(svc)).isTrue();
    }

    /** Held records one entry each (the log record limits) give the same output as held lists, and leave no state. */
    @ParameterizedTest
    @EnumSource(StateBackends.class)
    void shouldGiveTheSameOutputWithOneStateEntryPerHeldRecord(StateBackends backend) throws Exception {
        List<EdgePartial> in = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            for (int n = 0; n <= i % 4; n++) {
                in.add(partial("t", "svc-" + i, 1000 + i * 100 + n));
            }
        }
        Collections.shuffle(in, new Random(7));
        Map<String, Long> lists = null;
        for (CardinalityLimiter.Held layout : List.of(CardinalityLimiter.Held.LISTS, CardinalityLimiter.Held.RECORDS)) {
            LimitSubject<EdgePartial> subject = EdgeLimitSubjects.callees();
            var h = backend.apply(new KeyedOneInputStreamOperatorTestHarness<String, EdgePartial, EdgePartial>(
                    new HorizonKeyedProcessOperator<>(new CardinalityLimiter<>(subject, EdgePartialSerializer.TYPE, 5, SLOT,
                            LATENESS, "calleeLimiter", layout)), subject::scope, Types.STRING));
            h.open();
            for (EdgePartial p : in) {
                add(h, partial(p.tenant, p.calleeName, p.slotStartMillis + 1000));
            }
            h.processWatermark(new Watermark(SLOT + LATENESS + 1));
            Map<String, Long> out = calls(h);
            assertThat(out.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(in.size());
            if (backend == StateBackends.HEAP) {
                assertThat(h.numKeyedStateEntries()).as(layout + ": no state after the lateness").isZero();
            }
            if (lists == null) {
                lists = out;
            } else {
                assertThat(out).isEqualTo(lists);
            }
            h.close();
        }
    }

    /**
     * A savepoint of the lists layout (the edge limits before they held records) restores into the
     * records layout: the lists held mid-slot are emitted with the records added after the restore,
     * and the output equals a failure-free run's.
     */
    @ParameterizedTest
    @EnumSource(StateBackends.class)
    void shouldEmitTheListsOfASavepointRestoredIntoTheRecordsLayout(StateBackends backend) throws Exception {
        List<EdgePartial> in = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            in.add(partial("t", "svc-" + (29 - i) % 7, 1000 + i * 10));
            in.add(partial("t", "svc-" + i % 9, SLOT + 1000 + i * 10));
        }
        var clean = layoutHarness(CardinalityLimiter.Held.RECORDS, backend, null);
        for (EdgePartial p : in) {
            add(clean, copy(p));
        }
        clean.processWatermark(new Watermark(3 * SLOT));

        var lists = layoutHarness(CardinalityLimiter.Held.LISTS, backend, null);
        for (int i = 0; i < in.size() / 2; i++) {
            add(lists, copy(in.get(i)));
        }
        Map<String, Long> beforeFailure = new TreeMap<>(calls(lists));
        var snapshot = lists.snapshot(1, 1);
        lists.close();
        var restored = layoutHarness(CardinalityLimiter.Held.RECORDS, backend, snapshot);
        for (int i = in.size() / 2; i < in.size(); i++) {
            add(restored, copy(in.get(i)));
        }
        restored.processWatermark(new Watermark(3 * SLOT));
        Map<String, Long> out = new TreeMap<>(beforeFailure);
        calls(restored).forEach((k, v) -> out.merge(k, v, Long::sum));
        assertThat(beforeFailure.values().stream().mapToLong(Long::longValue).sum()).as("partials held at the savepoint")
                .isLessThan(in.size() / 2);
        assertThat(out).isEqualTo(calls(clean));
        assertThat(out.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(in.size());
        if (backend == StateBackends.HEAP) {
            restored.processWatermark(new Watermark(3 * SLOT + LATENESS));
            assertThat(restored.numKeyedStateEntries()).as("no state after the lateness").isZero();
        }
    }

    static KeyedOneInputStreamOperatorTestHarness<String, EdgePartial, EdgePartial> layoutHarness(
            CardinalityLimiter.Held layout, StateBackends backend, OperatorSubtaskState snapshot) throws Exception {
        LimitSubject<EdgePartial> subject = EdgeLimitSubjects.callees();
        var h = backend.apply(new KeyedOneInputStreamOperatorTestHarness<String, EdgePartial, EdgePartial>(
                new HorizonKeyedProcessOperator<>(new CardinalityLimiter<>(subject, EdgePartialSerializer.TYPE, 4, SLOT,
                        LATENESS, "calleeLimiter", layout)), subject::scope, Types.STRING));
        if (snapshot != null) {
            h.initializeState(snapshot);
        }
        h.open();
        return h;
    }
}
