package org.otlpanalytics.operators.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.otlpanalytics.operators.sketch.LogHistogram;
import org.otlpanalytics.schemas.metrics.Temporality;

class ValueHistogramTest {
    private static final double REL = LogHistogram.RELATIVE_ACCURACY;

    @Test
    void everyBucketStandsForItsValuesWithinHalfAPercentAndIndexOrderIsValueOrder() {
        Random rnd = new Random(7);
        double[] values = new double[20_000];
        for (int i = 0; i < values.length; i++) {
            double mag = Math.pow(10, rnd.nextDouble() * 24 - 8);
            values[i] = rnd.nextBoolean() ? mag : -mag;
        }
        Arrays.sort(values);
        int before = Integer.MIN_VALUE;
        for (double v : values) {
            int i = ValueHistogram.index(v);
            assertThat(ValueHistogram.representative(i)).as("%s", v).isCloseTo(v, within(REL * Math.abs(v) * (1 + 1e-9) + 1e-6));
            int order = i == LogHistogram.ZERO_INDEX ? ValueHistogram.ZERO_ORDER : i;
            assertThat(order).as("index of %s", v).isGreaterThanOrEqualTo(before);
            before = order;
        }
        assertThat(ValueHistogram.index(1e-7)).isEqualTo(LogHistogram.ZERO_INDEX);
        assertThat(ValueHistogram.index(-1e-7)).isEqualTo(LogHistogram.ZERO_INDEX);
        assertThat(ValueHistogram.index(1.0000001e-6)).isGreaterThanOrEqualTo(-1381);
        assertThat(ValueHistogram.index(-1.0000001e-6)).isLessThanOrEqualTo(-1383);
        assertThat(ValueHistogram.index(Double.MAX_VALUE)).isLessThan(ValueHistogram.index(Double.MAX_VALUE) + 1)
                .isLessThan(80_000);
    }

    @Test
    void quantilesOfSignedSamplesAreWithinHalfAPercentOfNearestRank() {
        Random rnd = new Random(11);
        double[] v = new double[5_000];
        ValueHistogram h = new ValueHistogram();
        for (int i = 0; i < v.length; i++) {
            v[i] = rnd.nextGaussian() * 50 + (i % 10 == 0 ? 0 : 20);
            if (i % 97 == 0) {
                v[i] = 0;
            }
            h.add(v[i], 1);
        }
        double[] sorted = v.clone();
        Arrays.sort(sorted);
        for (double q : new double[] {0.01, 0.25, 0.5, 0.95, 0.99, 1.0}) {
            double exact = sorted[(int) Math.max(1, Math.ceil(q * v.length)) - 1];
            assertThat(h.quantile(q, sorted[0], sorted[v.length - 1])).as("q %s", q)
                    .isCloseTo(exact, within(REL * Math.abs(exact) * (1 + 1e-9) + 1e-6));
        }
        assertThat(h.count()).isEqualTo(v.length);
    }

    @Test
    void mergingIsSummingCountsPerIndexInAnyOrder() {
        ValueHistogram all = new ValueHistogram();
        ValueHistogram a = new ValueHistogram();
        ValueHistogram b = new ValueHistogram();
        double[] v = {-3, -3.001, 0, 1e-9, 5, 5.0001, 700, -0.5};
        for (int i = 0; i < v.length; i++) {
            all.add(v[i], 1);
            (i % 2 == 0 ? a : b).add(v[i], 1);
        }
        java.util.Map<Integer, Long> summed = new java.util.HashMap<>();
        for (ValueHistogram h : new ValueHistogram[] {b, a}) {
            for (int i = 0; i < h.sparseIndexes().length; i++) {
                summed.merge(h.sparseIndexes()[i], h.sparseCounts()[i], Long::sum);
            }
        }
        java.util.Map<Integer, Long> whole = new java.util.HashMap<>();
        for (int i = 0; i < all.sparseIndexes().length; i++) {
            whole.put(all.sparseIndexes()[i], all.sparseCounts()[i]);
        }
        assertThat(summed).isEqualTo(whole);
        // listed in value order, the zero bucket between the negative and the positive ones
        int[] idx = all.sparseIndexes();
        for (int i = 1; i < idx.length; i++) {
            assertThat(ValueHistogram.representative(idx[i])).isGreaterThan(ValueHistogram.representative(idx[i - 1]));
        }
        assertThat(idx).contains(LogHistogram.ZERO_INDEX);
    }

    @Test
    void nanAndInfinitiesAreNotCounted() {
        ValueHistogram h = new ValueHistogram();
        h.add(Double.NaN, 1);
        h.add(Double.POSITIVE_INFINITY, 1);
        h.add(Double.NEGATIVE_INFINITY, 1);
        assertThat(h.count()).isZero();
        assertThat(h.quantile(0.5, Double.NaN, Double.NaN)).isNaN();
    }

    @Test
    void explicitBucketsCountAtTheirUpperBoundAndTheOverflowAtMax() {
        ValueHistogram h = new ValueHistogram();
        // (-inf,10] 3, (10,100] 5, (100,1000] 0, (1000,+inf) 2; observed min 4, max 2500
        h.addExplicit(new double[] {10, 100, 1000}, new long[] {3, 5, 0, 2}, 4, 2500);
        assertThat(h.sparseIndexes()).containsExactly(ValueHistogram.index(10), ValueHistogram.index(100),
                ValueHistogram.index(2500));
        assertThat(h.sparseCounts()).containsExactly(3, 5, 2);
        // the nearest-rank quantile is the upper bound of the explicit bucket holding it (±0.5%)
        assertThat(h.quantile(0.5, 4, 2500)).isCloseTo(100, within(100 * REL));
        assertThat(h.quantile(0.3, 4, 2500)).isCloseTo(10, within(10 * REL));
        assertThat(h.quantile(0.99, 4, 2500)).isEqualTo(2500.0);

        // max below the first bound: clamped; unknown max: the overflow at the last bound
        ValueHistogram c = new ValueHistogram();
        c.addExplicit(new double[] {10, 100}, new long[] {4, 0, 1}, Double.NaN, Double.NaN);
        assertThat(c.sparseIndexes()).containsExactly(ValueHistogram.index(10), ValueHistogram.index(100));
        assertThat(c.sparseCounts()).containsExactly(4, 1);
        ValueHistogram d = new ValueHistogram();
        d.addExplicit(new double[] {10, 100}, new long[] {4, 0, 0}, 1, 3);
        assertThat(d.sparseIndexes()).containsExactly(ValueHistogram.index(3));
    }

    @Test
    void exponentialBucketsCountAtTheirMiddleWithinTheirWidth() {
        int scale = 3;
        double base = Math.pow(2, Math.pow(2, -scale));
        ExponentialBuckets b = new ExponentialBuckets(scale, 2, 10, new long[] {1, 0, 4}, 5, new long[] {3});
        ValueHistogram h = new ValueHistogram();
        h.addExponential(b, Double.NaN, Double.NaN);
        double p10 = Math.pow(base, 11); // bucket 10 = (base^10, base^11]
        double p12 = Math.pow(base, 13);
        double n5 = -Math.pow(base, 6);
        // value order: the zero bucket between the negative and the positive ones
        assertThat(h.sparseIndexes()).containsExactly(ValueHistogram.index(n5 * 2 / (base + 1)), LogHistogram.ZERO_INDEX,
                ValueHistogram.index(p10 * 2 / (base + 1)), ValueHistogram.index(p12 * 2 / (base + 1)));
        assertThat(h.sparseCounts()).containsExactly(3, 2, 1, 4);
        assertThat(h.quantile(0.2, Double.NaN, Double.NaN)).isCloseTo(n5 * 2 / (base + 1), within(-n5 * REL));
        assertThat(h.quantile(0.4, Double.NaN, Double.NaN)).isZero();
        double bound = (base - 1) / (base + 1) + REL;
        // every value of bucket 12 is within the stated bound of what the histogram says for it
        for (double v : new double[] {Math.pow(base, 12) * 1.0000001, Math.pow(base, 12.5), p12}) {
            assertThat(h.quantile(1.0, Double.NaN, Double.NaN)).isCloseTo(v, within(bound * 1.01 * v));
        }
    }

    @Test
    void accumulatorRowsCarryTheHistogramOfTheirSamplesAndBuckets() {
        MetricAccumulator level = new MetricAccumulator();
        ValueHistogram expected = new ValueHistogram();
        for (int i = 0; i < 40; i++) {
            double v = (i - 10) * 1.7;
            level.add(Points.gauge("temp", 60 + i, v));
            expected.add(v, 1);
        }
        MetricRow r = level.toRow(60_000);
        assertThat(r.valueIdx).containsExactly(expected.sparseIndexes());
        assertThat(r.valueCnt).containsExactly(expected.sparseCounts());

        MetricAccumulator hist = new MetricAccumulator();
        hist.add(Points.histogram(Temporality.DELTA, 60, 61, new double[] {5, 50}, new long[] {1, 2, 3}, 300, 2, 90));
        MetricRow h = hist.toRow(60_000);
        assertThat(h.valueIdx).containsExactly(ValueHistogram.index(5), ValueHistogram.index(50), ValueHistogram.index(90));
        assertThat(h.valueCnt).containsExactly(1, 2, 3);

        MetricAccumulator summary = new MetricAccumulator();
        summary.add(Points.summary(Temporality.DELTA, 60, 61, 3, 6, new double[] {0.5}, new double[] {2}));
        assertThat(summary.toRow(60_000).valueIdx).isEmpty();
        assertThat(summary.toRow(60_000).valueCnt).isEmpty();
    }

    @Test
    void countsEqualATreeMapOfIndexesInValueOrderWhateverTheOrderAndInterleavingOfReads() {
        Random rnd = new Random(23);
        for (int trial = 0; trial < 500; trial++) {
            ValueHistogram h = new ValueHistogram();
            java.util.TreeMap<Integer, Long> oracle = new java.util.TreeMap<>(
                    java.util.Comparator.comparingInt(i -> i == LogHistogram.ZERO_INDEX ? ValueHistogram.ZERO_ORDER : i));
            int n = rnd.nextInt(40);
            for (int i = 0; i < n; i++) {
                double v = switch (rnd.nextInt(5)) {
                    case 0 -> 0.0;
                    case 1 -> -Math.pow(10, rnd.nextDouble() * 6 - 3);
                    case 2 -> Math.pow(10, rnd.nextDouble() * 6 - 3);
                    case 3 -> rnd.nextInt(4); // repeats
                    default -> rnd.nextBoolean() ? Double.NaN : 1e-9;
                };
                long c = rnd.nextInt(3);
                h.add(v, c);
                if (Double.isFinite(v) && c > 0) {
                    oracle.merge(ValueHistogram.index(v), c, Long::sum);
                }
                if (rnd.nextInt(8) == 0) {
                    h.sparseIndexes(); // a read in between, then more adds
                }
            }
            assertThat(h.sparseIndexes()).containsExactly(oracle.keySet().stream().mapToInt(Integer::intValue).toArray());
            assertThat(h.sparseCounts()).containsExactly(oracle.values().stream().mapToLong(Long::longValue).toArray());
            assertThat(h.count()).isEqualTo(oracle.values().stream().mapToLong(Long::longValue).sum());
        }
    }
}
