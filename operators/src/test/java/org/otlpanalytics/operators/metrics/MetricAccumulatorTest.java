package org.otlpanalytics.operators.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.memory.Memory;
import org.junit.jupiter.api.Test;
import org.otlpanalytics.schemas.metrics.MetricPoint;
import org.otlpanalytics.schemas.metrics.Temporality;

/** Per-minute aggregates with hand-computed expectations, merging and the checkpoint form. */
class MetricAccumulatorTest {
    private static final double EPS = 1e-9;
    private static final double NAN = Double.NaN;
    private static final Temporality DELTA = Temporality.DELTA;

    private static MetricRow aggregate(List<MetricPoint> points) {
        MetricAccumulator a = new MetricAccumulator();
        points.forEach(a::add);
        return a.toRow(0L);
    }

    private static List<MetricPoint> gauges(int n) {
        List<MetricPoint> ps = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            ps.add(Points.offset(Points.gauge("queue.depth", i, i), 0, 100 + i));
        }
        return ps;
    }

    @Test
    void gaugeAvgMaxP95AreOverTheValues() {
        List<MetricPoint> ps = gauges(20);
        Collections.shuffle(ps, new Random(7));
        MetricRow r = aggregate(ps);

        assertThat(r.kind).isEqualTo(AggregateKind.LEVEL);
        assertThat(r.points).isEqualTo(20);
        assertThat(r.avg).isEqualTo(10.5); // (1 + ... + 20) / 20
        assertThat(r.min).isEqualTo(1.0);
        assertThat(r.max).isEqualTo(20.0);
        assertThat(r.p95).isEqualTo(19.0); // rank 0.95 * 20 = 19th smallest
        assertThat(r.last).isEqualTo(20.0); // value of the latest point, whatever the arrival order
        assertThat(r.total).isNull();
        assertThat(KllDoublesSketch.heapify(Memory.wrap(r.kll)).getN()).isEqualTo(20);
        assertThat(r.kafkaRange.from).containsExactly(101);
        assertThat(r.kafkaRange.to).containsExactly(120);
    }

    @Test
    void deltaSumSamplesArePerSecondRates() {
        // 60 over 60 s = 1/s; 30 over 10 s = 3/s
        MetricRow r = aggregate(List.of(Points.deltaSum("bytes", 0, 60, 60), Points.deltaSum("bytes", 60, 70, 30)));

        assertThat(r.kind).isEqualTo(AggregateKind.RATE);
        assertThat(r.avg).isEqualTo(2.0);
        assertThat(r.min).isEqualTo(1.0);
        assertThat(r.max).isEqualTo(3.0);
        assertThat(r.p95).isEqualTo(3.0);
        assertThat(r.last).isEqualTo(3.0);
        assertThat(r.total).isEqualTo(90.0);
        assertThat(r.rate).isCloseTo(90.0 / 70.0, within(EPS)); // time-weighted
    }

    @Test
    void deltaWithoutIntervalCountsInTotalOnly() {
        MetricRow r = aggregate(List.of(Points.deltaSum("bytes", Points.UNKNOWN, 60, 5)));
        assertThat(r.total).isEqualTo(5.0);
        assertThat(r.avg).isNull();
        assertThat(r.rate).isNull();
        assertThat(r.points).isEqualTo(1);
    }

    @Test
    void counterWithResetThroughCumulativeToDelta() {
        // t=0: 100 (first, recorded); t=15: 130 -> 30 in 15 s = 2/s; t=30: 160 -> 2/s;
        // t=45: 10 (reset) -> 10 in 15 s = 0.667/s. total 70, rate 70/45, avg (2+2+2/3)/3, max 2
        CumulativeToDelta c2d = new CumulativeToDelta();
        SeriesState s = new SeriesState();
        MetricAccumulator a = new MetricAccumulator();
        long[][] series = {{0, 100}, {15, 130}, {30, 160}, {45, 10}};
        for (long[] tv : series) {
            CumulativeToDelta.Result res = c2d.convert(s, Points.counter(-3600, tv[0], tv[1]));
            if (res.outcome.emits()) {
                a.add(res.point);
            }
        }
        MetricRow r = a.toRow(0L);

        assertThat(r.points).isEqualTo(3);
        assertThat(r.total).isEqualTo(70.0);
        assertThat(r.rate).isCloseTo(70.0 / 45.0, within(EPS));
        assertThat(r.avg).isCloseTo((2 + 2 + 10.0 / 15) / 3, within(EPS));
        assertThat(r.max).isEqualTo(2.0);
    }

    @Test
    void histogramMergesBucketsAndEstimatesP95() {
        double[] bounds = {1, 2, 5, 10};
        // merged counts 50,30,10,8,2: p95 = 5 + 5 * (95-90)/8 = 8.125 (see HistogramQuantilesTest)
        MetricRow r = aggregate(List.of(
                Points.histogram(DELTA, 0, 30, bounds, new long[] {25, 15, 5, 4, 1}, 60, 0.2, 11),
                Points.histogram(DELTA, 30, 60, bounds, new long[] {25, 15, 5, 4, 1}, 40, 0.1, 14)));

        assertThat(r.kind).isEqualTo(AggregateKind.HISTOGRAM);
        assertThat(r.count).isEqualTo(100);
        assertThat(r.sum).isEqualTo(100.0);
        assertThat(r.avg).isEqualTo(1.0);
        assertThat(r.min).isEqualTo(0.1);
        assertThat(r.max).isEqualTo(14.0);
        assertThat(r.p95).isCloseTo(8.125, within(EPS));
        assertThat(r.bucketCounts).containsExactly(50, 30, 10, 8, 2);
        assertThat(r.kll).isNull();
    }

    @Test
    void histogramMaxIsUnknownWhenAPointHadNone() {
        double[] bounds = {1};
        MetricRow r = aggregate(List.of(
                Points.histogram(DELTA, 0, 30, bounds, new long[] {1, 1}, 3, 0.5, 2.5),
                Points.histogram(DELTA, 30, 60, bounds, new long[] {0, 1}, 4, NAN, NAN)));
        assertThat(r.max).isNull();
        assertThat(r.min).isNull();
        assertThat(r.avg).isCloseTo(7.0 / 3, within(EPS));
    }

    @Test
    void histogramWithOtherBoundsIsRebucketedIntoTheLayoutWithMostObservations() {
        MetricAccumulator a = new MetricAccumulator();
        a.add(Points.histogram(DELTA, 0, 30, new double[] {1, 5}, new long[] {1, 1, 4}, 7, NAN, NAN));
        // (..,2] -> upper 2 falls in (1,5]; (2,+Inf) -> the last bucket
        a.add(Points.histogram(DELTA, 30, 60, new double[] {2}, new long[] {3, 2}, 20, NAN, NAN));
        assertThat(a.toRow(0).bucketBounds).containsExactly(1, 5); // 6 observations against 5
        assertThat(a.toRow(0).bucketCounts).containsExactly(1, 4, 6);
        assertThat(a.layoutMismatches()).isEqualTo(1);
    }

    /**
     * A series whose bucket layout changes within a minute gives the same row whatever the order
     * its points arrive in, added one by one or merged from partial aggregates: the row's layout
     * is chosen by its content (most observations, then points, then bounds), not by arrival.
     */
    @Test
    void histogramWhoseLayoutChangesGivesTheSameRowInEitherOrder() {
        MetricPoint coarse = Points.histogram(DELTA, 0, 20, new double[] {1, 5}, new long[] {2, 1, 1}, 9, 0.5, 7);
        MetricPoint fine = Points.histogram(DELTA, 20, 40, new double[] {1, 2, 5}, new long[] {1, 1, 1, 1}, 12, 0.2, 9);
        MetricPoint fine2 = Points.histogram(DELTA, 40, 60, new double[] {1, 2, 5}, new long[] {0, 0, 1, 0}, 3, 3, 3);
        List<MetricPoint> ps = List.of(coarse, fine, fine2);
        MetricRow first = aggregate(ps);
        assertThat(first.bucketBounds).containsExactly(1, 2, 5); // 5 observations against 4
        assertThat(first.bucketCounts).containsExactly(1 + 2, 1, 2 + 1, 1 + 1);
        for (List<MetricPoint> order : List.of(List.of(fine, coarse, fine2), List.of(fine2, fine, coarse))) {
            assertThat(aggregate(order)).usingRecursiveComparison().isEqualTo(first);
            MetricAccumulator left = new MetricAccumulator();
            left.add(order.get(0));
            MetricAccumulator right = new MetricAccumulator();
            right.add(order.get(1));
            right.add(order.get(2));
            MetricAccumulator merged = new MetricAccumulator();
            merged.merge(right);
            merged.merge(left);
            assertThat(merged.toRow(0L)).usingRecursiveComparison().isEqualTo(first);
        }
    }

    @Test
    void histogramLayoutsBeyondTheLimitAreRefusedAndCounted() {
        MetricAccumulator a = new MetricAccumulator();
        for (int i = 0; i < MetricAccumulator.MAX_LAYOUTS + 2; i++) {
            a.add(Points.histogram(DELTA, i, i + 1, new double[] {i + 1}, new long[] {1, 0}, 1, NAN, NAN));
        }
        assertThat(a.points()).isEqualTo(MetricAccumulator.MAX_LAYOUTS);
        assertThat(a.ignored()).isEqualTo(2);
        assertThat(a.toRow(0).count).isEqualTo(MetricAccumulator.MAX_LAYOUTS);
    }

    /** State written by the first release (running sums and a KLL sketch) restores into the same row. */
    @Test
    void restoresAccumulatorsWrittenInVersion1() throws Exception {
        for (List<MetricPoint> ps : legacySeries()) {
            byte[] old = LegacyAccumulatorFormats.version1(LegacyAccumulatorFormats.Old.of(ps));
            MetricAccumulator back = new MetricAccumulatorSerializer().deserialize(new DataInputStream(new ByteArrayInputStream(old)));
            MetricRow expected = aggregate(ps);
            MetricRow actual = back.toRow(0L);
            assertThat(actual).usingRecursiveComparison().ignoringFields("avg", "total", "rate", "sum").isEqualTo(expected);
            assertClose(actual.avg, expected.avg);
            assertClose(actual.total, expected.total);
            assertClose(actual.rate, expected.rate);
            assertClose(actual.sum, expected.sum);
            assertThat(roundTrip(back).toRow(0L)).usingRecursiveComparison().isEqualTo(actual);
        }
    }

    /** State written by version 2 (summands, one histogram layout) restores into the same row, bit for bit. */
    @Test
    void restoresAccumulatorsWrittenInVersion2() throws Exception {
        for (List<MetricPoint> ps : legacySeries()) {
            byte[] old = LegacyAccumulatorFormats.version2(LegacyAccumulatorFormats.Old.of(ps));
            MetricAccumulator back = new MetricAccumulatorSerializer().deserialize(new DataInputStream(new ByteArrayInputStream(old)));
            assertThat(back.toRow(0L)).usingRecursiveComparison().isEqualTo(aggregate(ps));
            assertThat(roundTrip(back).toRow(0L)).usingRecursiveComparison().isEqualTo(aggregate(ps));
        }
    }

    @Test
    void refusesAFormatVersionFromTheFuture() {
        byte[] bytes = {(byte) (MetricAccumulatorSerializer.VERSION + 1), 0, 0, 0, 8};
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new MetricAccumulatorSerializer()
                .deserialize(new DataInputStream(new ByteArrayInputStream(bytes))))
                .hasMessageContaining("unknown MetricAccumulator version");
    }

    /** A gauge minute, a delta-sum minute with rates, a histogram minute (one layout: what old versions kept exactly). */
    private static List<List<MetricPoint>> legacySeries() {
        List<MetricPoint> rates = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            rates.add(Points.offset(Points.deltaSum("bytes", i * 10, i * 10 + 10, 3 * i + 0.1), 1, 10 + i));
        }
        double[] bounds = {1, 2};
        List<MetricPoint> hist = List.of(
                Points.offset(Points.histogram(DELTA, 0, 30, bounds, new long[] {1, 2, 3}, 9.5, 0.5, 3), 0, 1),
                Points.offset(Points.histogram(DELTA, 30, 60, bounds, new long[] {0, 1, 1}, 4.25, 1.5, 2.5), 0, 2));
        return List.of(gauges(20), rates, hist);
    }

    private static MetricAccumulator roundTrip(MetricAccumulator a) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new MetricAccumulatorSerializer().serialize(a, new DataOutputStream(bytes));
        return new MetricAccumulatorSerializer().deserialize(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
    }

    private static void assertClose(Double actual, Double expected) {
        if (expected == null) {
            assertThat(actual).isNull();
        } else {
            assertThat(actual).isCloseTo(expected, within(1e-12 * Math.max(1, Math.abs(expected))));
        }
    }

    @Test
    void exponentialHistogramsMergeAtTheLowerScale() {
        // scale 1 [5,5,20,20] folds to scale 0 [10,40]; plus scale 0 offset 2 [40,10] -> [10,40,40,10]
        // p95 in (8,16] half way, max 12: 8 * (12/8)^0.5
        MetricRow r = aggregate(List.of(
                Points.exponential(DELTA, 0, 30, 1, 0, 0, new long[] {5, 5, 20, 20}, 0, new long[0], 100, 1.1, 3.9),
                Points.exponential(DELTA, 30, 60, 0, 0, 2, new long[] {40, 10}, 0, new long[0], 400, 4.5, 12)));

        assertThat(r.kind).isEqualTo(AggregateKind.EXPONENTIAL_HISTOGRAM);
        assertThat(r.count).isEqualTo(100);
        assertThat(r.avg).isEqualTo(5.0);
        assertThat(r.max).isEqualTo(12.0);
        assertThat(r.p95).isCloseTo(8 * Math.sqrt(1.5), within(EPS));
        assertThat(r.expScale).isEqualTo(0);
        assertThat(r.expPositiveOffset).isEqualTo(0);
        assertThat(r.expPositiveCounts).containsExactly(10, 40, 40, 10);
    }

    @Test
    void summaryP95IsTheWorstNearestQuantileAndMaxIsQuantileOne() {
        // avg = (2 + 4) / (4 + 6) = 0.6; p95: point 1 has no 0.95, nearest is 0.99 -> 0.8; point 2 has 0.7
        MetricRow r = aggregate(List.of(
                Points.summary(DELTA, 0, 30, 4, 2.0, new double[] {0.5, 0.9, 0.99, 1.0}, new double[] {0.3, 0.6, 0.8, 1.2}),
                Points.summary(DELTA, 30, 60, 6, 4.0, new double[] {0.5, 0.95, 1.0}, new double[] {0.35, 0.7, 0.9})));

        assertThat(r.kind).isEqualTo(AggregateKind.SUMMARY);
        assertThat(r.count).isEqualTo(10);
        assertThat(r.avg).isCloseTo(0.6, within(EPS));
        assertThat(r.p95).isEqualTo(0.8);
        assertThat(r.max).isEqualTo(1.2);
    }

    @Test
    void cumulativeOrMismatchedPointsAreIgnoredAndCounted() {
        MetricAccumulator a = new MetricAccumulator();
        assertThat(a.add(Points.counter(0, 10, 5))).isFalse(); // not converted
        assertThat(a.add(Points.gauge("g", 10, 1))).isTrue();
        assertThat(a.add(Points.deltaSum("g", 0, 10, 1))).isFalse(); // other kind than the series'
        assertThat(a.ignored()).isEqualTo(2);
        assertThat(a.points()).isEqualTo(1);
    }

    @Test
    void upDownCounterIsALevel() {
        MetricRow r = aggregate(List.of(Points.upDown("system.memory.usage", 10, 100), Points.upDown("system.memory.usage", 20, 300)));
        assertThat(r.kind).isEqualTo(AggregateKind.LEVEL);
        assertThat(r.avg).isEqualTo(200.0);
        assertThat(r.last).isEqualTo(300.0);
    }

    @Test
    void mergeGivesTheSameRowAsAddingEverythingToOne() {
        List<MetricPoint> ps = gauges(30);
        MetricAccumulator one = new MetricAccumulator();
        ps.forEach(one::add);
        MetricAccumulator left = new MetricAccumulator();
        MetricAccumulator right = new MetricAccumulator();
        for (int i = 0; i < ps.size(); i++) {
            (i % 3 == 0 ? left : right).add(ps.get(ps.size() - 1 - i));
        }
        MetricAccumulator merged = new MetricAccumulator();
        merged.merge(left);
        merged.merge(right);
        merged.merge(new MetricAccumulator()); // empty accumulators change nothing

        assertThat(merged.toRow(0)).usingRecursiveComparison().isEqualTo(one.toRow(0));
        assertThat(merged.kllBytes()).isEqualTo(one.kllBytes()); // canonical bytes: order-free
    }

    @Test
    void mergeOfHistogramsAndExponentials() {
        MetricPoint h1 = Points.histogram(DELTA, 0, 30, new double[] {1}, new long[] {1, 2}, 4, 0.5, 3);
        MetricPoint h2 = Points.histogram(DELTA, 30, 60, new double[] {1}, new long[] {3, 0}, 1, 0.1, 0.9);
        MetricAccumulator a = new MetricAccumulator();
        a.add(h1);
        MetricAccumulator b = new MetricAccumulator();
        b.add(h2);
        a.merge(b);
        MetricRow r = a.toRow(0);
        assertThat(r.bucketCounts).containsExactly(4, 2);
        assertThat(r.count).isEqualTo(6);
        assertThat(r.min).isEqualTo(0.1);
        assertThat(r.max).isEqualTo(3.0);

        MetricAccumulator e1 = new MetricAccumulator();
        e1.add(Points.exponential(DELTA, 0, 30, 2, 1, 4, new long[] {1, 1, 1, 1}, 0, new long[0], 10, 0, 3));
        MetricAccumulator e2 = new MetricAccumulator();
        e2.add(Points.exponential(DELTA, 30, 60, 0, 0, 1, new long[] {2}, 0, new long[0], 6, 2.5, 3.5));
        e1.merge(e2);
        // scale 2 indexes 4..7 -> scale 0 index 1 (2,4]: 4 + 2 = 6
        assertThat(e1.toRow(0).expPositiveCounts).containsExactly(6);
        assertThat(e1.toRow(0).expZeroCount).isEqualTo(1);
    }

    @Test
    void serializedAccumulatorGivesTheSameRow() throws Exception {
        MetricAccumulatorSerializer ser = new MetricAccumulatorSerializer();
        List<MetricAccumulator> accs = new ArrayList<>();
        MetricAccumulator g = new MetricAccumulator();
        gauges(5).forEach(g::add);
        accs.add(g);
        MetricAccumulator h = new MetricAccumulator();
        h.add(Points.with(Points.histogram(DELTA, 0, 30, new double[] {1, 2}, new long[] {1, 2, 3}, 9, 0.5, 3), "route", "/a"));
        accs.add(h);
        MetricAccumulator e = new MetricAccumulator();
        e.add(Points.exponential(DELTA, 0, 30, 1, 1, -3, new long[] {1, 2}, 2, new long[] {4}, -10, -6, 1));
        accs.add(e);
        MetricAccumulator s = new MetricAccumulator();
        s.add(Points.summary(DELTA, 0, 30, 3, 1, new double[] {0.95, 1}, new double[] {0.5, 0.7}));
        accs.add(s);
        accs.add(new MetricAccumulator());

        for (MetricAccumulator a : accs) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            ser.serialize(a, new DataOutputStream(bytes));
            MetricAccumulator back = ser.deserialize(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
            assertThat(back.toRow(60_000)).usingRecursiveComparison().isEqualTo(a.toRow(60_000));
            assertThat(ser.copy(a).toRow(60_000)).usingRecursiveComparison().isEqualTo(a.toRow(60_000));
        }
    }

    @Test
    void rowCarriesIdentityAndLabelsJson() {
        MetricAccumulator a = new MetricAccumulator();
        a.add(Points.with(Points.gauge("queue.depth", 1, 2), "q", "a\"b\\c\n", "b", "1"));
        MetricRow r = a.toRow(120_000);

        assertThat(r.bucketStartMillis).isEqualTo(120_000);
        assertThat(r.tenant).isEqualTo("acme");
        assertThat(r.resourceUrn).isEqualTo("urn:svc:shop/checkout");
        assertThat(r.metric).isEqualTo("queue.depth");
        assertThat(r.attributes()).containsOnlyKeys("b", "q");
        assertThat(r.labelsJson()).isEqualTo("{\"b\":\"1\",\"q\":\"a\\\"b\\\\c\\n\"}");
    }

    /** {@link MetricAccumulator#copy} is the serializer's copy, field for field, for every kind (and the empty one). */
    @Test
    void copyIsTheSerializedRoundTripForEveryKind() throws Exception {
        List<List<MetricPoint>> series = List.of(
                List.of(),
                List.of(Points.gauge("g", 1, 0.5), Points.gauge("g", 11, -2)),
                List.of(Points.offset(Points.deltaSum("d", 0, 10, 3), 1, 7), Points.offset(Points.deltaSum("d", 10, 20, 4), 0, 9)),
                List.of(Points.histogram(Temporality.DELTA, 0, 30, new double[] {1, 2}, new long[] {1, 2, 3}, 9, 0.5, 3),
                        Points.histogram(Temporality.DELTA, 30, 60, new double[] {1}, new long[] {4, 0}, 2, 0.5, 0.5)),
                List.of(Points.exponential(Temporality.DELTA, 0, 30, -2, 1, -3, new long[] {1, 2}, 2, new long[] {4}, -10, -6, 1)),
                List.of(Points.summary(Temporality.DELTA, 0, 30, 3, 6, new double[] {0.5, 1.0}, new double[] {2, 4})));
        MetricAccumulatorSerializer ser = new MetricAccumulatorSerializer();
        for (List<MetricPoint> points : series) {
            MetricAccumulator a = new MetricAccumulator(64);
            points.forEach(a::add);
            a.add(Points.summary(Temporality.DELTA, 0, 1, 1, 1, new double[0], new double[0])); // refused unless a summary: ignored
            MetricAccumulator c = a.copy();
            assertThat(bytes(ser, c)).as("%s", points).isEqualTo(bytes(ser, ser.copy(a))).isEqualTo(bytes(ser, a));
            assertThat(c.toRow(0)).usingRecursiveComparison().isEqualTo(a.toRow(0));
            if (!points.isEmpty()) {
                c.merge(c.copy());
                assertThat(a.points()).as("the copy is apart from the original").isLessThan(c.points());
            }
        }
    }

    private static byte[] bytes(MetricAccumulatorSerializer ser, MetricAccumulator a) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ser.serialize(a, new DataOutputStream(out));
        return out.toByteArray();
    }
}
