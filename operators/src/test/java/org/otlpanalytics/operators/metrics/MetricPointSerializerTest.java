package org.otlpanalytics.operators.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;
import org.otlpanalytics.schemas.metrics.MetricPoint;
import org.otlpanalytics.schemas.metrics.Temporality;

class MetricPointSerializerTest {
    /** Same bits: NaN equals NaN. */
    private static final java.util.function.BiPredicate<Double, Double> BITS = (a, b) -> Double.compare(a, b) == 0;

    @Test
    void everyPointTypeRoundTripsWithAllItsFields() throws Exception {
        MetricPointSerializer ser = new MetricPointSerializer();
        MetricPoint counter = Points.offset(Points.with(Points.counter(-10, 20, 7), "cpu", "0", "state", "user"), 2, 99);
        counter.hostName = "node-1";
        counter.attributesDropped = 3;
        MetricPoint gauge = Points.gauge("g", 1, -2.5);
        gauge.unit = null;
        List<MetricPoint> points = List.of(counter, gauge,
                Points.histogram(Temporality.DELTA, 0, 30, new double[] {1, 2}, new long[] {1, 2, 3}, 9, 0.5, 3),
                Points.exponential(Temporality.CUMULATIVE, 0, 30, -2, 1, -3, new long[] {1, 2}, 2, new long[] {4}, -10, -6, 1),
                Points.summary(Temporality.CUMULATIVE, 0, 30, 3, 1, new double[] {0.95, 1}, new double[] {0.5, 0.7}),
                new MetricPoint());
        for (MetricPoint p : points) {
            DataOutputSerializer out = new DataOutputSerializer(64);
            ser.serialize(p, out);
            MetricPoint back = ser.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
            assertThat(back).usingRecursiveComparison().withEqualsForType(BITS, Double.class).isEqualTo(p);
            assertThat(ser.copy(p)).usingRecursiveComparison().withEqualsForType(BITS, Double.class).isEqualTo(p);
        }
    }
}
