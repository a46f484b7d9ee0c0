package org.otlpanalytics.jobs.soak;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Whether a run kept up: after a warm-up, the consumer lag (seconds, the worst signal) never
 * passed {@code maxLagSeconds}, and it did not grow: the lowest lag of the second half of the
 * samples minus the lowest of the first half, over the time between them ({@link #growth}), is at
 * most {@code maxGrowth} seconds of lag per second (a job processing 95 % of what is offered
 * falls behind by 0.05 s every second, without bound). A failed or restarted job never
 * sustained anything.
 */
final class SustainedRule {
    /** One lag reading: the worst signal's lag in seconds at a time. */
    record LagSample(long atMillis, double lagSeconds) {}

    /** The judgement and the figures behind it; {@code reason} says why not (empty when sustained). */
    record Verdict(boolean sustained, double maxLagSeconds, double lagGrowth, String reason) {}

    static final double DEFAULT_MAX_LAG_SECONDS = 30;
    static final double DEFAULT_MAX_GROWTH = 0.05;

    private final double maxLagSeconds;
    private final double maxGrowth;
    private final long warmupMillis;

    SustainedRule(double maxLagSeconds, double maxGrowth, long warmupMillis) {
        if (!(maxLagSeconds > 0) || !(maxGrowth >= 0) || warmupMillis < 0) {
            throw new IllegalArgumentException("max lag must be > 0, growth >= 0 and warm-up >= 0");
        }
        this.maxLagSeconds = maxLagSeconds;
        this.maxGrowth = maxGrowth;
        this.warmupMillis = warmupMillis;
    }

    /** Judges the samples taken from {@code startMillis} on; {@code failed}: the job failed or restarted. */
    Verdict judge(List<LagSample> samples, long startMillis, boolean failed) {
        List<LagSample> judged = new ArrayList<>();
        for (LagSample s : samples) {
            if (s.atMillis() >= startMillis + warmupMillis) {
                judged.add(s);
            }
        }
        double maxLag = 0;
        for (LagSample s : judged) {
            maxLag = Math.max(maxLag, s.lagSeconds());
        }
        double growth = growth(judged);
        if (failed) {
            return new Verdict(false, maxLag, growth, "the job failed or restarted");
        }
        if (judged.isEmpty()) {
            return new Verdict(false, maxLag, growth, "no lag sample after the warm-up");
        }
        if (maxLag > maxLagSeconds) {
            return new Verdict(false, maxLag, growth, String.format(Locale.ROOT, "lag reached %.1f s (limit %.0f s)", maxLag, maxLagSeconds));
        }
        if (growth > maxGrowth) {
            return new Verdict(false, maxLag, growth,
                    String.format(Locale.ROOT, "lag grows %.3f s per s (limit %.3f)", growth, maxGrowth));
        }
        return new Verdict(true, maxLag, growth, "");
    }

    /**
     * Lag growth in seconds per second: the lowest lag of the second half of the samples minus the
     * lowest of the first half, over the time between the halves' mean times (0 for fewer than 2).
     * The lowest, not the mean: windows close at minute ends, so the lag rises for a few seconds
     * every minute (a held minute of log records released at once) and falls back; a job that keeps
     * up returns to its floor, one that falls behind raises the floor. A mean over a part of a step
     * that happens to hold one such rise would read as growth.
     */
    static double growth(List<LagSample> s) {
        if (s.size() < 2) {
            return 0;
        }
        int h = s.size() / 2;
        List<LagSample> first = s.subList(0, h);
        List<LagSample> last = s.subList(s.size() - h, s.size());
        double dt = (meanTime(last) - meanTime(first)) / 1000.0;
        return dt <= 0 ? 0 : (minLag(last) - minLag(first)) / dt;
    }

    private static double meanTime(List<LagSample> s) {
        return s.stream().mapToDouble(LagSample::atMillis).average().orElse(0);
    }

    private static double minLag(List<LagSample> s) {
        return s.stream().mapToDouble(LagSample::lagSeconds).min().orElse(0);
    }

    /** The nearest-rank percentile {@code p} (0..1] of {@code values}; 0 when empty. */
    static long percentile(List<Long> values, double p) {
        if (values.isEmpty()) {
            return 0;
        }
        List<Long> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int rank = (int) Math.ceil(p * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size(), rank) - 1));
    }
}
