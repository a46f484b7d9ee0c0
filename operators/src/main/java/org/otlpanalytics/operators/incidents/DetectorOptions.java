package org.otlpanalytics.operators.incidents;

import java.io.Serializable;
import java.time.Duration;

/**
 * How incidents open and close; immutable, every default here (see the README's Incidents section
 * for why each was chosen).
 *
 * <pre>{@code
 * DetectorOptions o = DetectorOptions.builder().deviations(4).openWhen(2, 3).closeAfterQuiet(3).build();
 * }</pre>
 */
public final class DetectorOptions implements Serializable {
    private static final long serialVersionUID = 1L;

    private final double alpha;
    private final int warmupSteps;
    private final double deviations;
    private final int openBreaches;
    private final int openWindow;
    private final int closeQuiet;
    private final long minCalls;
    private final double rateRelativeFloor;
    private final double errorRatioFloor;
    private final double latencyLogFloor;
    private final double utilizationLevel;
    private final double saturationLevel;

    private DetectorOptions(Builder b) {
        this.alpha = b.alpha;
        this.warmupSteps = b.warmupSteps;
        this.deviations = b.deviations;
        this.openBreaches = b.openBreaches;
        this.openWindow = b.openWindow;
        this.closeQuiet = b.closeQuiet;
        this.minCalls = b.minCalls;
        this.rateRelativeFloor = b.rateRelativeFloor;
        this.errorRatioFloor = b.errorRatioFloor;
        this.latencyLogFloor = b.latencyLogFloor;
        this.utilizationLevel = b.utilizationLevel;
        this.saturationLevel = b.saturationLevel;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static DetectorOptions defaults() {
        return builder().build();
    }

    /** Weight of a new step in the EWMA mean and deviation. */
    public double alpha() {
        return alpha;
    }

    /** Steps learned before anything can open. */
    public int warmupSteps() {
        return warmupSteps;
    }

    /** How many deviations from the baseline a step must lie (on the bad side) to breach. */
    public double deviations() {
        return deviations;
    }

    /** An incident opens when this many of the last {@link #openWindow()} steps breach. */
    public int openBreaches() {
        return openBreaches;
    }

    public int openWindow() {
        return openWindow;
    }

    /** An open incident closes after this many steps in a row without a breach. */
    public int closeQuiet() {
        return closeQuiet;
    }

    /** Error ratio and latency are judged only on steps with at least this many calls. */
    public long minCalls() {
        return minCalls;
    }

    /** The rate's deviation is at least this share of its mean. */
    public double rateRelativeFloor() {
        return rateRelativeFloor;
    }

    /** The error ratio's deviation is at least this (absolute). */
    public double errorRatioFloor() {
        return errorRatioFloor;
    }

    /** The log p95's deviation is at least this (ln 1.25: a quarter slower is one deviation at most). */
    public double latencyLogFloor() {
        return latencyLogFloor;
    }

    /** USE: utilization at or above this level breaches. */
    public double utilizationLevel() {
        return utilizationLevel;
    }

    /** USE: saturation at or above this level breaches (1 = demand equals capacity). */
    public double saturationLevel() {
        return saturationLevel;
    }

    /** Builder; every default lives here. */
    public static final class Builder {
        private double alpha = 0.1;
        private int warmupSteps = 15;
        private double deviations = 4.0;
        private int openBreaches = 3;
        private int openWindow = 4;
        private int closeQuiet = 3;
        private long minCalls = 20;
        private double rateRelativeFloor = 0.1;
        private double errorRatioFloor = 0.02;
        private double latencyLogFloor = Math.log(1.25);
        private double utilizationLevel = 0.9;
        private double saturationLevel = 1.0;

        public Builder alpha(double a) {
            this.alpha = a;
            return this;
        }

        public Builder warmup(int steps) {
            this.warmupSteps = steps;
            return this;
        }

        public Builder deviations(double k) {
            this.deviations = k;
            return this;
        }

        public Builder openWhen(int breaches, int ofLast) {
            this.openBreaches = breaches;
            this.openWindow = ofLast;
            return this;
        }

        public Builder closeAfterQuiet(int steps) {
            this.closeQuiet = steps;
            return this;
        }

        public Builder minCalls(long n) {
            this.minCalls = n;
            return this;
        }

        public Builder rateRelativeFloor(double f) {
            this.rateRelativeFloor = f;
            return this;
        }

        public Builder errorRatioFloor(double f) {
            this.errorRatioFloor = f;
            return this;
        }

        public Builder latencyFloor(double relativeSlowdown) {
            this.latencyLogFloor = Math.log(1 + relativeSlowdown);
            return this;
        }

        public Builder utilizationLevel(double l) {
            this.utilizationLevel = l;
            return this;
        }

        public Builder saturationLevel(double l) {
            this.saturationLevel = l;
            return this;
        }

        public DetectorOptions build() {
            if (!(alpha > 0 && alpha <= 1)) {
                throw new IllegalStateException("incidents.alpha must be in (0, 1], got " + alpha);
            }
            if (openWindow < 1 || openWindow > 64 || openBreaches < 1 || openBreaches > openWindow) {
                throw new IllegalStateException("incidents.open must be m of n with 1 <= m <= n <= 64, got " + openBreaches
                        + " of " + openWindow);
            }
            if (closeQuiet < 1 || warmupSteps < 0 || deviations <= 0 || minCalls < 0) {
                throw new IllegalStateException("incidents: close-quiet >= 1, warm-up >= 0, deviations > 0, min-calls >= 0");
            }
            return new DetectorOptions(this);
        }
    }

    /** For options given as durations of event time: steps of {@code step} in {@code d}. */
    static int steps(Duration d, Duration step) {
        return (int) Math.max(1, d.toMillis() / step.toMillis());
    }
}
