package org.otlpanalytics.operators.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.otlpanalytics.operators.common.KafkaRange;
import org.otlpanalytics.operators.common.time.HorizonKeyedProcessOperator;
import org.otlpanalytics.operators.testing.StateBackends;

/**
 * {@link LogPatternAggregator}: partials of one fingerprint are summed exactly per 5-minute window,
 * the row fires at the window end, late partials re-emit it, and state and timers are gone after the
 * allowed lateness.
 */
class LogPatternAggregatorTest {
    static final long W0 = 1_772_000_100_000L; // a window start
    static final long WINDOW = LogPatternOptions.WINDOW_MILLIS;

    static LogPatternPartial partial(long window, long fp, long total, long errors, int partition, long offset) {
        LogPatternPartial p = new LogPatternPartial();
        p.tenant = "acme";
        p.serviceName = "payment";
        p.serviceNamespace = "shop";
        p.serviceUrn = "urn:svc:shop/payment";
        p.windowStartMillis = window;
        p.fingerprintId = fp;
        p.countTotal = total;
        p.countError = errors;
        p.range = new KafkaRange();
        p.range.add(partition, offset, window + 1);
        return p;
    }

    static KeyedOneInputStreamOperatorTestHarness<String, LogPatternPartial, LogPatternWindowRow> harness(Duration lateness) throws Exception {
        return harness(lateness, StateBackends.HEAP, null);
    }

    /** A harness on {@code backend}, restored from {@code snapshot} when it is not null. */
    static KeyedOneInputStreamOperatorTestHarness<String, LogPatternPartial, LogPatternWindowRow> harness(Duration lateness,
            StateBackends backend, OperatorSubtaskState snapshot) throws Exception {
        var h = backend.apply(new KeyedOneInputStreamOperatorTestHarness<String, LogPatternPartial, LogPatternWindowRow>(
                new HorizonKeyedProcessOperator<>(new LogPatternAggregator(LogPatternOptions.builder().allowedLateness(lateness).build())),
                LogPatternAggregator::seriesKey, Types.STRING));
        if (snapshot != null) {
            h.initializeState(snapshot);
        }
        h.open();
        return h;
    }

    static void add(KeyedOneInputStreamOperatorTestHarness<String, LogPatternPartial, LogPatternWindowRow> h, LogPatternPartial p) throws Exception {
        h.processElement(new StreamRecord<>(p, p.windowStartMillis));
    }

    /**
     * A window kept under a key that is not its series' current key (0.1.0's plain NUL join of a
     * tenant holding a NUL) fails the job when it fires, naming the state, rather than firing a row
     * that the same series' window under its current key would overwrite.
     */
    @Test
    void aWindowRestoredUnderAnOutdatedKeyFailsLoudlyInsteadOfLosingItsCounts() throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<String, LogPatternPartial, LogPatternWindowRow>(
                new HorizonKeyedProcessOperator<>(new LogPatternAggregator(LogPatternOptions.builder().build())),
                p -> p.tenant + '\u0000' + p.serviceUrn + '\u0000' + TemplateFingerprint.toHex(p.fingerprintId), Types.STRING);
        h.open();
        LogPatternPartial p = partial(W0, 7L, 3, 0, 0, 1);
        p.tenant = "ac\u0000me";
        add(h, p);
        assertThatThrownBy(() -> h.processWatermark(new Watermark(W0 + WINDOW - 1)))
                .hasStackTraceContaining("incompatible restored state 'log-pattern-windows'");
        assertThat(h.extractOutputValues()).isEmpty();
    }

    @Test
    void shouldSumPartialsPerWindowAndFireAtTheWindowEnd() throws Exception {
        var h = harness(Duration.ofMinutes(2));
        add(h, partial(W0, 7L, 10, 3, 0, 5));
        add(h, partial(W0, 7L, 4, 1, 1, 9));
        add(h, partial(W0, -8L, 2, 0, 0, 6));
        add(h, partial(W0 + WINDOW, 7L, 1, 1, 0, 40));
        h.processWatermark(new Watermark(W0 + WINDOW - 2));
        assertThat(h.extractOutputValues()).isEmpty();
        h.processWatermark(new Watermark(W0 + WINDOW - 1));
        List<LogPatternWindowRow> rows = h.extractOutputValues();
        assertThat(rows).hasSize(2);
        LogPatternWindowRow seven = rows.stream().filter(r -> r.fingerprintId == 7L).findFirst().orElseThrow();
        assertThat(seven.countTotal).isEqualTo(14);
        assertThat(seven.countError).isEqualTo(4);
        assertThat(seven.windowStartMillis).isEqualTo(W0);
        assertThat(seven.range.from).containsExactly(5, 9);
        assertThat(seven.range.to).containsExactly(5, 9);
        assertThat(h.numKeyedStateEntries()).as("one window map per fingerprint").isEqualTo(2);
    }

    @Test
    void shouldReemitRowsUpdatedWithinTheAllowedLatenessAndDropLaterPartials() throws Exception {
        var h = harness(Duration.ofMinutes(2));
        add(h, partial(W0, 7L, 10, 3, 0, 5));
        h.processWatermark(new Watermark(W0 + WINDOW + 60_000));
        add(h, partial(W0, 7L, 2, 2, 0, 11));
        assertThat(h.extractOutputValues()).extracting(r -> r.countTotal).containsExactly(10L, 12L);
        assertThat(h.extractOutputValues()).extracting(r -> r.countError).containsExactly(3L, 5L);
        h.processWatermark(new Watermark(W0 + WINDOW - 1 + 120_000));
        assertThat(h.numKeyedStateEntries()).isZero();
        assertThat(h.numEventTimeTimers()).isZero();
        add(h, partial(W0, 7L, 1, 0, 0, 12));
        assertThat(h.getSideOutput(LogPatternAggregator.LATE_PARTIALS)).hasSize(1);
        assertThat(h.extractOutputValues()).hasSize(2);
    }

    @Test
    void shouldFireAndCleanUpAtOnceWithoutAllowedLateness() throws Exception {
        var h = harness(Duration.ZERO);
        add(h, partial(W0, 1L, 3, 0, 0, 1));
        h.processWatermark(new Watermark(W0 + WINDOW - 1));
        assertThat(h.extractOutputValues()).extracting(r -> r.countTotal).containsExactly(3L);
        assertThat(h.numKeyedStateEntries()).isZero();
        assertThat(h.numEventTimeTimers()).isZero();
    }

    /** Restore, then replay a partial the failure-free run dropped as late: dropped again, the complete row stays. */
    @ParameterizedTest
    @EnumSource(StateBackends.class)
    void latePartialRightAfterRestoreIsLateAsInTheFailureFreeRun(StateBackends backend) throws Exception {
        Duration lateness = Duration.ofMinutes(2);
        var clean = harness(lateness, backend, null);
        var failing = harness(lateness, backend, null);
        for (var h : List.of(clean, failing)) {
            add(h, partial(W0, 7L, 100, 3, 0, 5));
            add(h, partial(W0 + 3 * WINDOW, 7L, 1, 0, 0, 50)); // keeps the key alive past window 0's purge
            h.processWatermark(new Watermark(W0 + WINDOW - 1 + 120_000));
        }
        assertThat(clean.extractOutputValues()).extracting(r -> r.countTotal).containsExactly(100L);
        var snap = failing.snapshot(1, 1);
        failing.close();
        var restored = harness(lateness, backend, snap);

        add(clean, partial(W0, 7L, 1, 0, 1, 60));
        add(restored, partial(W0, 7L, 1, 0, 1, 60)); // before any watermark reached the restored operator
        assertThat(clean.getSideOutput(LogPatternAggregator.LATE_PARTIALS)).hasSize(1);
        assertThat(restored.getSideOutput(LogPatternAggregator.LATE_PARTIALS)).as("late after the restore too").hasSize(1);
        restored.processWatermark(new Watermark(W0 + 10 * WINDOW));
        assertThat(restored.extractOutputValues()).as("no row of window 0 rewritten by the restored run")
                .noneMatch(r -> r.windowStartMillis == W0);
    }
}
