package org.otlpanalytics.operators.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.otlpanalytics.operators.common.CompositeKey;
import org.otlpanalytics.operators.common.StableHash;
import org.otlpanalytics.operators.common.time.SlotWatermarkKeyedProcessOperator;
import org.otlpanalytics.operators.logs.LogRecordFlatSerializer;
import org.otlpanalytics.operators.testing.StateBackends;
import org.otlpanalytics.schemas.logs.LogRecordFlat;

/**
 * The log records' tenant and service limits in one operator: what the two limits in a row give
 * (tenants bottom-k per minute, then services bottom-k per final tenant and minute), whatever the
 * order, with every record emitted once, and the tenant limiter's savepoint state read in place.
 */
class TenantResourceLimiterTest {
    static final long MIN = 60_000L;
    static final long LATENESS = 360_000L;
    static final int MAX_TENANTS = 4;
    static final int MAX_SERVICES = 3;

    static LogRecordFlat record(String tenant, String service, long timeMillis, int id) {
        LogRecordFlat r = LogLimitSubjectsTest.record(tenant, service, timeMillis);
        r.kafkaOffset = id;
        return r;
    }

    static KeyedOneInputStreamOperatorTestHarness<String, LogRecordFlat, LogRecordFlat> harness(StateBackends backend, int tenants,
            int services, OperatorSubtaskState snapshot) throws Exception {
        LimitSubject<LogRecordFlat> t = LogLimitSubjects.tenants();
        var h = backend.apply(new KeyedOneInputStreamOperatorTestHarness<String, LogRecordFlat, LogRecordFlat>(
                new SlotWatermarkKeyedProcessOperator<>(new TenantResourceLimiter<>(t, LogLimitSubjects.resources(),
                        LogRecordFlatSerializer.TYPE, tenants, services, MIN, LATENESS, "tenantLimiter", "resourceLimiter"), MIN),
                t::scope, Types.STRING));
        if (snapshot != null) {
            h.initializeState(snapshot);
        }
        h.open();
        return h;
    }

    static void add(KeyedOneInputStreamOperatorTestHarness<String, LogRecordFlat, LogRecordFlat> h, LogRecordFlat r) throws Exception {
        h.processElement(new StreamRecord<>(copy(r), r.timeMillis()));
    }

    static LogRecordFlat copy(LogRecordFlat r) {
        return record(r.tenant, r.serviceName, r.timeMillis(), (int) r.kafkaOffset);
    }

    /** Each emitted record as "id tenant service", sorted. */
    static List<String> emitted(KeyedOneInputStreamOperatorTestHarness<String, LogRecordFlat, LogRecordFlat> h) {
        List<String> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord) {
                LogRecordFlat r = (LogRecordFlat) ((StreamRecord<?>) o).getValue();
                out.add(r.kafkaOffset + " " + r.tenant + " " + r.serviceUrn);
            }
        }
        out.sort(null);
        return out;
    }

    static List<LogRecordFlat> input(long seed) {
        Random rnd = new Random(seed);
        List<LogRecordFlat> in = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            int tenant = rnd.nextInt(9);
            String t = tenant == 8 ? Overflow.TENANT : "t-" + tenant;
            // tenant t-0 has many services, the others a few
            String service = "s-" + rnd.nextInt(tenant == 0 ? 12 : 5);
            in.add(record(t, service, (i % 3) * MIN + rnd.nextInt(60_000), i));
        }
        return in;
    }

    /** The oracle: tenants, then services per final tenant, the smallest stable hashes per minute kept. */
    static List<String> expected(List<LogRecordFlat> in, int tenants, int services) {
        Map<String, String> tenantOf = keep(in, r -> Long.toString(r.timeMillis() / MIN), r -> r.tenant, tenants, Overflow.TENANT);
        Map<LogRecordFlat, String> finalTenant = new HashMap<>();
        for (LogRecordFlat r : in) {
            finalTenant.put(r, tenantOf.get(r.timeMillis() / MIN + "|" + r.tenant));
        }
        Map<String, String> serviceOf = keep(in, r -> r.timeMillis() / MIN + " " + finalTenant.get(r), r -> r.serviceUrn, services,
                Overflow.SERVICE_URN);
        List<String> out = new ArrayList<>();
        for (LogRecordFlat r : in) {
            String t = finalTenant.get(r);
            out.add(r.kafkaOffset + " " + t + " " + serviceOf.get(r.timeMillis() / MIN + " " + t + "|" + r.serviceUrn));
        }
        out.sort(null);
        return out;
    }

    static Map<String, String> keep(List<LogRecordFlat> in, Function<LogRecordFlat, String> scope,
            Function<LogRecordFlat, String> member, int k, String overflow) {
        Map<String, TreeSet<String>> members = new TreeMap<>();
        for (LogRecordFlat r : in) {
            members.computeIfAbsent(scope.apply(r), s -> new TreeSet<>()).add(member.apply(r));
        }
        Map<String, String> out = new HashMap<>();
        members.forEach((s, ms) -> {
            List<String> sorted = new ArrayList<>(ms);
            sorted.remove(overflow);
            sorted.sort(Comparator.comparingLong(StableHash::of));
            for (String m : ms) {
                boolean kept = m.equals(overflow) || k == 0 || sorted.indexOf(m) < k;
                out.put(s + "|" + m, kept ? m : overflow);
            }
        });
        return out;
    }

    @ParameterizedTest
    @EnumSource(StateBackends.class)
    void shouldGiveWhatTheTenantAndServiceLimitsInARowGiveWhateverTheOrder(StateBackends backend) throws Exception {
        List<LogRecordFlat> in = input(3);
        List<String> expected = expected(in, MAX_TENANTS, MAX_SERVICES);
        assertThat(expected).as("the input reaches both limits").anyMatch(s -> s.contains(" " + Overflow.TENANT + " urn:svc:ns/"))
                .anyMatch(s -> s.contains(" t-0 " + Overflow.SERVICE_URN)).anyMatch(s -> s.contains(Overflow.TENANT + " " + Overflow.SERVICE_URN));
        for (int round = 0; round < 3; round++) {
            List<LogRecordFlat> order = new ArrayList<>(in);
            if (round > 0) {
                Collections.shuffle(order, new Random(round));
            }
            var h = harness(backend, MAX_TENANTS, MAX_SERVICES, null);
            for (LogRecordFlat r : order) {
                add(h, r);
            }
            assertThat(emitted(h)).as("everything waits for its minute's end").isEmpty();
            h.processWatermark(new Watermark(3 * MIN + LATENESS));
            assertThat(emitted(h)).as("order " + round).isEqualTo(expected);
            if (backend == StateBackends.HEAP) {
                assertThat(h.numKeyedStateEntries()).as("no state after the lateness").isZero();
            }
            h.close();
        }
    }

    /**
     * A minute holding more records than {@link TenantResourceLimiter#POINT_READS_MAX} is taken in one
     * pass over the held records: the same records, each tenant's in arrival order, and the next
     * minute's records stay held until their own end.
     */
    @Test
    void aPassRecognisesTheKeysHoldWritesAndNothingElse() {
        String k = TenantResourceLimiter.heldKey(120_000, "acme:1");
        assertThat(TenantResourceLimiter.HeldKey.parse(CompositeKey.of(k, "12"))).isEqualTo(new TenantResourceLimiter.HeldKey(k, 12));
        assertThat(TenantResourceLimiter.HeldKey.parse(CompositeKey.of(k, "012"))).isNull();
        assertThat(TenantResourceLimiter.HeldKey.parse(CompositeKey.of(k, "x"))).isNull();
        assertThat(TenantResourceLimiter.HeldKey.parse(k)).isNull();
    }

    @ParameterizedTest
    @EnumSource(StateBackends.class)
    void shouldTakeABigMinuteInOnePassInArrivalOrderAndKeepTheNextMinuteHeld(StateBackends backend) throws Exception {
        Random rnd = new Random(7);
        List<LogRecordFlat> in = new ArrayList<>();
        for (int i = 0; i < 3 * TenantResourceLimiter.POINT_READS_MAX; i++) {
            int tenant = rnd.nextInt(6);
            long minute = i % 5 == 0 ? MIN : 0;
            in.add(record("t-" + tenant, "s-" + rnd.nextInt(tenant == 0 ? 9 : 3), minute + rnd.nextInt(60_000), i));
        }
        var h = harness(backend, MAX_TENANTS, MAX_SERVICES, null);
        for (LogRecordFlat r : in) {
            add(h, r);
        }
        h.processWatermark(new Watermark(MIN));
        List<LogRecordFlat> first = in.stream().filter(r -> r.timeMillis() < MIN).toList();
        assertThat(first.size()).as("the first minute is read in one pass").isGreaterThan(TenantResourceLimiter.POINT_READS_MAX);
        assertThat(emitted(h)).isEqualTo(expected(first, MAX_TENANTS, MAX_SERVICES));
        Map<String, List<Long>> idsByTenant = new TreeMap<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord) {
                LogRecordFlat r = (LogRecordFlat) ((StreamRecord<?>) o).getValue();
                idsByTenant.computeIfAbsent(r.tenant, t -> new ArrayList<>()).add(r.kafkaOffset);
            }
        }
        // a kept tenant's records in the order they came (the overflow tenant's: as evictions moved them)
        idsByTenant.remove(Overflow.TENANT);
        assertThat(idsByTenant).hasSize(MAX_TENANTS);
        idsByTenant.forEach((t, ids) -> assertThat(ids).as("tenant " + t + " in arrival order").isSorted());
        h.getOutput().clear();
        h.processWatermark(new Watermark(2 * MIN + LATENESS));
        List<LogRecordFlat> second = in.stream().filter(r -> r.timeMillis() >= MIN).toList();
        assertThat(emitted(h)).isEqualTo(expected(second, MAX_TENANTS, MAX_SERVICES));
        if (backend == StateBackends.HEAP) {
            assertThat(h.numKeyedStateEntries()).as("no state after the lateness").isZero();
        }
        h.close();
    }

    @Test
    void shouldEmitAMinuteBeforeTheWatermarkAtItsEnd() throws Exception {
        var h = harness(StateBackends.HEAP, MAX_TENANTS, MAX_SERVICES, null);
        add(h, record("a", "api", 1_000, 1));
        add(h, record("a", "api", MIN + 1_000, 2));
        h.processWatermark(new Watermark(MIN + 30_000));
        List<Object> out = new ArrayList<>(h.getOutput());
        assertThat(out).hasSize(2);
        assertThat(((StreamRecord<?>) out.get(0)).getValue()).extracting(r -> ((LogRecordFlat) r).kafkaOffset).isEqualTo(1L);
        assertThat(out.get(1)).isEqualTo(new Watermark(MIN - 1));
    }

    /** After its minute was emitted a record passes at once, admitted while there is room; after the lateness it folds. */
    @Test
    void shouldPassLateRecordsAtOnceAndFoldThemAfterTheLateness() throws Exception {
        var h = harness(StateBackends.HEAP, 1, 1, null);
        add(h, record("a", "api", 1_000, 1));
        h.processWatermark(new Watermark(MIN));
        h.getOutput().clear();
        add(h, record("a", "api", 2_000, 2));
        add(h, record("a", "web", 3_000, 3));
        add(h, record("b", "api", 4_000, 4));
        add(h, record("b", "web", 5_000, 5));
        assertThat(emitted(h)).containsExactly("2 a urn:svc:ns/api", "3 a " + Overflow.SERVICE_URN,
                "4 " + Overflow.TENANT + " urn:svc:ns/api", "5 " + Overflow.TENANT + " " + Overflow.SERVICE_URN);
        h.getOutput().clear();
        h.processWatermark(new Watermark(MIN + LATENESS));
        add(h, record("a", "api", 6_000, 6));
        assertThat(emitted(h)).containsExactly("6 " + Overflow.TENANT + " " + Overflow.SERVICE_URN);
    }

    @Test
    void shouldPassEverythingAtOnceWithoutLimits() throws Exception {
        var h = harness(StateBackends.HEAP, 0, 0, null);
        add(h, record("a", "api", 1_000, 1));
        assertThat(emitted(h)).containsExactly("1 a urn:svc:ns/api");
        var services = harness(StateBackends.HEAP, 0, 1, null);
        for (LogRecordFlat r : input(4)) {
            add(services, r);
        }
        services.processWatermark(new Watermark(3 * MIN + LATENESS));
        assertThat(emitted(services)).isEqualTo(expected(input(4), 0, 1));
    }

    /** A savepoint of the tenant limiter alone (records held mid-minute) restores here: its held records are emitted, limited. */
    @ParameterizedTest
    @EnumSource(StateBackends.class)
    void shouldReadTheHeldRecordsOfTheTenantLimitersSavepoint(StateBackends backend) throws Exception {
        List<LogRecordFlat> in = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            in.add(record("t-" + i % 3, "s-" + i % 7, 1_000 + i * 1_000, i));
        }
        LimitSubject<LogRecordFlat> t = LogLimitSubjects.tenants();
        var old = backend.apply(new KeyedOneInputStreamOperatorTestHarness<String, LogRecordFlat, LogRecordFlat>(
                new SlotWatermarkKeyedProcessOperator<>(new CardinalityLimiter<>(t, LogRecordFlatSerializer.TYPE, MAX_TENANTS, MIN,
                        LATENESS, "tenantLimiter", CardinalityLimiter.Held.RECORDS), MIN), t::scope, Types.STRING));
        old.open();
        for (int i = 0; i < 20; i++) {
            add(old, in.get(i));
        }
        assertThat(emitted(old)).isEmpty();
        var snapshot = old.snapshot(1, 1);
        old.close();
        var restored = harness(backend, MAX_TENANTS, MAX_SERVICES, snapshot);
        for (int i = 20; i < in.size(); i++) {
            add(restored, in.get(i));
        }
        restored.processWatermark(new Watermark(MIN + LATENESS));
        assertThat(emitted(restored)).isEqualTo(expected(in, MAX_TENANTS, MAX_SERVICES));
        restored.close();
    }
}
