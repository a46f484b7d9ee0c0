package org.otlpanalytics.operators.limits;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.otlpanalytics.operators.common.time.SlotWatermarkKeyedProcessOperator;
import org.otlpanalytics.operators.logs.LogRecordFlatSerializer;
import org.otlpanalytics.operators.testing.StateBackends;
import org.otlpanalytics.schemas.logs.LogRecordFlat;

/** The former log service limit's uid: new records pass at once, the records a savepoint of it held come out at their minute's end, limited. */
class RestoredLimiterDrainTest {
    static final long MIN = TenantResourceLimiterTest.MIN;
    static final long LATENESS = TenantResourceLimiterTest.LATENESS;

    static KeyedOneInputStreamOperatorTestHarness<String, LogRecordFlat, LogRecordFlat> harness(boolean drain, StateBackends backend,
            OperatorSubtaskState snapshot) throws Exception {
        LimitSubject<LogRecordFlat> s = LogLimitSubjects.resources();
        CardinalityLimiter<LogRecordFlat> f = drain
                ? new RestoredLimiterDrain<>(s, LogRecordFlatSerializer.TYPE, 2, MIN, LATENESS, "resourceLimiter", CardinalityLimiter.Held.RECORDS)
                : new CardinalityLimiter<>(s, LogRecordFlatSerializer.TYPE, 2, MIN, LATENESS, "resourceLimiter", CardinalityLimiter.Held.RECORDS);
        var h = backend.apply(new KeyedOneInputStreamOperatorTestHarness<String, LogRecordFlat, LogRecordFlat>(
                new SlotWatermarkKeyedProcessOperator<>(f, MIN), s::scope, Types.STRING));
        if (snapshot != null) {
            h.initializeState(snapshot);
        }
        h.open();
        return h;
    }

    @ParameterizedTest
    @EnumSource(StateBackends.class)
    void shouldPassNewRecordsAndEmitTheRestoredHeldOnesAtTheirMinutesEnd(StateBackends backend) throws Exception {
        var old = harness(false, backend, null);
        for (int i = 0; i < 6; i++) {
            TenantResourceLimiterTest.add(old, TenantResourceLimiterTest.record("a", "s-" + i % 3, 1_000 + i, i));
        }
        // two services held, the third folded and passed at once
        assertThat(TenantResourceLimiterTest.emitted(old)).hasSize(2);
        var snapshot = old.snapshot(1, 1);
        old.close();

        var drain = harness(true, backend, snapshot);
        TenantResourceLimiterTest.add(drain, TenantResourceLimiterTest.record("a", "s-9", 2_000, 9));
        assertThat(TenantResourceLimiterTest.emitted(drain)).as("a new record passes at once, untouched")
                .containsExactly("9 a urn:svc:ns/s-9");
        drain.processWatermark(new Watermark(MIN + LATENESS));
        assertThat(TenantResourceLimiterTest.emitted(drain)).hasSize(5).contains("9 a urn:svc:ns/s-9")
                .noneMatch(r -> r.endsWith(Overflow.SERVICE_URN));
        if (backend == StateBackends.HEAP) {
            assertThat(drain.numKeyedStateEntries()).as("no state after the lateness").isZero();
        }
        drain.close();
    }
}
