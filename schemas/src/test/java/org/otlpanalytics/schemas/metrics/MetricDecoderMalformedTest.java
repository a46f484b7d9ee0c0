package org.otlpanalytics.schemas.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.otlpanalytics.schemas.metrics.MetricDecoderTest.exponential;
import static org.otlpanalytics.schemas.metrics.MetricDecoderTest.expPoint;
import static org.otlpanalytics.schemas.metrics.MetricDecoderTest.gauge;
import static org.otlpanalytics.schemas.metrics.MetricDecoderTest.histPoint;
import static org.otlpanalytics.schemas.metrics.MetricDecoderTest.histogram;
import static org.otlpanalytics.schemas.metrics.MetricDecoderTest.q;
import static org.otlpanalytics.schemas.metrics.MetricDecoderTest.sum;
import static org.otlpanalytics.schemas.metrics.MetricFixtures.SEC;
import static org.otlpanalytics.schemas.metrics.MetricFixtures.T0;
import static org.otlpanalytics.schemas.metrics.MetricFixtures.request;

import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.Summary;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.otlpanalytics.schemas.DecodeException;
import org.otlpanalytics.schemas.Encoding;

class MetricDecoderMalformedTest {
    private static final AggregationTemporality DELTA = AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA;
    private static final NumberDataPoint GOOD = NumberDataPoint.newBuilder().setTimeUnixNano(T0).setAsInt(1).build();

    private final MetricDecoder proto = new MetricDecoder(Encoding.OTLP_PROTO);

    /** Decodes a good metric followed by {@code bad}; expects a rejection naming {@code reason}. */
    private void assertRejected(Metric bad, String reason) {
        List<MetricPoint> out = new ArrayList<>();
        out.add(new MetricPoint()); // something already in the list stays, nothing else is added
        byte[] bytes = request(gauge("ok", GOOD), bad).toByteArray();
        assertThatThrownBy(() -> proto.decode(bytes, 0, 0, out))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining(reason);
        assertThat(out).hasSize(1);
    }

    @Test
    void rejectsBytesThatAreNotProtobuf() {
        assertThatThrownBy(() -> proto.decode(new byte[] {(byte) 0xff, 0x01, 0x02}, 0, 0, new ArrayList<>()))
                .isInstanceOf(DecodeException.class).hasMessageStartingWith("otlp_proto:");
        assertThatThrownBy(() -> proto.decode((byte[]) null, 0, 0, new ArrayList<>()))
                .isInstanceOf(DecodeException.class).hasMessageContaining("null");
    }

    @Test
    void rejectsJsonThatIsNotOtlp() {
        MetricDecoder json = new MetricDecoder(Encoding.OTLP_JSON);
        assertThatThrownBy(() -> json.decode("[1,2]".getBytes(StandardCharsets.UTF_8), 0, 0, new ArrayList<>()))
                .isInstanceOf(DecodeException.class).hasMessageContaining("not an object");
        assertThatThrownBy(() -> json.decode("{\"resourceMetrics\": 5".getBytes(StandardCharsets.UTF_8), 0, 0,
                new ArrayList<>())).isInstanceOf(DecodeException.class).hasMessageStartingWith("otlp_json:");
    }

    @Test
    void rejectsAMetricWithoutName() {
        assertRejected(gauge("", GOOD), "without a name");
    }

    @Test
    void rejectsUnspecifiedTemporality() {
        assertRejected(sum("s", AggregationTemporality.AGGREGATION_TEMPORALITY_UNSPECIFIED, true, GOOD),
                "unspecified aggregation temporality");
    }

    @Test
    void rejectsAPointWithoutTime() {
        assertRejected(gauge("g", NumberDataPoint.newBuilder().setAsInt(1).build()), "without time_unix_nano");
    }

    @Test
    void rejectsASumThatStartsAfterItsTime() {
        assertRejected(sum("s", DELTA, true, NumberDataPoint.newBuilder().setStartTimeUnixNano(T0 + SEC)
                .setTimeUnixNano(T0).setAsInt(1).build()), "starts after its time");
    }

    @Test
    void rejectsBucketCountsThatDoNotMatchTheBounds() {
        assertRejected(histogram(DELTA, histPoint().addBucketCounts(0).build()), "4 bucket counts for 2 explicit bounds");
        assertRejected(histogram(DELTA, histPoint().clearBucketCounts().build()), "0 bucket counts for 2 explicit bounds");
    }

    @Test
    void rejectsANegativeBucketCount() {
        // fixed64 2^64-1 reads as -1 in Java
        assertRejected(histogram(DELTA, histPoint().setBucketCounts(0, -1L).build()), "out of range (18446744073709551615)");
        assertRejected(histogram(DELTA, histPoint().setCount(-5L).build()), "count out of range");
    }

    @Test
    void rejectsBucketCountsThatDoNotAddUpToTheCount() {
        assertRejected(histogram(DELTA, histPoint().setCount(7).build()), "adding up to 6, not its count 7");
    }

    @Test
    void rejectsBoundsThatDoNotIncrease() {
        assertRejected(histogram(DELTA, histPoint().setExplicitBounds(1, 0.1).build()), "not strictly increasing");
        assertRejected(histogram(DELTA, histPoint().setExplicitBounds(1, Double.POSITIVE_INFINITY).build()), "non-finite");
    }

    @Test
    void rejectsMinAboveMax() {
        assertRejected(histogram(DELTA, histPoint().setMin(2).setMax(1).build()), "greater than max");
    }

    @Test
    void rejectsExponentialHistogramWithBadScaleOrCounts() {
        assertRejected(exponential(expPoint().setScale(21).build()), "scale 21 outside [-10, 20]");
        assertRejected(exponential(expPoint().setCount(4).build()), "adding up to 5, not its count 4");
        assertRejected(exponential(expPoint().setZeroThreshold(-1).build()), "invalid zero threshold");
        assertRejected(exponential(expPoint().setNegative(ExponentialHistogramDataPoint.Buckets.newBuilder()
                .setOffset(-1).addBucketCounts(-1L)).build()), "negative bucket count out of range");
        assertRejected(exponential(expPoint().setPositive(ExponentialHistogramDataPoint.Buckets.newBuilder()
                .setOffset(Integer.MAX_VALUE).addBucketCounts(1).addBucketCounts(2)).build()), "beyond 2^31");
    }

    @Test
    void rejectsAQuantileOutsideZeroToOne() {
        Metric m = Metric.newBuilder().setName("s").setSummary(Summary.newBuilder().addDataPoints(
                SummaryDataPoint.newBuilder().setTimeUnixNano(T0).setCount(1).addQuantileValues(q(1.5, 3)))).build();
        assertRejected(m, "quantile 1.5 outside [0, 1]");
    }

    @Test
    void rejectsTooManyBuckets() {
        var p = histPoint().clearExplicitBounds().clearBucketCounts().setCount(0);
        for (int i = 0; i < MetricDecoder.MAX_BUCKETS; i++) {
            p.addExplicitBounds(i).addBucketCounts(0);
        }
        p.addBucketCounts(0);
        assertRejected(histogram(DELTA, p.build()), "more than 2048");
    }
}
