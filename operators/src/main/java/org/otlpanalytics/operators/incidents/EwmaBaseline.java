package org.otlpanalytics.operators.incidents;

/**
 * An adaptive baseline of one signal: an exponentially weighted moving average of its values and
 * of their absolute deviation from that average (a robust, EWMA-smoothed spread, as in the
 * reference design's "EWMA mean and dynamic deviation"). A value's score is how many deviations
 * it lies from the mean; the deviation has a floor, so a signal that has been flat does not turn
 * its first wiggle into an alarm.
 *
 * <p>Deterministic: the state is two doubles and a count, updated in event-time order.
 */
public final class EwmaBaseline {
    private double mean;
    private double deviation;
    private long samples;

    public EwmaBaseline() {}

    EwmaBaseline(double mean, double deviation, long samples) {
        this.mean = mean;
        this.deviation = deviation;
        this.samples = samples;
    }

    /** Learns {@code x} with weight {@code alpha} (0 < alpha ≤ 1; the first value seeds the mean). */
    public void update(double x, double alpha) {
        if (samples == 0) {
            mean = x;
            deviation = 0;
        } else {
            double d = Math.abs(x - mean);
            mean += alpha * (x - mean);
            deviation += alpha * (d - deviation);
        }
        samples++;
    }

    /**
     * Learns {@code x} winsorized at {@code k} deviations: a value beyond the band moves the mean
     * and the deviation only as far as the band's edge. A signal whose outliers come often (a p95
     * over few calls when some requests are randomly slow) widens its own band, so isolated
     * outliers stop breaching; a real step, which stays outside the band, still does.
     */
    public void updateClamped(double x, double alpha, double k, double floor) {
        if (samples == 0) {
            update(x, alpha);
            return;
        }
        double band = k * Math.max(deviation, floor);
        double c = Math.max(mean - band, Math.min(mean + band, x));
        double d = Math.abs(c - mean);
        mean += alpha * (c - mean);
        deviation += alpha * (d - deviation);
        samples++;
    }

    /** (x − mean) / max(deviation, floor): positive above the baseline, negative below. */
    public double score(double x, double deviationFloor) {
        return (x - mean) / Math.max(deviation, deviationFloor);
    }

    public double mean() {
        return mean;
    }

    public double deviation() {
        return deviation;
    }

    public long samples() {
        return samples;
    }
}
