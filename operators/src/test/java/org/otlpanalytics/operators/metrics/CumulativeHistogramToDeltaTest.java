package org.otlpanalytics.operators.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.otlpanalytics.operators.metrics.Points.at;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import org.junit.jupiter.api.Test;
import org.otlpanalytics.operators.metrics.CumulativeToDelta.Outcome;
import org.otlpanalytics.operators.metrics.CumulativeToDelta.Result;
import org.otlpanalytics.schemas.metrics.MetricPoint;
import org.otlpanalytics.schemas.metrics.Temporality;

/** Histograms, exponential histograms and summaries through CumulativeToDelta, and the state serializer. */
class CumulativeHistogramToDeltaTest {
    private static final Temporality CUM = Temporality.CUMULATIVE;
    private static final double[] BOUNDS = {1, 2, 5};

    private final CumulativeToDelta c2d = new CumulativeToDelta();

    @Test
    void histogramDeltaSubtractsBucketsAndKeepsOnlyAnExtremeThatMoved() {
        SeriesState s = new SeriesState();
        assertThat(c2d.convert(s, Points.histogram(CUM, -3600, 10, BOUNDS, new long[] {1, 2, 3, 0}, 10, 0.5, 4))
                .outcome).isEqualTo(Outcome.FIRST);

        Result r = c2d.convert(s, Points.histogram(CUM, -3600, 20, BOUNDS, new long[] {2, 2, 5, 1}, 25, 0.5, 7));

        assertThat(r.outcome).isEqualTo(Outcome.DELTA);
        MetricPoint d = r.point;
        assertThat(d.temporality).isEqualTo(Temporality.DELTA);
        assertThat(d.startTimeNanos).isEqualTo(at(10));
        assertThat(d.bucketCounts).containsExactly(1, 0, 2, 1);
        assertThat(d.explicitBounds).containsExactly(1, 2, 5);
        assertThat(d.count).isEqualTo(4);
        assertThat(d.sum).isEqualTo(15.0);
        assertThat(d.min).isNaN(); // cumulative min unchanged: this interval's min is unknown
        assertThat(d.max).isEqualTo(7.0); // cumulative max grew: it happened in this interval
    }

    @Test
    void histogramBucketFallIsAResetAndOtherBoundsAreALayoutChange() {
        SeriesState s = new SeriesState();
        c2d.convert(s, Points.histogram(CUM, -3600, 10, BOUNDS, new long[] {1, 2, 3, 0}, 10, 0.5, 4));
        c2d.convert(s, Points.histogram(CUM, -3600, 20, BOUNDS, new long[] {2, 2, 5, 1}, 25, 0.5, 7));

        Result reset = c2d.convert(s, Points.histogram(CUM, -3600, 30, BOUNDS, new long[] {0, 1, 0, 0}, 1.5, 1.5, 1.5));
        assertThat(reset.outcome).isEqualTo(Outcome.RESET);
        assertThat(reset.point.startTimeNanos).isEqualTo(at(20));
        assertThat(reset.point.bucketCounts).containsExactly(0, 1, 0, 0);
        assertThat(reset.point.max).isEqualTo(1.5); // a reset point's whole history is the interval

        Result layout = c2d.convert(s, Points.histogram(CUM, -3600, 40, new double[] {1, 2, 10},
                new long[] {0, 2, 0, 1}, 9.5, 1.5, 6));
        assertThat(layout.outcome).isEqualTo(Outcome.LAYOUT_CHANGED);
        assertThat(layout.point).isNull();
        Result after = c2d.convert(s, Points.histogram(CUM, -3600, 50, new double[] {1, 2, 10},
                new long[] {0, 2, 1, 1}, 12.5, 1.5, 6));
        assertThat(after.outcome).isEqualTo(Outcome.DELTA);
        assertThat(after.point.bucketCounts).containsExactly(0, 0, 1, 0);
    }

    @Test
    void exponentialHistogramDeltaAcrossAScaleChange() {
        SeriesState s = new SeriesState();
        // scale 1: buckets 0..3; at scale 0 they fold into [1+1, 2+2]
        c2d.convert(s, Points.exponential(CUM, -3600, 10, 1, 1, 0, new long[] {1, 1, 2, 2}, 0, new long[0], 9, 0, 3.5));
        Result r = c2d.convert(s, Points.exponential(CUM, -3600, 20, 0, 1, 0, new long[] {3, 6, 1}, 0, new long[0],
                20, 0, 7));

        assertThat(r.outcome).isEqualTo(Outcome.DELTA);
        assertThat(r.point.scale).isEqualTo(0);
        assertThat(r.point.zeroCount).isEqualTo(0);
        assertThat(r.point.positiveOffset).isEqualTo(0);
        assertThat(r.point.positiveBucketCounts).containsExactly(1, 2, 1);
        assertThat(r.point.count).isEqualTo(4);
        assertThat(r.point.sum).isEqualTo(11.0);
        assertThat(r.point.max).isEqualTo(7.0);

        Result reset = c2d.convert(s, Points.exponential(CUM, -3600, 30, 0, 0, 1, new long[] {7}, 0, new long[0],
                21, 3, 3.5));
        assertThat(reset.outcome).isEqualTo(Outcome.RESET);
        assertThat(reset.point.positiveBucketCounts).containsExactly(7);
    }

    @Test
    void summaryDeltaOfCountAndSumKeepsQuantiles() {
        SeriesState s = new SeriesState();
        double[] q = {0.5, 0.95};
        c2d.convert(s, Points.summary(CUM, -3600, 10, 10, 5.0, q, new double[] {0.4, 0.9}));
        Result r = c2d.convert(s, Points.summary(CUM, -3600, 20, 14, 7.0, q, new double[] {0.45, 0.8}));

        assertThat(r.outcome).isEqualTo(Outcome.DELTA);
        assertThat(r.point.count).isEqualTo(4);
        assertThat(r.point.sum).isEqualTo(2.0);
        assertThat(r.point.quantileValues).containsExactly(0.45, 0.8);
        assertThat(c2d.convert(s, Points.summary(CUM, -3600, 30, 3, 1.0, q, new double[] {0.3, 0.4})).outcome)
                .isEqualTo(Outcome.RESET);
    }

    @Test
    void serializedStateContinuesTheSeriesExactly() throws Exception {
        MetricPoint[][] series = {
            {Points.counter(-3600, 10, 100), Points.counter(-3600, 20, 150)},
            {Points.histogram(CUM, -3600, 10, BOUNDS, new long[] {1, 2, 3, 0}, 10, 0.5, 4),
                Points.histogram(CUM, -3600, 20, BOUNDS, new long[] {2, 2, 5, 1}, 25, 0.5, 7)},
            {Points.exponential(CUM, -3600, 10, 1, 1, -2, new long[] {1, 1, 2, 2}, 3, new long[] {4}, 9, -20, 3.5),
                Points.exponential(CUM, -3600, 20, 0, 1, -1, new long[] {3, 6, 1}, 1, new long[] {5}, 20, -20, 7)},
            {Points.summary(CUM, -3600, 10, 10, 5.0, new double[] {0.5}, new double[] {0.4}),
                Points.summary(CUM, -3600, 20, 14, 7.0, new double[] {0.5}, new double[] {0.45})},
        };
        SeriesStateSerializer ser = new SeriesStateSerializer();
        for (MetricPoint[] pair : series) {
            SeriesState live = new SeriesState();
            c2d.convert(live, pair[0]);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            ser.serialize(live, new DataOutputStream(bytes));
            SeriesState restored = ser.deserialize(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
            SeriesState copied = ser.copy(live);

            Result live2 = c2d.convert(live, pair[1]);
            assertThat(live2.outcome).isEqualTo(Outcome.DELTA);
            MetricPoint expected = live2.point;
            assertThat(c2d.convert(restored, pair[1]).point).usingRecursiveComparison()
                    .withComparatorForType(Double::compare, Double.class).isEqualTo(expected);
            assertThat(c2d.convert(copied, pair[1]).point).usingRecursiveComparison()
                    .withComparatorForType(Double::compare, Double.class).isEqualTo(expected);
        }
    }

    @Test
    void counterStateIsCompact() throws Exception {
        SeriesState s = new SeriesState();
        c2d.convert(s, Points.counter(-3600, 10, 100));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new SeriesStateSerializer().serialize(s, new DataOutputStream(bytes));
        assertThat(bytes.size()).isEqualTo(27);

        ByteArrayOutputStream empty = new ByteArrayOutputStream();
        new SeriesStateSerializer().serialize(new SeriesState(), new DataOutputStream(empty));
        assertThat(new SeriesStateSerializer().deserialize(
                new DataInputStream(new ByteArrayInputStream(empty.toByteArray()))).isEmpty()).isTrue();
    }
}
