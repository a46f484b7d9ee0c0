package org.otlpanalytics.operators.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.otlpanalytics.operators.common.time.HorizonKeyedProcessOperator;
import org.otlpanalytics.operators.metrics.MetricBatch;
import org.otlpanalytics.operators.metrics.MetricBatchSerializer;
import org.otlpanalytics.operators.limits.TenantLimitPath.Wiring;
import org.otlpanalytics.operators.testing.StateBackends;
import org.otlpanalytics.schemas.metrics.MetricPoint;

/**
 * The metrics' tenant and resource limits decided on marks ({@link TenantMarker} to
 * {@link TenantAdmission}) and applied to one-minute batches held keyed by resource
 * ({@link TenantRecordLimiter} with {@link TenantRecordLimiter#passLateUnfolded}): the batches the
 * former layout gives, the tenant {@link CardinalityLimiter} (one scope) and then the resource one
 * (per tenant) in a row, on the same input: on one and two subtasks, whatever the order, late
 * batches included, across a restore mid-minute rescaled from 1 to 2.
 */
class MetricTenantRecordLimiterTest {
    static final long MIN = 60_000L;
    static final long LATENESS = 120_000L;
    static final int MAX_TENANTS = 3;
    static final int MAX_RESOURCES = 4;
    static final int MAX_PARALLELISM = 128;
    static final MetricBatchSerializer SERIALIZER = new MetricBatchSerializer();

    /** A one-point batch; the point's value is its id. */
    static MetricBatch batch(String tenant, String service, long timeMillis, int id) {
        MetricPoint p = MetricLimitSubjectsTest.point(tenant, service, "requests", timeMillis);
        p.value = id;
        return MetricBatch.of(List.of(p));
    }

    static MetricBatch copy(MetricBatch b) {
        return SERIALIZER.copy(b);
    }

    static long time(MetricBatch b) {
        return b.points.get(0).timeMillis();
    }

    /** {@code n} batches over three minutes: 7 tenants (one of them {@code overflow}), 8 services (one the overflow service). */
    static List<MetricBatch> input(int seed, int n) {
        Random r = new Random(seed);
        List<MetricBatch> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String tenant = r.nextInt(10) == 0 ? Overflow.TENANT : "t" + r.nextInt(6);
            String service = r.nextInt(12) == 0 ? Overflow.NAME : "s" + r.nextInt(7);
            MetricBatch b = batch(tenant, service, r.nextInt(3) * MIN + r.nextInt((int) MIN), i);
            if (Overflow.NAME.equals(service)) {
                b.moveTo(tenant, Overflow.SERVICE_URN, Overflow.SERVICE_URN, Overflow.NAME, Overflow.NAMESPACE);
            }
            out.add(b);
        }
        return out;
    }

    static String describe(MetricBatch b) {
        return (long) b.points.get(0).value + " " + b.tenant + " " + b.resourceUrn + " " + b.points.get(0).tenant + " "
                + b.points.get(0).serviceUrn;
    }

    /** The former layout: the tenant limiter, then the resource limiter fed its output, records and watermarks. */
    static final class Chain implements AutoCloseable {
        final KeyedOneInputStreamOperatorTestHarness<String, MetricBatch, MetricBatch> tenants;
        final KeyedOneInputStreamOperatorTestHarness<String, MetricBatch, MetricBatch> resources;
        final List<String> emitted = new ArrayList<>();

        Chain(StateBackends backend, int maxTenants, int maxResources) throws Exception {
            this(backend, maxTenants, maxResources, false, null, null);
        }

        /** With {@code drain}, the tenant limiter is the {@link RestoredLimiterDrain} the job keeps on its uid. */
        Chain(StateBackends backend, int maxTenants, int maxResources, boolean drain, OperatorSubtaskState tenantState,
                OperatorSubtaskState resourceState) throws Exception {
            LimitSubject<MetricBatch> t = MetricLimitSubjects.tenants();
            tenants = harness(backend, t, drain
                    ? new RestoredLimiterDrain<>(t, MetricBatchSerializer.TYPE, maxTenants, MIN, LATENESS, "limiter",
                            CardinalityLimiter.Held.RECORDS).passLateUnfolded()
                    : limiter(t, maxTenants), tenantState);
            resources = harness(backend, MetricLimitSubjects.resources(), limiter(MetricLimitSubjects.resources(), maxResources),
                    resourceState);
        }

        private static CardinalityLimiter<MetricBatch> limiter(LimitSubject<MetricBatch> subject, int limit) {
            return new CardinalityLimiter<>(subject, MetricBatchSerializer.TYPE, limit, MIN, LATENESS, "limiter",
                    CardinalityLimiter.Held.RECORDS).passLateUnfolded();
        }

        private static KeyedOneInputStreamOperatorTestHarness<String, MetricBatch, MetricBatch> harness(StateBackends backend,
                LimitSubject<MetricBatch> subject, CardinalityLimiter<MetricBatch> limiter, OperatorSubtaskState state)
                throws Exception {
            var h = backend.apply(new KeyedOneInputStreamOperatorTestHarness<>(new HorizonKeyedProcessOperator<>(limiter),
                    subject::scope, Types.STRING));
            if (state != null) {
                h.initializeState(state);
            }
            h.open();
            return h;
        }

        void add(MetricBatch b) throws Exception {
            tenants.processElement(new StreamRecord<>(copy(b), time(b)));
            forward();
        }

        void watermark(long w) throws Exception {
            tenants.processWatermark(new Watermark(w));
            forward();
        }

        private void forward() throws Exception {
            for (Object o : new ArrayList<>(tenants.getOutput())) {
                if (o instanceof StreamRecord<?> r) {
                    resources.processElement(new StreamRecord<>((MetricBatch) r.getValue(), r.getTimestamp()));
                } else if (o instanceof Watermark w) {
                    resources.processWatermark(w);
                }
            }
            tenants.getOutput().clear();
            for (Object o : resources.getOutput()) {
                if (o instanceof StreamRecord<?> r) {
                    emitted.add(describe((MetricBatch) r.getValue()));
                }
            }
            resources.getOutput().clear();
        }

        List<String> emitted() {
            List<String> out = new ArrayList<>(emitted);
            out.sort(null);
            return out;
        }

        @Override
        public void close() throws Exception {
            tenants.close();
            resources.close();
        }
    }

    /** The new layout as {@code Limiters.metrics} wires it, the limiter on {@code parallelism} subtasks keyed by resource. */
    static final class Path extends TenantLimitPath<MetricBatch> {
        static final Wiring<MetricBatch> METRICS = new MetricsWiring();

        Path(StateBackends backend, int maxTenants, int maxResources, int parallelism, OperatorSubtaskState admissionState,
                OperatorSubtaskState limiterState, int limiterStateParallelism) throws Exception {
            super(METRICS, backend, maxTenants, maxResources, parallelism, admissionState, limiterState, limiterStateParallelism);
        }
    }

    @ParameterizedTest
    @EnumSource(StateBackends.class)
    void shouldGiveWhatTheTwoLimitersInARowGiveOnOneAndTwoSubtasksWhateverTheOrder(StateBackends backend) throws Exception {
        List<MetricBatch> in = input(3, 400);
        for (int parallelism = 1; parallelism <= 2; parallelism++) {
            for (int round = 0; round < 3; round++) {
                List<MetricBatch> order = new ArrayList<>(in);
                if (round > 0) {
                    Collections.shuffle(order, new Random(round));
                }
                List<String> expected;
                try (Chain old = new Chain(backend, MAX_TENANTS, MAX_RESOURCES)) {
                    for (MetricBatch b : order) {
                        old.add(b);
                    }
                    old.watermark(3 * MIN + LATENESS);
                    expected = old.emitted();
                }
                try (Path p = new Path(backend, MAX_TENANTS, MAX_RESOURCES, parallelism, null, null, 0)) {
                    for (MetricBatch b : order) {
                        p.add(b, round != 2);
                    }
                    assertThat(p.emitted()).as("everything waits for its minute's end").isEmpty();
                    p.watermark(3 * MIN + LATENESS);
                    assertThat(p.emitted()).as("parallelism %d, order %d", parallelism, round).hasSize(in.size()).isEqualTo(expected);
                    assertThat(expected).as("the input reaches both limits")
                            .anyMatch(s -> s.contains(" " + Overflow.TENANT + " urn:svc:ns/s"))
                            .anyMatch(s -> s.contains(" " + Overflow.SERVICE_URN + " "));
                    if (backend == StateBackends.HEAP) {
                        assertThat(p.keyedStateEntries()).as("no state after the lateness").isZero();
                    }
                }
            }
        }
    }

    /**
     * After its minute's end a batch passes as the two limiters pass it: admitted into room, folded
     * when the set is full, and a tenant's services first seen after the minute's end decided bottom-k
     * at the next watermark ({@link TenantAdmission#lateServiceSetsBottomK}); after the lateness it
     * passes unfolded (the aggregator dead-letters it).
     */
    @ParameterizedTest
    @EnumSource(StateBackends.class)
    void shouldDecideLateBatchesAsTheTwoLimitersAndPassThemUnfoldedAfterTheLateness(StateBackends backend) throws Exception {
        List<MetricBatch> late = List.of(batch("a", "api", 2_000, 2), batch("a", "web", 3_000, 3), batch("b", "api", 4_000, 4),
                batch("b", "web", 5_000, 5), batch("c", "db", 6_000, 6));
        for (int tenants = 1; tenants <= 3; tenants += 2) {
            List<String> expected;
            try (Chain old = new Chain(backend, tenants, 1)) {
                old.add(batch("a", "api", 1_000, 1));
                old.watermark(MIN);
                for (MetricBatch b : late) {
                    old.add(b);
                }
                old.watermark(MIN + LATENESS);
                old.add(batch("z", "zz", 7_000, 7));
                old.watermark(2 * MIN + LATENESS);
                expected = old.emitted();
            }
            assertThat(expected).as("a batch after the lateness passes unfolded").contains("7 z urn:svc:ns/zz z urn:svc:ns/zz");
            for (boolean marksFirst : new boolean[] {true, false}) {
                try (Path p = new Path(backend, tenants, 1, 2, null, null, 0)) {
                    p.add(batch("a", "api", 1_000, 1), true);
                    p.watermark(MIN);
                    assertThat(p.emitted()).hasSize(1);
                    for (MetricBatch b : late) {
                        p.add(b, marksFirst);
                    }
                    assertThat(p.emitted()).as("a batch into a set its minute had passes at once")
                            .contains("2 a urn:svc:ns/api a urn:svc:ns/api", "3 a urn:svc:overflow/other a urn:svc:overflow/other");
                    p.watermark(MIN + LATENESS);
                    p.add(batch("z", "zz", 7_000, 7), marksFirst);
                    p.watermark(2 * MIN + LATENESS);
                    assertThat(p.emitted()).as("%d tenants, marks first %s", tenants, marksFirst).isEqualTo(expected);
                }
            }
        }
    }

    /** {@code Limiters.metrics}' limit without the combining of released batches. */
    static class MetricsWiring implements Wiring<MetricBatch> {
        private static final long serialVersionUID = 1L;

        @Override
        public TenantMarker<MetricBatch> marker(int services) {
            return new TenantMarker<>(MetricLimitSubjects.tenants(), MetricLimitSubjects.resources(), services, MIN, LATENESS);
        }

        @Override
        public TenantAdmission admission(int tenants, int services) {
            return new TenantAdmission(tenants, services, MIN, LATENESS, "tenantLimiter", "resourceLimiter")
                    .lateServiceSetsBottomK();
        }

        @Override
        public TenantRecordLimiter<MetricBatch> limiter(int tenants, int services) {
            return new TenantRecordLimiter<>(MetricLimitSubjects.tenants(), MetricLimitSubjects.resources(), MetricBatchSerializer.TYPE,
                    tenants, services, MIN, LATENESS, "tenantLimiter", "resourceLimiter").passLateUnfolded();
        }

        @Override
        public String key(MetricBatch b) {
            return b.resourceKey();
        }

        @Override
        public MetricBatch copy(MetricBatch b) {
            return MetricTenantRecordLimiterTest.copy(b);
        }

        @Override
        public long time(MetricBatch b) {
            return MetricTenantRecordLimiterTest.time(b);
        }

        @Override
        public String describe(MetricBatch b) {
            return MetricTenantRecordLimiterTest.describe(b);
        }
    }

    /** As {@link Path#METRICS}, with a key's batches released together combined ({@code Limiters.metrics}' wiring). */
    static final Wiring<MetricBatch> COMBINING = new MetricsWiring() {
        private static final long serialVersionUID = 1L;

        @Override
        public TenantRecordLimiter<MetricBatch> limiter(int tenants, int services) {
            return super.limiter(tenants, services).combiningReleased(MetricBatch::combine);
        }

        /** Every point of the batch, as {@link #describe} of a one-point batch, joined by '|'. */
        @Override
        public String describe(MetricBatch b) {
            List<String> d = new ArrayList<>();
            for (MetricPoint p : b.points) {
                d.add((long) p.value + " " + b.tenant + " " + b.resourceUrn + " " + p.tenant + " " + p.serviceUrn);
            }
            return String.join("|", d);
        }
    };

    /** Each point's description in what a path emitted, sorted. */
    static List<String> points(List<String> emitted) {
        List<String> out = new ArrayList<>();
        for (String e : emitted) {
            out.addAll(List.of(e.split("\\|")));
        }
        out.sort(null);
        return out;
    }

    /**
     * Batches of a resource and minute released together go on as one batch (fewer records to the
     * aggregator), with the same points decided the same way: the tenant and resource of every point
     * as without combining, on one and two subtasks, with late batches after the minute's end.
     */
    @ParameterizedTest
    @EnumSource(StateBackends.class)
    void shouldReleaseAResourcesBatchesOfAMinuteAsOneDecidedAsEachAlone(StateBackends backend) throws Exception {
        List<MetricBatch> in = input(11, 400);
        for (int parallelism = 1; parallelism <= 2; parallelism++) {
            List<String> expected;
            try (Path p = new Path(backend, MAX_TENANTS, MAX_RESOURCES, parallelism, null, null, 0)) {
                for (MetricBatch b : in) {
                    p.add(b, true);
                }
                p.watermark(MIN + 5_000);
                for (int i = 0; i < 40; i++) {
                    p.add(batch("t" + i % 5, "s" + i % 3, 30_000 + i, 1000 + i), true); // late, within the lateness
                }
                p.watermark(3 * MIN + LATENESS);
                expected = p.emitted();
            }
            try (TenantLimitPath<MetricBatch> c = new TenantLimitPath<>(COMBINING, backend, MAX_TENANTS, MAX_RESOURCES,
                    parallelism, null, null, 0)) {
                for (MetricBatch b : in) {
                    c.add(b, true);
                }
                c.watermark(MIN + 5_000);
                for (int i = 0; i < 40; i++) {
                    c.add(batch("t" + i % 5, "s" + i % 3, 30_000 + i, 1000 + i), true);
                }
                c.watermark(3 * MIN + LATENESS);
                assertThat(points(c.emitted())).as("parallelism %d", parallelism).hasSize(in.size() + 40).isEqualTo(expected);
                assertThat(c.emitted()).as("batches combined").hasSizeLessThan(in.size() / 2);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(StateBackends.class)
    void shouldGiveTheSameAfterARestoreMidMinuteRescaledFromOneToTwo(StateBackends backend) throws Exception {
        List<MetricBatch> in = input(5, 400);
        int cut = 250;
        List<String> emitted = new ArrayList<>();
        OperatorSubtaskState admission;
        OperatorSubtaskState limiter;
        try (Path p = new Path(backend, MAX_TENANTS, MAX_RESOURCES, 1, null, null, 0)) {
            for (int i = 0; i < cut; i++) {
                p.add(in.get(i), true);
            }
            // the first minute's end on the way: the second and third are held
            p.watermark(MIN + 10_000);
            admission = p.admission.snapshot(1, 1);
            limiter = p.limiters.get(0).snapshot(1, 1);
            emitted.addAll(p.emitted);
        }
        try (Path p = new Path(backend, MAX_TENANTS, MAX_RESOURCES, 2, admission, limiter, 1)) {
            for (int i = cut; i < in.size(); i++) {
                p.add(in.get(i), true);
            }
            p.watermark(3 * MIN + LATENESS);
            emitted.addAll(p.emitted);
        }
        // batches of the first minute after its end are late: the oracle is the two limiters on the same sequence
        try (Chain old = new Chain(backend, MAX_TENANTS, MAX_RESOURCES)) {
            for (int i = 0; i < cut; i++) {
                old.add(in.get(i));
            }
            old.watermark(MIN + 10_000);
            for (int i = cut; i < in.size(); i++) {
                old.add(in.get(i));
            }
            old.watermark(3 * MIN + LATENESS);
            emitted.sort(null);
            assertThat(emitted).hasSize(in.size()).isEqualTo(old.emitted());
        }
    }

    /**
     * A savepoint of the former layout taken mid-minute restores into the drains on its uids, fed
     * only watermarks: what the two limiters held comes out at the minutes' ends, decided as they
     * would have decided it.
     */
    @ParameterizedTest
    @EnumSource(StateBackends.class)
    void shouldDrainWhatASavepointOfTheTwoLimitersHeldAsTheyWouldHaveEmittedIt(StateBackends backend) throws Exception {
        List<MetricBatch> in = input(7, 300);
        OperatorSubtaskState tenantState;
        OperatorSubtaskState resourceState;
        List<String> before;
        List<String> expected;
        try (Chain old = new Chain(backend, MAX_TENANTS, MAX_RESOURCES)) {
            for (MetricBatch b : in) {
                old.add(b);
            }
            before = old.emitted();
            tenantState = old.tenants.snapshot(1, 1);
            resourceState = old.resources.snapshot(1, 1);
            old.watermark(3 * MIN + LATENESS);
            expected = old.emitted();
        }
        assertThat(before).as("folded batches passed at once, the rest held").isNotEmpty().hasSizeLessThan(in.size());
        try (Chain drains = new Chain(backend, MAX_TENANTS, MAX_RESOURCES, true, tenantState, resourceState)) {
            drains.watermark(3 * MIN + LATENESS);
            List<String> all = new ArrayList<>(before);
            all.addAll(drains.emitted());
            all.sort(null);
            assertThat(all).hasSize(in.size()).isEqualTo(expected);
            if (backend == StateBackends.HEAP) {
                assertThat(drains.tenants.numKeyedStateEntries() + drains.resources.numKeyedStateEntries())
                        .as("no state after the lateness").isZero();
            }
        }
    }
}
