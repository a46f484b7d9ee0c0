package org.otlpanalytics.operators.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.otlpanalytics.schemas.metrics.MetricPoint;
import org.otlpanalytics.schemas.metrics.Temporality;

/** Every expected value below is worked out by hand in the comment above it. */
class HistogramQuantilesTest {
    private static final double NAN = Double.NaN;
    private static final double EPS = 1e-9;
    private static final double[] BOUNDS = {1, 2, 5, 10};

    @Test
    void explicitP95InsideAFiniteBucket() {
        // counts 50,30,10,8,2 -> cumulative 50,80,90,98,100; rank 95 falls in (5,10]:
        // 5 + (10-5) * (95-90)/8 = 8.125
        long[] counts = {50, 30, 10, 8, 2};
        assertThat(HistogramQuantiles.explicit(0.95, BOUNDS, counts, NAN, NAN)).isCloseTo(8.125, within(EPS));
        // rank 50 is the end of the first bucket (0, 1]: 1.0
        assertThat(HistogramQuantiles.explicit(0.50, BOUNDS, counts, NAN, NAN)).isCloseTo(1.0, within(EPS));
        // rank 65 in (1,2]: 1 + (65-50)/30 = 1.5
        assertThat(HistogramQuantiles.explicit(0.65, BOUNDS, counts, NAN, NAN)).isCloseTo(1.5, within(EPS));
    }

    @Test
    void explicitP95InTheOpenLastBucketUsesMax() {
        // counts 10,20,40,20,10 -> cumulative 10,30,70,90,100; rank 95 in (10, +Inf), half way:
        // with max 12: 10 + (12-10) * 0.5 = 11; without max: the largest finite bound, 10
        long[] counts = {10, 20, 40, 20, 10};
        assertThat(HistogramQuantiles.explicit(0.95, BOUNDS, counts, 0.2, 12)).isCloseTo(11.0, within(EPS));
        assertThat(HistogramQuantiles.explicit(0.95, BOUNDS, counts, NAN, NAN)).isCloseTo(10.0, within(EPS));
    }

    @Test
    void explicitFirstBucketStartsAtMinOrZero() {
        // rank 5 of 100 in the first bucket (-Inf, 1], half way: from min 0.5 -> 0.75; from 0 -> 0.5
        long[] counts = {10, 20, 40, 20, 10};
        assertThat(HistogramQuantiles.explicit(0.05, BOUNDS, counts, 0.5, 12)).isCloseTo(0.75, within(EPS));
        assertThat(HistogramQuantiles.explicit(0.05, BOUNDS, counts, NAN, NAN)).isCloseTo(0.5, within(EPS));
        // q = 0 is the minimum; q = 1 the maximum
        assertThat(HistogramQuantiles.explicit(0, BOUNDS, counts, 0.5, 12)).isEqualTo(0.5);
        assertThat(HistogramQuantiles.explicit(1, BOUNDS, counts, 0.5, 12)).isEqualTo(12.0);
    }

    @Test
    void explicitEstimateNeverLeavesMinMax() {
        // all 10 observations in (5, 10], but min 5.5 and max 6 narrow it: p95 = 5.5 + (6-5.5) * 0.95 = 5.975
        long[] counts = {0, 0, 0, 10, 0};
        assertThat(HistogramQuantiles.explicit(0.95, BOUNDS, counts, 5.5, 6)).isCloseTo(5.5 + 0.5 * 0.95, within(EPS));
    }

    @Test
    void explicitWithoutObservationsOrBucketsIsNaN() {
        assertThat(HistogramQuantiles.explicit(0.95, BOUNDS, new long[5], NAN, NAN)).isNaN();
        assertThat(HistogramQuantiles.explicit(0.95, new double[0], new long[0], NAN, NAN)).isNaN();
        // a single (-Inf, +Inf) bucket: only min..max can place it
        assertThat(HistogramQuantiles.explicit(0.5, new double[0], new long[] {4}, 2, 4)).isCloseTo(3.0, within(EPS));
    }

    @Test
    void exponentialP95ScaleZero() {
        // scale 0: base 2; positive buckets 0..3 cover (1,2], (2,4], (4,8], (8,16]
        // counts 10,40,40,10 -> cumulative 10,50,90,100; rank 95 in (8,16], fraction 0.5
        // log interpolation: 8 * 2^0.5 = 11.3137...; with max 12: 8 * (12/8)^0.5 = 9.7980
        ExponentialBuckets b = new ExponentialBuckets(0, 0, 0, new long[] {10, 40, 40, 10}, 0, new long[0]);
        assertThat(HistogramQuantiles.exponential(0.95, b, NAN, NAN)).isCloseTo(8 * Math.sqrt(2), within(EPS));
        assertThat(HistogramQuantiles.exponential(0.95, b, 1.5, 12)).isCloseTo(8 * Math.sqrt(1.5), within(EPS));
    }

    @Test
    void exponentialBucketBoundariesAtOtherScales() {
        // scale 1: base sqrt(2); bucket 4 covers (2^2, 2^2.5] = (4, 5.657]
        assertThat(HistogramQuantiles.lowerBoundary(1, 4)).isCloseTo(4.0, within(EPS));
        assertThat(HistogramQuantiles.upperBoundary(1, 4)).isCloseTo(Math.pow(2, 2.5), within(EPS));
        // scale -1: base 4; bucket -1 covers (1/4, 1]
        assertThat(HistogramQuantiles.lowerBoundary(-1, -1)).isCloseTo(0.25, within(EPS));
        assertThat(HistogramQuantiles.upperBoundary(-1, -1)).isCloseTo(1.0, within(EPS));
        // all 4 observations in scale-1 bucket 4: median = 2^(2 + 0.5/2) = 2^2.25
        ExponentialBuckets b = new ExponentialBuckets(1, 0, 4, new long[] {4}, 0, new long[0]);
        assertThat(HistogramQuantiles.exponential(0.5, b, NAN, NAN)).isCloseTo(Math.pow(2, 2.25), within(EPS));
    }

    @Test
    void exponentialWalksNegativeThenZeroThenPositive() {
        // negative bucket 0 covers [-2, -1) (5 obs), zero bucket (5), positive bucket 0 covers (1, 2] (10)
        ExponentialBuckets b = new ExponentialBuckets(0, 5, 0, new long[] {10}, 0, new long[] {5});
        // p10: rank 2 of 20, 2/5 of the way up from -2 to -1: -(2^(1-0.4)) = -2^0.6
        assertThat(HistogramQuantiles.exponential(0.10, b, NAN, NAN)).isCloseTo(-Math.pow(2, 0.6), within(EPS));
        // p50: rank 10 = end of the zero bucket
        assertThat(HistogramQuantiles.exponential(0.50, b, NAN, NAN)).isEqualTo(0.0);
        // p75: rank 15, half way through (1, 2]: 2^0.5
        assertThat(HistogramQuantiles.exponential(0.75, b, NAN, NAN)).isCloseTo(Math.sqrt(2), within(EPS));
        // min -1.5 clamps the most negative bucket: p0 = -1.5
        assertThat(HistogramQuantiles.exponential(0.0, b, -1.5, 2)).isCloseTo(-1.5, within(EPS));
    }

    @Test
    void summaryTakesTheListedQuantileElseTheNearest() {
        double[] q = {0.5, 0.9, 0.95, 0.99};
        double[] v = {1, 2, 2.5, 3};
        assertThat(HistogramQuantiles.summary(0.95, q, v)).isEqualTo(2.5);
        // 0.95 missing: 0.99 is 0.04 away, 0.9 is 0.05 away -> 3
        assertThat(HistogramQuantiles.summary(0.95, new double[] {0.5, 0.9, 0.99}, new double[] {1, 2, 3}))
                .isEqualTo(3.0);
        assertThat(HistogramQuantiles.summary(0.95, new double[] {0.5}, new double[] {1})).isEqualTo(1.0);
        assertThat(HistogramQuantiles.summary(0.95, new double[0], new double[0])).isNaN();
    }

    @Test
    void averageIsSumOverCount() {
        assertThat(HistogramQuantiles.average(12, 4)).isEqualTo(3.0);
        assertThat(HistogramQuantiles.average(12, 0)).isNaN();
        assertThat(HistogramQuantiles.average(NAN, 4)).isNaN();
    }

    @Test
    void ofDispatchesOnThePointType() {
        MetricPoint h = Points.histogram(Temporality.DELTA, 0, 60, BOUNDS, new long[] {50, 30, 10, 8, 2}, 100, NAN, NAN);
        MetricPoint s = Points.summary(Temporality.DELTA, 0, 60, 10, 5, new double[] {0.95}, new double[] {7});
        assertThat(HistogramQuantiles.of(h, 0.95)).isCloseTo(8.125, within(EPS));
        assertThat(HistogramQuantiles.of(s, 0.95)).isEqualTo(7.0);
        assertThat(HistogramQuantiles.of(Points.gauge("g", 0, 1), 0.95)).isNaN();
    }
}
