package org.otlpanalytics.operators.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.otlpanalytics.operators.testing.StateBackends;
import org.otlpanalytics.operators.common.StableHash;
import org.otlpanalytics.operators.common.time.HorizonKeyedProcessOperator;

/**
 * The tenant admission on marks: per minute the tenants with the smallest stable hashes and per
 * final tenant its services, whatever the order, emitted before the watermark at the minute's end;
 * after it, a mark is admitted into room and sent as a delta.
 */
class TenantAdmissionTest {
    static final long MIN = 60_000L;
    static final long LATENESS = 120_000L;

    static KeyedOneInputStreamOperatorTestHarness<String, TenantMark, TenantDecision> harness(int tenants, int services)
            throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(new HorizonKeyedProcessOperator<>(
                new TenantAdmission(tenants, services, MIN, LATENESS, "tenantLimiter", "resourceLimiter")),
                (TenantMark m) -> LimitSubjects.ALL_TENANTS, Types.STRING);
        h.open();
        return h;
    }

    static void mark(KeyedOneInputStreamOperatorTestHarness<String, TenantMark, TenantDecision> h, String tenant, String service)
            throws Exception {
        h.processElement(new StreamRecord<>(new TenantMark(0, tenant, service), 0));
    }

    static List<String> smallest(List<String> members, int k) {
        List<String> sorted = new ArrayList<>(members);
        sorted.sort(Comparator.comparingLong(StableHash::of));
        List<String> out = new ArrayList<>(sorted.subList(0, Math.min(k, sorted.size())));
        out.sort(Comparator.comparingLong(StableHash::of));
        return out;
    }

    @Test
    void shouldDecideTheSmallestHashesWhateverTheOrderBeforeTheWatermark() throws Exception {
        List<String[]> marks = new ArrayList<>();
        List<String> tenants = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            tenants.add("t-" + t);
            for (int s = 0; s < 4; s++) {
                marks.add(new String[] {"t-" + t, "t-" + t + "/s-" + s});
            }
        }
        marks.add(new String[] {Overflow.TENANT, "native"});
        List<String> admitted = smallest(tenants, 3);
        List<String> overflowServices = new ArrayList<>(List.of("native"));
        for (String[] m : marks) {
            if (!m[0].equals(Overflow.TENANT) && !admitted.contains(m[0])) {
                overflowServices.add(m[1]);
            }
        }
        String expected = null;
        for (int round = 0; round < 3; round++) {
            List<String[]> order = new ArrayList<>(marks);
            Collections.shuffle(order, new Random(round));
            var h = harness(3, 2);
            for (String[] m : order) {
                mark(h, m[0], m[1]);
            }
            assertThat(h.getOutput()).as("nothing before the minute's end").isEmpty();
            h.processWatermark(new Watermark(MIN));
            List<Object> out = new ArrayList<>(h.getOutput());
            assertThat(out).hasSize(2);
            assertThat(out.get(1)).as("the decision before the watermark").isEqualTo(new Watermark(MIN));
            TenantDecision d = (TenantDecision) ((StreamRecord<?>) out.get(0)).getValue();
            assertThat(new ArrayList<>(d.tenants.admitted.values())).isEqualTo(admitted);
            assertThat(new ArrayList<>(d.services.get(Overflow.TENANT).admitted.values())).isEqualTo(smallest(overflowServices, 2));
            for (String t : admitted) {
                assertThat(new ArrayList<>(d.services.get(t).admitted.values()))
                        .isEqualTo(smallest(List.of(t + "/s-0", t + "/s-1", t + "/s-2", t + "/s-3"), 2));
            }
            if (expected != null) {
                assertThat(d.toString()).isEqualTo(expected);
            }
            expected = d.toString();
            h.processWatermark(new Watermark(MIN + LATENESS));
            assertThat(h.numKeyedStateEntries()).as("no state after the lateness").isZero();
            h.close();
        }
    }

    @Test
    void shouldAdmitLateMarksIntoRoomAndSendWhatWasAdded() throws Exception {
        var h = harness(2, 1);
        mark(h, "a", "api");
        h.processWatermark(new Watermark(MIN));
        h.getOutput().clear();
        mark(h, "a", "web"); // a's services are full
        assertThat(h.getOutput()).isEmpty();
        mark(h, "b", "api"); // room for a tenant, and b has no service yet
        assertThat(h.getOutput()).hasSize(1);
        TenantDecision delta = (TenantDecision) ((StreamRecord<?>) h.getOutput().poll()).getValue();
        assertThat(delta.tenants.admitted.values()).containsExactly("b");
        assertThat(delta.services.keySet()).containsExactly("b");
        assertThat(delta.services.get("b").admitted.values()).containsExactly("api");
        mark(h, "c", "db"); // no room: the overflow tenant's, whose services have room
        delta = (TenantDecision) ((StreamRecord<?>) h.getOutput().poll()).getValue();
        assertThat(delta.tenants.admitted).isEmpty();
        assertThat(delta.services.get(Overflow.TENANT).admitted.values()).containsExactly("db");
        mark(h, "d", "queue");
        assertThat(h.getOutput()).as("nothing more admitted").isEmpty();
        h.close();
    }

    /**
     * With {@link TenantAdmission#lateServiceSetsBottomK}, a final tenant's services first marked after
     * the minute's end are kept bottom-k until the next watermark and sent then, once, as a delta;
     * later marks are admitted into room.
     */
    @Test
    void shouldKeepLateOpenedServiceSetsBottomKUntilTheNextWatermark() throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(new HorizonKeyedProcessOperator<>(
                new TenantAdmission(2, 2, MIN, LATENESS, "tenantLimiter", "resourceLimiter").lateServiceSetsBottomK()),
                (TenantMark m) -> LimitSubjects.ALL_TENANTS, Types.STRING);
        h.open();
        mark(h, "a", "api");
        h.processWatermark(new Watermark(MIN));
        h.getOutput().clear();
        List<String> late = List.of("b/s-0", "b/s-1", "b/s-2", "b/s-3", "b/s-4");
        for (String s : late) {
            mark(h, "b", s);
        }
        TenantDecision delta = (TenantDecision) ((StreamRecord<?>) h.getOutput().poll()).getValue();
        assertThat(delta.tenants.admitted.values()).as("the tenant into room, at once").containsExactly("b");
        assertThat(delta.services).as("its services wait for the next watermark").isEmpty();
        assertThat(h.getOutput()).isEmpty();
        h.processWatermark(new Watermark(MIN + 1_000));
        delta = (TenantDecision) ((StreamRecord<?>) h.getOutput().poll()).getValue();
        assertThat(delta.services.keySet()).containsExactly("b");
        assertThat(new ArrayList<>(delta.services.get("b").admitted.values())).isEqualTo(smallest(late, 2));
        assertThat(h.getOutput().poll()).isEqualTo(new Watermark(MIN + 1_000));
        mark(h, "b", "b/s-9");
        assertThat(h.getOutput()).as("the set is full: nothing more").isEmpty();
        mark(h, "a", "web");
        delta = (TenantDecision) ((StreamRecord<?>) h.getOutput().poll()).getValue();
        assertThat(delta.services.get("a").admitted.values()).as("a set the minute had: room").containsExactly("web");
        h.processWatermark(new Watermark(MIN + LATENESS));
        assertThat(h.numKeyedStateEntries()).as("no state after the lateness").isZero();
        h.close();
    }

    static KeyedOneInputStreamOperatorTestHarness<String, TenantMark, TenantDecision> harness(StateBackends backend,
            OperatorSubtaskState state) throws Exception {
        var h = backend.apply(new KeyedOneInputStreamOperatorTestHarness<>(new HorizonKeyedProcessOperator<>(
                new TenantAdmission(3, 2, MIN, LATENESS, "tenantLimiter", "resourceLimiter")),
                (TenantMark m) -> LimitSubjects.ALL_TENANTS, Types.STRING));
        if (state != null) {
            h.initializeState(state);
        }
        h.open();
        return h;
    }

    /**
     * The service sets written at a checkpoint (on RocksDB they stay on the heap between checkpoints,
     * {@link ServiceSetCache}) restore: a run restored mid-minute decides what a run without the
     * restore decides.
     */
    @ParameterizedTest
    @EnumSource(StateBackends.class)
    void shouldDecideTheSameAfterARestoreMidMinute(StateBackends backend) throws Exception {
        List<String[]> marks = new ArrayList<>();
        for (int t = 0; t < 6; t++) {
            for (int s = 0; s < 5; s++) {
                marks.add(new String[] {"t-" + t, "t-" + t + "/s-" + s});
            }
        }
        Collections.shuffle(marks, new Random(7));
        var whole = harness(backend, null);
        for (String[] m : marks) {
            mark(whole, m[0], m[1]);
        }
        whole.processWatermark(new Watermark(MIN));
        String expected = ((StreamRecord<?>) whole.getOutput().poll()).getValue().toString();
        whole.close();
        var first = harness(backend, null);
        for (String[] m : marks.subList(0, 17)) {
            mark(first, m[0], m[1]);
        }
        OperatorSubtaskState state = first.snapshot(1, 1);
        first.close();
        var restored = harness(backend, state);
        for (String[] m : marks.subList(17, marks.size())) {
            mark(restored, m[0], m[1]);
        }
        restored.processWatermark(new Watermark(MIN));
        assertThat(((StreamRecord<?>) restored.getOutput().poll()).getValue().toString()).isEqualTo(expected);
        restored.close();
    }
}
