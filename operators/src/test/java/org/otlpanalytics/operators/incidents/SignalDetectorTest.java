package org.otlpanalytics.operators.incidents;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SignalDetectorTest {
    static final long MIN = 60_000L;
    final DetectorOptions o = DetectorOptions.defaults();

    /** Feeds log p95 values, one per minute; returns "OPENED@m" / "CLOSED@m" events with their dates. */
    List<String> run(double[] p95Ms) {
        SignalDetector d = new SignalDetector();
        List<String> events = new ArrayList<>();
        for (int m = 0; m < p95Ms.length; m++) {
            SignalDetector.Outcome out = d.observe(Signal.LATENCY_P95, m * MIN, MIN, Math.log(p95Ms[m]), true,
                    o.latencyLogFloor(), o);
            if (out == SignalDetector.Outcome.OPENED) {
                events.add("opened " + d.openedAt() / MIN + " at " + m);
            } else if (out == SignalDetector.Outcome.CLOSED) {
                events.add("closed " + d.closedAt(MIN) / MIN + " at " + m);
            }
        }
        return events;
    }

    static double[] noisy(int minutes, double base, double spread, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] v = new double[minutes];
        for (int i = 0; i < minutes; i++) {
            v[i] = base * (1 + spread * (r.nextDouble() * 2 - 1));
        }
        return v;
    }

    @Test
    void aLatencyStepOpensOnItsThirdMinuteDatedAtItsStartAndClosesAfterThreeQuietOnes() {
        double[] v = noisy(80, 50, 0.1, 1);
        for (int m = 40; m < 55; m++) {
            v[m] = 200;
        }
        assertThat(run(v)).containsExactly("opened 40 at 42", "closed 55 at 57");
    }

    @Test
    void noiseAloneOpensNothingAndOneSlowMinuteIsNotAnIncident() {
        double[] v = noisy(2000, 50, 0.2, 7);
        v[500] = 400; // a single slow minute
        assertThat(run(v)).isEmpty();
    }

    @Test
    void nothingOpensDuringTheWarmUp() {
        double[] v = noisy(30, 50, 0.05, 3);
        for (int m = 2; m < 10; m++) {
            v[m] = 500;
        }
        assertThat(run(v)).isEmpty();
    }

    @Test
    void aRateDropBreachesBelowTheBaseline() {
        SignalDetector d = new SignalDetector();
        List<SignalDetector.Outcome> outs = new ArrayList<>();
        for (int m = 0; m < 60; m++) {
            double rate = m >= 40 && m < 50 ? 10 : 50 + (m % 3);
            outs.add(d.observe(Signal.REQUEST_RATE, m * MIN, MIN, rate, true, o.rateRelativeFloor() * 50, o));
        }
        assertThat(outs.indexOf(SignalDetector.Outcome.OPENED)).isEqualTo(42);
        assertThat(d.openedAt()).isEqualTo(40 * MIN);
        assertThat(outs.indexOf(SignalDetector.Outcome.CLOSED)).isEqualTo(52);
        assertThat(d.peakBaseline()).isBetween(49.0, 53.0);
        assertThat(d.peakValue()).isEqualTo(10.0);
    }

    @Test
    void aFixedLevelOpensOnSustainedSaturationOnly() {
        SignalDetector d = new SignalDetector();
        List<SignalDetector.Outcome> outs = new ArrayList<>();
        double[] u = {0.5, 0.95, 0.5, 0.6, 0.95, 0.97, 0.99, 0.5, 0.5, 0.5, 0.5};
        for (int m = 0; m < u.length; m++) {
            outs.add(d.observeLevel(m * MIN, MIN, u[m], o.utilizationLevel(), o));
        }
        // 0.95 at minute 1 alone is not 3 of 4; minutes 4-6 are
        assertThat(outs.indexOf(SignalDetector.Outcome.OPENED)).isEqualTo(6);
        assertThat(d.openedAt()).isEqualTo(4 * MIN);
        assertThat(outs.indexOf(SignalDetector.Outcome.CLOSED)).isEqualTo(9);
        assertThat(d.closedAt(MIN)).isEqualTo(7 * MIN);
    }

    @Test
    void stepsWithTooFewCallsNeitherLearnNorBreach() {
        SignalDetector d = new SignalDetector();
        for (int m = 0; m < 20; m++) {
            d.observe(Signal.ERROR_RATIO, m * MIN, MIN, 0.01, true, o.errorRatioFloor(), o);
        }
        long learned = d.baseline().samples();
        assertThat(d.observe(Signal.ERROR_RATIO, 20 * MIN, MIN, 1.0, false, o.errorRatioFloor(), o))
                .isEqualTo(SignalDetector.Outcome.NOTHING);
        assertThat(d.observe(Signal.ERROR_RATIO, 21 * MIN, MIN, 1.0, false, o.errorRatioFloor(), o))
                .isEqualTo(SignalDetector.Outcome.NOTHING);
        assertThat(d.baseline().samples()).isEqualTo(learned);
    }
}
