package org.otlpanalytics.operators.metrics;

import java.io.Serializable;
import java.time.Duration;

/**
 * Settings of the metrics pipeline (cumulative-to-delta and the 1-minute aggregation),
 * immutable; every default lives in the {@link Builder}.
 *
 * <pre>{@code
 * MetricOptions o = MetricOptions.builder().allowedLateness(Duration.ofMinutes(2))
 *         .seriesIdleTimeout(Duration.ofMinutes(15)).maxSeriesPerResource(5000).build();
 * }</pre>
 */
public final class MetricOptions implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final long WINDOW_MILLIS = 60_000L;

    private final long allowedLatenessMillis;
    private final long seriesIdleTimeoutMillis;
    private final int maxSeriesPerResource;
    private final Duration firstPointMaxInterval;
    private final int kllK;

    MetricOptions(long allowedLatenessMillis, long seriesIdleTimeoutMillis, int maxSeriesPerResource,
            Duration firstPointMaxInterval, int kllK) {
        this.allowedLatenessMillis = allowedLatenessMillis;
        this.seriesIdleTimeoutMillis = seriesIdleTimeoutMillis;
        this.maxSeriesPerResource = maxSeriesPerResource;
        this.firstPointMaxInterval = firstPointMaxInterval;
        this.kllK = kllK;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static MetricOptions defaults() {
        return builder().build();
    }

    /** {@code metrics.allowed-lateness}: how long a fired minute still takes late points. */
    public long allowedLatenessMillis() {
        return allowedLatenessMillis;
    }

    /** {@code metrics.series-idle-timeout}: cumulative series state kept without a point (event time). */
    public long seriesIdleTimeoutMillis() {
        return seriesIdleTimeoutMillis;
    }

    /** {@code metrics.max-series-per-resource}: series per resource (and per resource-minute); 0 = none. */
    public int maxSeriesPerResource() {
        return maxSeriesPerResource;
    }

    /** {@code metrics.first-point-max-interval}: see {@link CumulativeToDelta}. */
    public Duration firstPointMaxInterval() {
        return firstPointMaxInterval;
    }

    /** {@code metrics.kll-k}: accuracy parameter of the value sketches. */
    public int kllK() {
        return kllK;
    }

    /** Builder; every default lives here. */
    public static final class Builder {
        private Duration allowedLateness = Duration.ofMinutes(2);
        private Duration seriesIdleTimeout = Duration.ofMinutes(15);
        private int maxSeriesPerResource = 5000;
        private Duration firstPointMaxInterval = CumulativeToDelta.DEFAULT_FIRST_POINT_MAX_INTERVAL;
        private int kllK = MetricAccumulator.DEFAULT_KLL_K;

        public Builder allowedLateness(Duration d) {
            this.allowedLateness = d;
            return this;
        }

        public Builder seriesIdleTimeout(Duration d) {
            this.seriesIdleTimeout = d;
            return this;
        }

        public Builder maxSeriesPerResource(int n) {
            this.maxSeriesPerResource = n;
            return this;
        }

        public Builder firstPointMaxInterval(Duration d) {
            this.firstPointMaxInterval = d;
            return this;
        }

        public Builder kllK(int k) {
            this.kllK = k;
            return this;
        }

        public MetricOptions build() {
            if (allowedLateness == null || allowedLateness.isNegative()) {
                throw new IllegalStateException("metrics.allowed-lateness must be >= 0, got " + allowedLateness);
            }
            if (seriesIdleTimeout == null || seriesIdleTimeout.compareTo(Duration.ofMinutes(1)) < 0) {
                throw new IllegalStateException("metrics.series-idle-timeout must be >= 1m, got " + seriesIdleTimeout);
            }
            if (maxSeriesPerResource < 0) {
                throw new IllegalStateException("metrics.max-series-per-resource must be >= 0, got " + maxSeriesPerResource);
            }
            if (firstPointMaxInterval == null || firstPointMaxInterval.isNegative()) {
                throw new IllegalStateException("metrics.first-point-max-interval must be >= 0, got " + firstPointMaxInterval);
            }
            if (kllK < 8 || kllK > 65535) {
                throw new IllegalStateException("metrics.kll-k must be in [8, 65535], got " + kllK);
            }
            return new MetricOptions(allowedLateness.toMillis(), seriesIdleTimeout.toMillis(), maxSeriesPerResource,
                    firstPointMaxInterval, kllK);
        }
    }
}
