package org.otlpanalytics.operators.incidents;

/**
 * One signal of one resource through time: its baseline, which of its last steps breached, and
 * the incident it has open, if any. Fed one step at a time in event-time order; says when an
 * incident opens, grows and closes. Two modes: against the adaptive baseline
 * ({@link #observe}), or against a fixed level ({@link #observeLevel}, for USE).
 *
 * <p>Rules (all in {@link DetectorOptions}): nothing opens during the warm-up; a step breaches
 * when it lies {@code k} deviations beyond the baseline on the signal's bad side; an incident
 * opens when {@code m} of the last {@code n} steps breach, dated at the first breaching step of
 * that window; while it is open the baseline does not learn (an incident must not become the
 * normal); it closes after {@code q} quiet steps in a row, dated at the end of its last breaching
 * step. Outside incidents the baseline learns every step, winsorized at the breach band
 * ({@link EwmaBaseline#updateClamped}), so a noisy signal widens its band instead of alarming; a
 * breaching step is learnt only once it has left the window without opening an incident.
 */
public final class SignalDetector {
    /** What a step did. */
    public enum Outcome {
        NOTHING,
        OPENED,
        UPDATED,
        CLOSED
    }

    final EwmaBaseline baseline;
    long history;
    int quiet;
    boolean open;
    long openedAt;
    long lastBreachAt;
    /** The step's value, the baseline and the score at the worst step of the open incident. */
    double peakValue;
    double peakBaseline;
    double peakScore;
    long steps;
    /**
     * Breaching values outside incidents, not learnt yet: if their window opens an incident they
     * are part of it and never learnt; once they leave the window without one they were noise and
     * are learnt, winsorized. (Learning them at once would widen the band by a third per step and
     * let the second minute of a real incident fall back inside it.)
     */
    double[] pendingValues = new double[0];
    long[] pendingSteps = new long[0];

    public SignalDetector() {
        this(new EwmaBaseline());
    }

    SignalDetector(EwmaBaseline baseline) {
        this.baseline = baseline;
    }

    /**
     * One step at {@code stepStart} ({@code stepMillis} long) of {@code signal} with {@code value};
     * {@code judged} false (too few calls) makes it neither learn nor breach, but count as quiet.
     */
    public Outcome observe(Signal signal, long stepStart, long stepMillis, double value, boolean judged, double floor,
            DetectorOptions o) {
        steps++;
        if (!judged || Double.isNaN(value)) {
            return step(false, stepStart, stepMillis, value, Double.NaN, Double.NaN, o);
        }
        boolean warm = baseline.samples() >= o.warmupSteps();
        double score = baseline.score(value, floor);
        boolean breach = warm && signal.breaches(score, o.deviations());
        double mean = baseline.mean();
        // breaching values that left the window without opening an incident were noise: learnt now, winsorized
        learnExpired(o, floor);
        if (!open) {
            if (!warm) {
                baseline.update(value, o.alpha());
            } else if (breach) {
                defer(value);
            } else {
                baseline.updateClamped(value, o.alpha(), o.deviations(), floor);
            }
        }
        Outcome out = step(breach, stepStart, stepMillis, value, mean, score, o);
        if (out == Outcome.OPENED) {
            pendingValues = new double[0];
            pendingSteps = new long[0];
        }
        return out;
    }

    private void defer(double value) {
        int n = pendingValues.length;
        pendingValues = java.util.Arrays.copyOf(pendingValues, n + 1);
        pendingSteps = java.util.Arrays.copyOf(pendingSteps, n + 1);
        pendingValues[n] = value;
        pendingSteps[n] = steps;
    }

    private void learnExpired(DetectorOptions o, double floor) {
        int keep = 0;
        for (int i = 0; i < pendingValues.length; i++) {
            if (steps - pendingSteps[i] >= o.openWindow()) {
                baseline.updateClamped(pendingValues[i], o.alpha(), o.deviations(), floor);
            } else {
                pendingValues[keep] = pendingValues[i];
                pendingSteps[keep] = pendingSteps[i];
                keep++;
            }
        }
        if (keep != pendingValues.length) {
            pendingValues = java.util.Arrays.copyOf(pendingValues, keep);
            pendingSteps = java.util.Arrays.copyOf(pendingSteps, keep);
        }
    }

    /** One step against a fixed level: breaches when {@code value >= level}. */
    public Outcome observeLevel(long stepStart, long stepMillis, double value, double level, DetectorOptions o) {
        steps++;
        boolean breach = !Double.isNaN(value) && value >= level;
        return step(breach, stepStart, stepMillis, value, level, value / level, o);
    }

    private Outcome step(boolean breach, long stepStart, long stepMillis, double value, double mean, double score,
            DetectorOptions o) {
        long mask = o.openWindow() == 64 ? -1L : (1L << o.openWindow()) - 1;
        history = ((history << 1) | (breach ? 1 : 0)) & mask;
        if (!open) {
            if (breach && Long.bitCount(history) >= o.openBreaches()) {
                open = true;
                quiet = 0;
                // dated at the oldest breaching step of the window
                int oldest = 63 - Long.numberOfLeadingZeros(history);
                openedAt = stepStart - oldest * stepMillis;
                lastBreachAt = stepStart;
                peak(value, mean, score);
                return Outcome.OPENED;
            }
            return Outcome.NOTHING;
        }
        if (breach) {
            quiet = 0;
            lastBreachAt = stepStart;
            if (Math.abs(score) > Math.abs(peakScore)) {
                peak(value, mean, score);
            }
            return Outcome.UPDATED;
        }
        if (++quiet >= o.closeQuiet()) {
            open = false;
            history = 0;
            quiet = 0;
            return Outcome.CLOSED;
        }
        return Outcome.NOTHING;
    }

    private void peak(double value, double mean, double score) {
        peakValue = value;
        peakBaseline = mean;
        peakScore = score;
    }

    public boolean isOpen() {
        return open;
    }

    /** Start of the first breaching step of the incident (open or just closed). */
    public long openedAt() {
        return openedAt;
    }

    /** End of the last breaching step of the incident: its close time once closed. */
    public long closedAt(long stepMillis) {
        return lastBreachAt + stepMillis;
    }

    public double peakValue() {
        return peakValue;
    }

    public double peakBaseline() {
        return peakBaseline;
    }

    public double peakScore() {
        return peakScore;
    }

    public EwmaBaseline baseline() {
        return baseline;
    }
}
