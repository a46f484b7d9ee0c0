package org.otlpanalytics.operators.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.otlpanalytics.operators.limits.TenantResourceLimiterTest.LATENESS;
import static org.otlpanalytics.operators.limits.TenantResourceLimiterTest.MAX_SERVICES;
import static org.otlpanalytics.operators.limits.TenantResourceLimiterTest.MAX_TENANTS;
import static org.otlpanalytics.operators.limits.TenantResourceLimiterTest.MIN;

import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.otlpanalytics.operators.common.time.SlotWatermarkKeyedProcessOperator;
import org.otlpanalytics.operators.logs.LogRecordFlatSerializer;
import org.otlpanalytics.operators.testing.StateBackends;
import org.otlpanalytics.schemas.logs.LogRecordFlat;

/** A savepoint of the one-subtask log limiter ({@code log-tenant-limit}) restores into the drain, which emits what it held. */
class RestoredTenantLimitDrainTest {
    static KeyedOneInputStreamOperatorTestHarness<String, LogRecordFlat, LogRecordFlat> drain(StateBackends backend,
            OperatorSubtaskState snapshot) throws Exception {
        LimitSubject<LogRecordFlat> t = LogLimitSubjects.tenants();
        var h = backend.apply(new KeyedOneInputStreamOperatorTestHarness<String, LogRecordFlat, LogRecordFlat>(
                new SlotWatermarkKeyedProcessOperator<>(new RestoredTenantLimitDrain<>(t, LogLimitSubjects.resources(),
                        LogRecordFlatSerializer.TYPE, MAX_TENANTS, MAX_SERVICES, MIN, LATENESS, "tenantLimiter", "resourceLimiter"), MIN),
                t::scope, Types.STRING));
        if (snapshot != null) {
            h.initializeState(snapshot);
        }
        h.open();
        return h;
    }

    @ParameterizedTest
    @EnumSource(StateBackends.class)
    void shouldEmitWhatTheOneSubtaskLimiterHeldDecidedAsItDecidedFedOnlyWatermarks(StateBackends backend) throws Exception {
        List<LogRecordFlat> in = TenantResourceLimiterTest.input(3);
        var old = TenantResourceLimiterTest.harness(backend, MAX_TENANTS, MAX_SERVICES, null);
        for (LogRecordFlat r : in) {
            TenantResourceLimiterTest.add(old, r);
        }
        assertThat(TenantResourceLimiterTest.emitted(old)).isEmpty();
        OperatorSubtaskState snapshot = old.snapshot(1, 1);
        old.close();
        var h = drain(backend, snapshot);
        h.processWatermark(new Watermark(MIN + 1_000));
        assertThat(TenantResourceLimiterTest.emitted(h)).as("the first minute at its end")
                .isEqualTo(TenantResourceLimiterTest.expected(in.stream().filter(r -> r.timeMillis() < MIN).toList(), MAX_TENANTS,
                        MAX_SERVICES));
        h.processWatermark(new Watermark(3 * MIN + LATENESS));
        assertThat(TenantResourceLimiterTest.emitted(h)).hasSize(in.size())
                .isEqualTo(TenantResourceLimiterTest.expected(in, MAX_TENANTS, MAX_SERVICES));
        if (backend == StateBackends.HEAP) {
            assertThat(h.numKeyedStateEntries()).as("no state after the lateness").isZero();
        }
        h.close();
    }

    @Test
    void shouldPassWhateverReachesItUntouched() throws Exception {
        var h = drain(StateBackends.HEAP, null);
        TenantResourceLimiterTest.add(h, TenantResourceLimiterTest.record("a", "api", 1_000, 1));
        assertThat(TenantResourceLimiterTest.emitted(h)).containsExactly("1 a urn:svc:ns/api");
        h.close();
    }
}
