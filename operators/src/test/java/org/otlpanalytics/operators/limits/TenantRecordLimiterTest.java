package org.otlpanalytics.operators.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.otlpanalytics.operators.limits.TenantResourceLimiterTest.LATENESS;
import static org.otlpanalytics.operators.limits.TenantResourceLimiterTest.MAX_SERVICES;
import static org.otlpanalytics.operators.limits.TenantResourceLimiterTest.MAX_TENANTS;
import static org.otlpanalytics.operators.limits.TenantResourceLimiterTest.MIN;
import static org.otlpanalytics.operators.limits.TenantResourceLimiterTest.copy;
import static org.otlpanalytics.operators.limits.TenantResourceLimiterTest.expected;
import static org.otlpanalytics.operators.limits.TenantResourceLimiterTest.input;
import static org.otlpanalytics.operators.limits.TenantResourceLimiterTest.record;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.otlpanalytics.operators.common.time.HorizonKeyedProcessOperator;
import org.otlpanalytics.operators.logs.LogRecordFlatSerializer;
import org.otlpanalytics.operators.testing.StateBackends;
import org.otlpanalytics.schemas.logs.LogRecordFlat;

/**
 * The log records' limits decided on marks ({@link TenantMarker} to {@link TenantAdmission}) and
 * applied where the records are held ({@link TenantRecordLimiter}): the records
 * {@link TenantResourceLimiter} gives on one subtask, on one and on two subtasks, whatever the order,
 * across a restore and a rescale from 1 to 2, late records included (the old limiter on the same
 * input is the oracle there).
 */
class TenantRecordLimiterTest {
    static final int MAX_PARALLELISM = 128;

    /** The three operators wired as the job wires them for log records, the limiter on {@code parallelism} subtasks. */
    static final class Path extends TenantLimitPath<LogRecordFlat> {
        static final Wiring<LogRecordFlat> LOGS = new LogsWiring();

        Path(StateBackends backend, int tenants, int services, int parallelism, OperatorSubtaskState admissionState,
                OperatorSubtaskState limiterState, int limiterStateParallelism) throws Exception {
            super(LOGS, backend, tenants, services, parallelism, admissionState, limiterState, limiterStateParallelism);
        }

        static TenantRecordLimiter<LogRecordFlat> limiter(int tenants, int services) {
            return new TenantRecordLimiter<>(LogLimitSubjects.tenants(), LogLimitSubjects.resources(), LogRecordFlatSerializer.TYPE,
                    tenants, services, MIN, LATENESS, "tenantLimiter", "resourceLimiter");
        }

        static String key(LogRecordFlat r) {
            return TenantRecordLimiter.key(LogLimitSubjects.tenants(), LogLimitSubjects.resources(), r);
        }

        /** As {@link #add(Object, boolean)}; {@code formerLayout}: held as a build before the batches held it. */
        void add(LogRecordFlat r, boolean marksFirst, boolean formerLayout) throws Exception {
            add(r, marksFirst, formerLayout
                    ? (op, held) -> op.holdInFormerLayout(LogLimitSubjects.tenants().slotStartMillis(held), held) : null);
        }
    }

    /** The log records' limits as {@code Limiters.logRecords} wires them. */
    static class LogsWiring implements TenantLimitPath.Wiring<LogRecordFlat> {
        private static final long serialVersionUID = 1L;

        @Override
        public TenantMarker<LogRecordFlat> marker(int services) {
            return new TenantMarker<>(LogLimitSubjects.tenants(), LogLimitSubjects.resources(), services, MIN, LATENESS);
        }

        @Override
        public TenantAdmission admission(int tenants, int services) {
            return new TenantAdmission(tenants, services, MIN, LATENESS, "tenantLimiter", "resourceLimiter");
        }

        @Override
        public TenantRecordLimiter<LogRecordFlat> limiter(int tenants, int services) {
            return Path.limiter(tenants, services);
        }

        @Override
        public String key(LogRecordFlat r) {
            return Path.key(r);
        }

        @Override
        public LogRecordFlat copy(LogRecordFlat r) {
            return TenantResourceLimiterTest.copy(r);
        }

        @Override
        public long time(LogRecordFlat r) {
            return r.timeMillis();
        }

        @Override
        public String describe(LogRecordFlat r) {
            return r.kafkaOffset + " " + r.tenant + " " + r.serviceUrn;
        }
    }

    @ParameterizedTest
    @EnumSource(StateBackends.class)
    void shouldGiveWhatTheOneSubtaskLimiterGivesOnOneAndTwoSubtasksWhateverTheOrder(StateBackends backend) throws Exception {
        List<LogRecordFlat> in = input(3);
        List<String> expected = expected(in, MAX_TENANTS, MAX_SERVICES);
        for (int parallelism = 1; parallelism <= 2; parallelism++) {
            for (int round = 0; round < 3; round++) {
                List<LogRecordFlat> order = new ArrayList<>(in);
                if (round > 0) {
                    Collections.shuffle(order, new Random(round));
                }
                try (Path p = new Path(backend, MAX_TENANTS, MAX_SERVICES, parallelism, null, null, 0)) {
                    for (LogRecordFlat r : order) {
                        p.add(r, round != 2);
                    }
                    assertThat(p.emitted()).as("everything waits for its minute's end").isEmpty();
                    p.watermark(3 * MIN + LATENESS);
                    assertThat(p.emitted()).as("parallelism %d, order %d", parallelism, round).isEqualTo(expected);
                    if (backend == StateBackends.HEAP) {
                        assertThat(p.keyedStateEntries()).as("no state after the lateness").isZero();
                    }
                    for (var h : p.limiters) {
                        assertThat(h.getOperator().getOperatorStateBackend().getBroadcastState(TenantRecordLimiter.DECISIONS_STATE)
                                .entries()).as("no decision after the lateness").isEmpty();
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(StateBackends.class)
    void shouldGiveTheSameAfterARestoreMidMinuteRescaledFromOneToTwo(StateBackends backend) throws Exception {
        List<LogRecordFlat> in = input(5);
        List<String> emitted = new ArrayList<>();
        OperatorSubtaskState admission;
        OperatorSubtaskState limiter;
        try (Path p = new Path(backend, MAX_TENANTS, MAX_SERVICES, 1, null, null, 0)) {
            for (int i = 0; i < 300; i++) {
                p.add(in.get(i), true);
            }
            // the first minute's end on the way: the second and third are held
            p.watermark(MIN + 10_000);
            admission = p.admission.snapshot(1, 1);
            limiter = p.limiters.get(0).snapshot(1, 1);
            emitted.addAll(p.emitted);
        }
        try (Path p = new Path(backend, MAX_TENANTS, MAX_SERVICES, 2, admission, limiter, 1)) {
            for (int i = 300; i < in.size(); i++) {
                p.add(in.get(i), true);
            }
            p.watermark(3 * MIN + LATENESS);
            emitted.addAll(p.emitted);
        }
        // records of the first minute after its end are late: the oracle is the one-subtask limiter on the same sequence
        var old = TenantResourceLimiterTest.harness(backend, MAX_TENANTS, MAX_SERVICES, null);
        for (int i = 0; i < 300; i++) {
            TenantResourceLimiterTest.add(old, in.get(i));
        }
        old.processWatermark(new Watermark(MIN + 10_000));
        for (int i = 300; i < in.size(); i++) {
            TenantResourceLimiterTest.add(old, in.get(i));
        }
        old.processWatermark(new Watermark(3 * MIN + LATENESS));
        emitted.sort(null);
        assertThat(emitted).hasSize(in.size()).isEqualTo(TenantResourceLimiterTest.emitted(old));
        old.close();
    }

    /**
     * A savepoint of the former layout (one state entry per held record) restores: its records come
     * out at their minute's end with those held since, rescaled from 1 to 2 subtasks, as the
     * one-subtask limiter decides them.
     */
    @ParameterizedTest
    @EnumSource(StateBackends.class)
    void shouldReleaseRecordsHeldInTheFormerLayoutAfterARestoreRescaledFromOneToTwo(StateBackends backend) throws Exception {
        List<LogRecordFlat> in = input(6);
        java.util.Set<String> windowed = new java.util.HashSet<>();
        OperatorSubtaskState admission;
        OperatorSubtaskState limiter;
        List<String> emitted = new ArrayList<>();
        try (Path p = new Path(backend, MAX_TENANTS, MAX_SERVICES, 1, null, null, 0)) {
            for (int i = 0; i < 400; i++) {
                LogRecordFlat r = in.get(i);
                // a key's first record of a minute opens its window; every other one of the first 400 in the former layout
                boolean first = windowed.add(Path.key(r) + " " + LogLimitSubjects.tenants().slotStartMillis(r));
                p.add(r, true, !first && i % 2 == 0);
            }
            admission = p.admission.snapshot(1, 1);
            limiter = p.limiters.get(0).snapshot(1, 1);
            emitted.addAll(p.emitted);
        }
        assertThat(emitted).as("nothing released before the restore").isEmpty();
        try (Path p = new Path(backend, MAX_TENANTS, MAX_SERVICES, 2, admission, limiter, 1)) {
            for (int i = 400; i < in.size(); i++) {
                p.add(in.get(i), true);
            }
            p.watermark(3 * MIN + LATENESS);
            emitted.addAll(p.emitted);
            if (backend == StateBackends.HEAP) {
                assertThat(p.keyedStateEntries()).as("no state after the lateness").isZero();
            }
        }
        emitted.sort(null);
        assertThat(emitted).hasSize(in.size()).isEqualTo(expected(in, MAX_TENANTS, MAX_SERVICES));
    }

    /**
     * After its minute's end a record passes at once when the decision tells, and when there is room
     * it waits for the admission's answer (which may come before or after it): as the one-subtask
     * limiter decides late records. After the lateness it folds.
     */
    @ParameterizedTest
    @EnumSource(StateBackends.class)
    void shouldDecideLateRecordsAsTheOneSubtaskLimiter(StateBackends backend) throws Exception {
        List<LogRecordFlat> late = List.of(record("a", "api", 2_000, 2), record("a", "web", 3_000, 3), record("b", "api", 4_000, 4),
                record("b", "web", 5_000, 5), record("c", "db", 6_000, 6));
        for (int tenants = 1; tenants <= 3; tenants += 2) {
            var old = TenantResourceLimiterTest.harness(backend, tenants, 1, null);
            TenantResourceLimiterTest.add(old, record("a", "api", 1_000, 1));
            old.processWatermark(new Watermark(MIN));
            for (LogRecordFlat r : late) {
                TenantResourceLimiterTest.add(old, r);
            }
            old.processWatermark(new Watermark(MIN + LATENESS));
            TenantResourceLimiterTest.add(old, record("a", "api", 7_000, 7));
            List<String> expected = TenantResourceLimiterTest.emitted(old);
            old.close();
            for (boolean marksFirst : new boolean[] {true, false}) {
                try (Path p = new Path(backend, tenants, 1, 2, null, null, 0)) {
                    p.add(record("a", "api", 1_000, 1), true);
                    p.watermark(MIN);
                    assertThat(p.emitted()).containsExactly("1 a urn:svc:ns/api");
                    for (LogRecordFlat r : late) {
                        p.add(r, marksFirst);
                    }
                    assertThat(p.emitted()).as("late records pass before the next watermark").hasSize(1 + late.size());
                    p.watermark(MIN + LATENESS);
                    p.add(record("a", "api", 7_000, 7), marksFirst);
                    assertThat(p.emitted()).as("%d tenants, marks first %s", tenants, marksFirst).isEqualTo(expected);
                }
            }
        }
    }

    /** A minute whose marks reached the admission only after its end: its records wait for the decision. */
    @Test
    void shouldHoldAMinuteUntilItsDecisionComes() throws Exception {
        try (Path p = new Path(StateBackends.HEAP, MAX_TENANTS, MAX_SERVICES, 2, null, null, 0)) {
            LogRecordFlat r = record("a", "api", 1_000, 1);
            p.marker.processElement(new StreamRecord<>(copy(r), r.timeMillis()));
            List<TenantMark> marks = new ArrayList<>();
            p.marker.getSideOutput(TenantMarker.MARKS).forEach(m -> marks.add(m.getValue()));
            int subtask = KeyGroupRangeAssignment.assignKeyToParallelOperator(Path.key(r), MAX_PARALLELISM, 2);
            p.limiters.get(subtask).processElement1(new StreamRecord<>(copy(r), r.timeMillis()));
            // the limiter's watermark passes the minute's end; the admission has not had the mark yet
            for (var h : p.limiters) {
                h.processWatermark1(new Watermark(MIN));
                h.processWatermark2(new Watermark(MIN));
            }
            p.collect();
            assertThat(p.emitted()).as("no decision yet").isEmpty();
            p.admission.processWatermark(new Watermark(MIN));
            p.mark(marks);
            p.watermark(MIN + 1_000);
            assertThat(p.emitted()).containsExactly("1 a urn:svc:ns/api");
        }
    }

    @Test
    void shouldPassEverythingAtOnceWithoutLimitsAndLimitServicesAloneWithoutATenantLimit() throws Exception {
        try (Path p = new Path(StateBackends.HEAP, 0, 0, 1, null, null, 0)) {
            p.add(record("a", "api", 1_000, 1), true);
            assertThat(p.emitted()).containsExactly("1 a urn:svc:ns/api");
        }
        try (Path p = new Path(StateBackends.HEAP, 0, 1, 2, null, null, 0)) {
            for (LogRecordFlat r : input(4)) {
                p.add(r, true);
            }
            p.watermark(3 * MIN + LATENESS);
            assertThat(p.emitted()).isEqualTo(expected(input(4), 0, 1));
        }
    }

    /** The log records' wiring with a release in steps of {@code minRecords} records (no time budget), 10 ms apart. */
    static TenantLimitPath.Wiring<LogRecordFlat> paced(int minRecords) {
        return new LogsWiring() {
            private static final long serialVersionUID = 1L;

            @Override
            public TenantRecordLimiter<LogRecordFlat> limiter(int tenants, int services) {
                return super.limiter(tenants, services).pacedRelease(minRecords, 0, 10);
            }
        };
    }

    /** As {@link #paced paced(7)}, a minute's watermark passed on in one-second steps. */
    static TenantLimitPath.Wiring<LogRecordFlat> stepped() {
        return new LogsWiring() {
            private static final long serialVersionUID = 1L;

            @Override
            public TenantRecordLimiter<LogRecordFlat> limiter(int tenants, int services) {
                return super.limiter(tenants, services).pacedRelease(7, 0, 10).watermarkSteps(1_000);
            }
        };
    }

    /**
     * The limiters' watermark {@code w} as {@link TenantLimitPath#watermark}, then their release steps
     * (processing time 10 ms on each time) until none waits: a limiter passes no watermark on while
     * records of it wait, and none of its records after one. Returns the steps taken.
     */
    static int watermarkAndRelease(TenantLimitPath<LogRecordFlat> p, long w) throws Exception {
        p.marker.processWatermark(new Watermark(w));
        p.admission.processWatermark(new Watermark(w));
        p.broadcast();
        for (var h : p.limiters) {
            h.processWatermark1(new Watermark(w));
            h.processWatermark2(new Watermark(w));
        }
        int steps = 0;
        long now = p.limiters.get(0).getProcessingTime();
        while (true) {
            boolean waiting = false;
            for (var h : p.limiters) {
                var op = (TenantRecordLimiter<LogRecordFlat>) h.getOperator();
                boolean watermarkSeen = false;
                for (Object o : h.getOutput()) {
                    if (o instanceof Watermark) {
                        assertThat(op.releasing()).as("a watermark while records wait").isFalse();
                        watermarkSeen = true;
                    } else if (o instanceof StreamRecord<?>) {
                        assertThat(watermarkSeen).as("a record after the watermark").isFalse();
                    }
                }
                waiting |= op.draining();
            }
            p.collect();
            if (!waiting) {
                return steps;
            }
            now += 10;
            for (var h : p.limiters) {
                h.setProcessingTime(now);
            }
            steps++;
            assertThat(steps).as("the release ends").isLessThan(10_000);
        }
    }

    /**
     * A minute's end releases in steps, the input read between them; the records and their folding are
     * those of the release at once (the one-subtask limiter's), on one and two subtasks, whatever the
     * order, and records that come while a release waits go behind it.
     */
    @ParameterizedTest
    @EnumSource(StateBackends.class)
    void shouldReleaseInStepsWhatTheOneSubtaskLimiterGivesAtOnce(StateBackends backend) throws Exception {
        List<LogRecordFlat> in = input(3);
        List<String> expected = expected(in, MAX_TENANTS, MAX_SERVICES);
        for (int parallelism = 1; parallelism <= 2; parallelism++) {
            for (int round = 0; round < 2; round++) {
                List<LogRecordFlat> order = new ArrayList<>(in);
                Collections.shuffle(order, new Random(round));
                try (var p = new TenantLimitPath<>(paced(7), backend, MAX_TENANTS, MAX_SERVICES, parallelism, null, null, 0)) {
                    for (LogRecordFlat r : order) {
                        p.add(r, round == 0);
                    }
                    int steps = watermarkAndRelease(p, 3 * MIN + LATENESS);
                    assertThat(steps).as("a release of %d records in steps of 7", in.size()).isGreaterThan(in.size() / 7 / parallelism / 2);
                    assertThat(p.emitted()).as("parallelism %d, order %d", parallelism, round).isEqualTo(expected);
                }
            }
        }
        // without pacing the same records come out at the watermark, in one step
        try (var p = new TenantLimitPath<>(paced(Integer.MAX_VALUE), backend, MAX_TENANTS, MAX_SERVICES, 2, null, null, 0)) {
            for (LogRecordFlat r : in) {
                p.add(r, true);
            }
            assertThat(watermarkAndRelease(p, 3 * MIN + LATENESS)).isZero();
            assertThat(p.emitted()).isEqualTo(expected);
        }
    }

    /**
     * With watermark steps, a minute's watermark goes on a second at a time, each step after a pause,
     * after every record the minutes' ends released; the records are those of the release at once.
     */
    @ParameterizedTest
    @EnumSource(StateBackends.class)
    void shouldPassTheMinutesWatermarkInOneSecondStepsAfterItsRecords(StateBackends backend) throws Exception {
        List<LogRecordFlat> in = input(3);
        try (var p = new TenantLimitPath<>(stepped(), backend, MAX_TENANTS, MAX_SERVICES, 2, null, null, 0)) {
            assertThat(watermarkAndRelease(p, -1)).as("the first watermark goes at once").isZero();
            for (LogRecordFlat r : in) {
                p.add(r, true);
            }
            int steps = watermarkAndRelease(p, 3 * MIN + LATENESS - 1);
            assertThat(p.emitted()).isEqualTo(expected(in, MAX_TENANTS, MAX_SERVICES));
            List<Long> seconds = new ArrayList<>();
            for (long w = -1; w <= 3 * MIN + LATENESS - 1; w += 1_000) { // 540 s: fewer than the 600 steps at most
                seconds.add(w);
            }
            for (List<Long> marks : p.watermarks) {
                assertThat(marks).as("the watermarks of a limiter subtask").isEqualTo(seconds);
            }
            assertThat(steps).as("a pause before each second but the first").isGreaterThanOrEqualTo(seconds.size() - 2);
        }
        assertThatThrownBy(() -> Path.limiter(0, 0).watermarkSteps(7_000)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("divide the 60000 ms slot");
    }

    /**
     * A snapshot while a release waits keeps the waiting records (operator state): restored rescaled
     * from 1 to 2 subtasks they come out first, and before and after together are the records of a run
     * that never stopped, each once.
     */
    @ParameterizedTest
    @EnumSource(StateBackends.class)
    void shouldKeepAWaitingReleaseAcrossARestoreRescaledFromOneToTwo(StateBackends backend) throws Exception {
        List<LogRecordFlat> in = input(5);
        List<String> emitted = new ArrayList<>();
        OperatorSubtaskState admission;
        OperatorSubtaskState limiter;
        try (var p = new TenantLimitPath<>(paced(7), backend, MAX_TENANTS, MAX_SERVICES, 1, null, null, 0)) {
            for (LogRecordFlat r : in) {
                p.add(r, true);
            }
            watermarkAndRelease(p, MIN); // the first minute released, every step
            p.marker.processWatermark(new Watermark(3 * MIN + LATENESS));
            p.admission.processWatermark(new Watermark(3 * MIN + LATENESS));
            p.broadcast();
            var h = p.limiters.get(0);
            h.processWatermark1(new Watermark(3 * MIN + LATENESS));
            h.processWatermark2(new Watermark(3 * MIN + LATENESS));
            h.setProcessingTime(h.getProcessingTime() + 10);
            h.setProcessingTime(h.getProcessingTime() + 10);
            assertThat(((TenantRecordLimiter<LogRecordFlat>) h.getOperator()).releasing()).as("mid-release").isTrue();
            // keys' releases wait with their records still held; records wait only from the key being released
            var op = (TenantRecordLimiter<LogRecordFlat>) h.getOperator();
            Map<String, Integer> perKeyAndMinute = new HashMap<>();
            for (LogRecordFlat r : in) {
                perKeyAndMinute.merge(Path.key(r) + "/" + r.timeMillis() / MIN, 1, Integer::sum);
            }
            int largestKeyMinute = Collections.max(perKeyAndMinute.values());
            assertThat(op.releasesWaiting()).as("keys' releases waiting").isPositive();
            assertThat(op.recordsWaiting()).as("records waiting").isLessThan(largestKeyMinute);
            assertThat(h.getOutput()).noneMatch(o -> o instanceof Watermark && ((Watermark) o).getTimestamp() > 2 * MIN);
            p.collect();
            assertThat(p.emitted).hasSizeBetween(1, in.size() - 1);
            admission = p.admission.snapshot(1, 1);
            limiter = h.snapshot(1, 1);
            emitted.addAll(p.emitted);
        }
        try (var p = new TenantLimitPath<>(paced(7), backend, MAX_TENANTS, MAX_SERVICES, 2, admission, limiter, 1)) {
            // each waiting release runs on the subtask of its key (the key it was held under, before any folding)
            Map<Long, String> heldUnder = new HashMap<>();
            for (LogRecordFlat r : in) {
                heldUnder.put(r.kafkaOffset, Path.key(r));
            }
            for (int i = 0; i < 2; i++) {
                var h = p.limiters.get(i);
                while (((TenantRecordLimiter<LogRecordFlat>) h.getOperator()).releasing()) {
                    h.setProcessingTime(h.getProcessingTime() + 10);
                }
                for (Object o : h.getOutput()) {
                    if (o instanceof StreamRecord<?> r) {
                        assertThat(KeyGroupRangeAssignment.assignKeyToParallelOperator(
                                heldUnder.get(((LogRecordFlat) r.getValue()).kafkaOffset), MAX_PARALLELISM, 2))
                                .as("the subtask of %s", r.getValue()).isEqualTo(i);
                    }
                }
            }
            p.collect();
            assertThat(p.emitted).as("the waiting records, each once").hasSize(in.size() - emitted.size());
            watermarkAndRelease(p, 3 * MIN + LATENESS);
            emitted.addAll(p.emitted);
        }
        emitted.sort(null);
        assertThat(emitted).hasSize(in.size()).isEqualTo(expected(in, MAX_TENANTS, MAX_SERVICES));
    }
}
