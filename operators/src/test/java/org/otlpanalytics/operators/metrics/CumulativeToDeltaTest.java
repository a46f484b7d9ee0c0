package org.otlpanalytics.operators.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.otlpanalytics.operators.metrics.Points.at;
import static org.otlpanalytics.operators.metrics.Points.counter;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.otlpanalytics.operators.metrics.CumulativeToDelta.Outcome;
import org.otlpanalytics.operators.metrics.CumulativeToDelta.Result;
import org.otlpanalytics.schemas.metrics.MetricPoint;
import org.otlpanalytics.schemas.metrics.Temporality;

/** Sums: counters with resets, late first points, duplicates, first-point rules, pass-through. */
class CumulativeToDeltaTest {
    private final CumulativeToDelta c2d = new CumulativeToDelta();
    private final SeriesState state = new SeriesState();

    private Result feed(MetricPoint p) {
        return c2d.convert(state, p);
    }

    private static void assertDelta(Result r, Outcome outcome, long startSec, long timeSec, long value) {
        assertThat(r.outcome).isEqualTo(outcome);
        assertThat(r.point.temporality).isEqualTo(Temporality.DELTA);
        assertThat(r.point.startTimeNanos).isEqualTo(at(startSec));
        assertThat(r.point.timeNanos).isEqualTo(at(timeSec));
        assertThat(r.point.longValue).isEqualTo(value);
        assertThat(r.point.value).isEqualTo((double) value);
    }

    @Test
    void counterWithResetByDecrease() {
        // a counter started long ago (start -3600 s): first point only recorded
        assertThat(feed(counter(-3600, 10, 100)).outcome).isEqualTo(Outcome.FIRST);
        assertDelta(feed(counter(-3600, 20, 150)), Outcome.DELTA, 10, 20, 50);
        // the process restarted but its SDK kept the start time: 30 < 150, so 30 counted since t=20
        assertDelta(feed(counter(-3600, 30, 30)), Outcome.RESET, 20, 30, 30);
        assertDelta(feed(counter(-3600, 40, 45)), Outcome.DELTA, 30, 40, 15);
    }

    @Test
    void startTimeMovingPastThePreviousPointIsAResetEvenWhenTheValueGrew() {
        feed(counter(0, 10, 100));
        // restarted at t=15: 500 was counted since then, not 500 - 100
        assertDelta(feed(counter(15, 20, 500)), Outcome.RESET, 15, 20, 500);
        assertDelta(feed(counter(15, 30, 520)), Outcome.DELTA, 20, 30, 20);
    }

    @Test
    void startTimeJitterWithoutAFallIsNotAReset() {
        feed(counter(0, 10, 100));
        // start moved, but still before the last point and the value kept growing: same counter
        assertDelta(feed(counter(2, 20, 130)), Outcome.DELTA, 10, 20, 30);
    }

    @Test
    void firstPointArrivingLateIsDroppedNotNegative() {
        // the series' real first point (t=10) arrives after t=20
        assertThat(feed(counter(-3600, 20, 150)).outcome).isEqualTo(Outcome.FIRST);
        Result late = feed(counter(-3600, 10, 100));
        assertThat(late.outcome).isEqualTo(Outcome.OUT_OF_ORDER);
        assertThat(late.point).isNull();
        assertThat(state.lastTimeNanos()).isEqualTo(at(20));
        assertDelta(feed(counter(-3600, 30, 190)), Outcome.DELTA, 20, 30, 40);
    }

    @Test
    void duplicatedPointIsIgnored() {
        feed(counter(-3600, 10, 100));
        assertDelta(feed(counter(-3600, 20, 150)), Outcome.DELTA, 10, 20, 50);
        Result dup = feed(counter(-3600, 20, 150));
        assertThat(dup.outcome).isEqualTo(Outcome.DUPLICATE);
        assertThat(dup.outcome.updatesState()).isFalse();
        assertThat(dup.point).isNull();
        assertDelta(feed(counter(-3600, 30, 170)), Outcome.DELTA, 20, 30, 20);
    }

    @Test
    void firstPointOfAFreshCounterIsEmittedAsDeltaSinceStart() {
        // started 30 s before its first point: within the 5 min default
        assertDelta(feed(counter(0, 30, 12)), Outcome.FIRST_EMITTED, 0, 30, 12);
        assertDelta(feed(counter(0, 60, 20)), Outcome.DELTA, 30, 60, 8);
    }

    @Test
    void firstPointWithUnknownOrEqualOrOldStartEmitsNothing() {
        assertThat(c2d.convert(new SeriesState(), counter(Points.UNKNOWN, 30, 12)).outcome).isEqualTo(Outcome.FIRST);
        assertThat(c2d.convert(new SeriesState(), counter(30, 30, 12)).outcome).isEqualTo(Outcome.FIRST);
        assertThat(c2d.convert(new SeriesState(), counter(0, 301, 12)).outcome).isEqualTo(Outcome.FIRST);
        assertThat(c2d.convert(new SeriesState(), counter(0, 300, 12)).outcome).isEqualTo(Outcome.FIRST_EMITTED);
        CumulativeToDelta never = new CumulativeToDelta(Duration.ZERO);
        assertThat(never.convert(new SeriesState(), counter(0, 30, 12)).outcome).isEqualTo(Outcome.FIRST);
        assertThatThrownBy(() -> new CumulativeToDelta(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void deltaSumsGaugesAndUpDownSumsPassThroughWithoutState() {
        MetricPoint delta = Points.deltaSum("bytes", 0, 10, 4096);
        MetricPoint gauge = Points.gauge("queue.depth", 10, 3);
        MetricPoint upDown = Points.upDown("system.memory.usage", 10, 1 << 20);

        for (MetricPoint p : new MetricPoint[] {delta, gauge, upDown}) {
            assertThat(CumulativeToDelta.needsState(p)).isFalse();
            Result r = feed(p);
            assertThat(r.outcome).isEqualTo(Outcome.PASSED_THROUGH);
            assertThat(r.point).isSameAs(p);
        }
        assertThat(state.isEmpty()).isTrue();
    }

    @Test
    void largeIntegerCountersStayExact() {
        long big = (1L << 62) + 1;
        feed(counter(-3600, 10, big));
        assertDelta(feed(counter(-3600, 20, big + 3)), Outcome.DELTA, 10, 20, 3);
    }

    @Test
    void doubleCountersGiveDoubleDeltas() {
        MetricPoint a = counter(-3600, 10, 0);
        a.valueIsInt = false;
        a.value = 1.25;
        MetricPoint b = counter(-3600, 20, 0);
        b.valueIsInt = false;
        b.value = 2.0;
        feed(a);
        Result r = feed(b);
        assertThat(r.point.valueIsInt).isFalse();
        assertThat(r.point.value).isEqualTo(0.75);
    }

    @Test
    void inputPointIsNotModified() {
        feed(counter(-3600, 10, 100));
        MetricPoint p = counter(-3600, 20, 150);
        feed(p);
        assertThat(p.temporality).isEqualTo(Temporality.CUMULATIVE);
        assertThat(p.longValue).isEqualTo(150);
    }

    @Test
    void seriesExpiresAfterIdleTimeInEventTime() {
        assertThat(state.isExpired(0, 1000)).isTrue(); // empty
        feed(counter(-3600, 10, 100));
        long lastMillis = at(10) / 1_000_000L;
        assertThat(state.isExpired(lastMillis + 999, 1000)).isFalse();
        assertThat(state.isExpired(lastMillis + 1000, 1000)).isTrue();
    }
}
