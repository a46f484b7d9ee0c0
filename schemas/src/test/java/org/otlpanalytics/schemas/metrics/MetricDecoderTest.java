package org.otlpanalytics.schemas.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.otlpanalytics.schemas.metrics.MetricFixtures.SEC;
import static org.otlpanalytics.schemas.metrics.MetricFixtures.T0;
import static org.otlpanalytics.schemas.metrics.MetricFixtures.attr;
import static org.otlpanalytics.schemas.metrics.MetricFixtures.request;
import static org.otlpanalytics.schemas.metrics.MetricFixtures.resource;

import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.DataPointFlags;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogram;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.metrics.v1.Summary;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.otlpanalytics.schemas.DecodeException;
import org.otlpanalytics.schemas.Encoding;

class MetricDecoderTest {
    private final MetricDecoder proto = new MetricDecoder(Encoding.OTLP_PROTO);

    private List<MetricPoint> decode(Metric... metrics) throws DecodeException {
        List<MetricPoint> out = new ArrayList<>();
        proto.decode(request(metrics).toByteArray(), 3, 42L, out);
        return out;
    }

    static Metric gauge(String name, NumberDataPoint... dps) {
        return Metric.newBuilder().setName(name).setUnit("1")
                .setGauge(Gauge.newBuilder().addAllDataPoints(List.of(dps))).build();
    }

    static Metric sum(String name, AggregationTemporality t, boolean monotonic, NumberDataPoint... dps) {
        return Metric.newBuilder().setName(name).setUnit("By").setSum(Sum.newBuilder()
                .setAggregationTemporality(t).setIsMonotonic(monotonic).addAllDataPoints(List.of(dps))).build();
    }

    static Metric histogram(AggregationTemporality t, HistogramDataPoint dp) {
        return Metric.newBuilder().setName("http.server.request.duration").setUnit("s")
                .setHistogram(Histogram.newBuilder().setAggregationTemporality(t).addDataPoints(dp)).build();
    }

    static HistogramDataPoint.Builder histPoint() {
        return HistogramDataPoint.newBuilder().setStartTimeUnixNano(T0).setTimeUnixNano(T0 + 60 * SEC)
                .setCount(6).setSum(1.5).setMin(0.01).setMax(0.9)
                .addExplicitBounds(0.1).addExplicitBounds(0.5)
                .addBucketCounts(1).addBucketCounts(2).addBucketCounts(3);
    }

    static ExponentialHistogramDataPoint.Builder expPoint() {
        return ExponentialHistogramDataPoint.newBuilder().setStartTimeUnixNano(T0).setTimeUnixNano(T0 + 60 * SEC)
                .setCount(5).setSum(20).setScale(1).setZeroCount(1)
                .setPositive(ExponentialHistogramDataPoint.Buckets.newBuilder().setOffset(2)
                        .addBucketCounts(1).addBucketCounts(2))
                .setNegative(ExponentialHistogramDataPoint.Buckets.newBuilder().setOffset(-1).addBucketCounts(1));
    }

    static Metric exponential(ExponentialHistogramDataPoint dp) {
        return Metric.newBuilder().setName("rpc.duration").setUnit("ms").setExponentialHistogram(
                ExponentialHistogram.newBuilder().setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
                        .addDataPoints(dp)).build();
    }

    @Test
    void decodesGaugePointsWithResourceIdentityAndSortedAttributes() throws Exception {
        List<MetricPoint> out = decode(gauge("queue.depth",
                NumberDataPoint.newBuilder().setTimeUnixNano(T0).setAsInt(7)
                        .addAttributes(attr("queue", "b")).addAttributes(attr("partition", 2)).build(),
                NumberDataPoint.newBuilder().setTimeUnixNano(T0).setAsDouble(2.5).build()));

        assertThat(out).hasSize(2);
        MetricPoint p = out.get(0);
        assertThat(p.tenant).isEqualTo("acme");
        assertThat(p.serviceName).isEqualTo("checkout");
        assertThat(p.serviceNamespace).isEqualTo("shop");
        assertThat(p.serviceUrn).isEqualTo("urn:svc:shop/checkout");
        assertThat(p.hostName).isEqualTo("node-1");
        assertThat(p.resourceUrn).isEqualTo("urn:svc:shop/checkout");
        assertThat(p.name).isEqualTo("queue.depth");
        assertThat(p.unit).isEqualTo("1");
        assertThat(p.type).isEqualTo(MetricType.GAUGE);
        assertThat(p.temporality).isEqualTo(Temporality.NONE);
        assertThat(p.attributeKeys).containsExactly("partition", "queue");
        assertThat(p.attributeValues).containsExactly("2", "b");
        assertThat(p.attribute("queue")).isEqualTo("b");
        assertThat(p.valueIsInt).isTrue();
        assertThat(p.longValue).isEqualTo(7L);
        assertThat(p.value).isEqualTo(7.0);
        assertThat(p.timeNanos).isEqualTo(T0);
        assertThat(p.kafkaPartition).isEqualTo(3);
        assertThat(p.kafkaOffset).isEqualTo(42L);
        assertThat(p.labelsHash).isEqualTo(LabelsHash.of(new String[] {"partition", "queue"}, new String[] {"2", "b"}));

        MetricPoint q = out.get(1);
        assertThat(q.valueIsInt).isFalse();
        assertThat(q.value).isEqualTo(2.5);
        assertThat(q.attributeKeys).isEmpty();
    }

    @Test
    void decodesSumsWithTemporalityAndMonotonicity() throws Exception {
        List<MetricPoint> out = decode(
                sum("http.requests", AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE, true,
                        NumberDataPoint.newBuilder().setStartTimeUnixNano(T0).setTimeUnixNano(T0 + 10 * SEC)
                                .setAsInt(Long.MAX_VALUE - 1).build()),
                sum("queue.changes", AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA, false,
                        NumberDataPoint.newBuilder().setStartTimeUnixNano(T0).setTimeUnixNano(T0 + 10 * SEC)
                                .setAsDouble(-3.0).build()));

        assertThat(out).hasSize(2);
        assertThat(out.get(0).type).isEqualTo(MetricType.SUM);
        assertThat(out.get(0).temporality).isEqualTo(Temporality.CUMULATIVE);
        assertThat(out.get(0).monotonic).isTrue();
        assertThat(out.get(0).longValue).isEqualTo(Long.MAX_VALUE - 1); // exact, not through a double
        assertThat(out.get(0).startTimeNanos).isEqualTo(T0);
        assertThat(out.get(1).temporality).isEqualTo(Temporality.DELTA);
        assertThat(out.get(1).monotonic).isFalse();
        assertThat(out.get(1).value).isEqualTo(-3.0);
    }

    @Test
    void decodesHistogramBucketsSumMinMax() throws Exception {
        MetricPoint p = decode(histogram(AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA, histPoint().build())).get(0);

        assertThat(p.type).isEqualTo(MetricType.HISTOGRAM);
        assertThat(p.temporality).isEqualTo(Temporality.DELTA);
        assertThat(p.count).isEqualTo(6);
        assertThat(p.sum).isEqualTo(1.5);
        assertThat(p.min).isEqualTo(0.01);
        assertThat(p.max).isEqualTo(0.9);
        assertThat(p.explicitBounds).containsExactly(0.1, 0.5);
        assertThat(p.bucketCounts).containsExactly(1, 2, 3);
    }

    @Test
    void readsAbsentHistogramSumMinMaxAsNaN() throws Exception {
        MetricPoint p = decode(histogram(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE,
                histPoint().clearSum().clearMin().clearMax().build())).get(0);

        assertThat(p.sum).isNaN();
        assertThat(p.min).isNaN();
        assertThat(p.max).isNaN();
    }

    @Test
    void decodesExponentialHistogram() throws Exception {
        MetricPoint p = decode(exponential(expPoint().setMin(-1.5).setMax(3.9).setZeroThreshold(1e-9).build())).get(0);

        assertThat(p.type).isEqualTo(MetricType.EXPONENTIAL_HISTOGRAM);
        assertThat(p.temporality).isEqualTo(Temporality.CUMULATIVE);
        assertThat(p.count).isEqualTo(5);
        assertThat(p.sum).isEqualTo(20.0);
        assertThat(p.scale).isEqualTo(1);
        assertThat(p.zeroCount).isEqualTo(1);
        assertThat(p.zeroThreshold).isEqualTo(1e-9);
        assertThat(p.positiveOffset).isEqualTo(2);
        assertThat(p.positiveBucketCounts).containsExactly(1, 2);
        assertThat(p.negativeOffset).isEqualTo(-1);
        assertThat(p.negativeBucketCounts).containsExactly(1);
        assertThat(p.min).isEqualTo(-1.5);
        assertThat(p.max).isEqualTo(3.9);
    }

    @Test
    void decodesSummaryAndLeavesOutNonFiniteQuantileValues() throws Exception {
        Metric m = Metric.newBuilder().setName("legacy.latency").setUnit("s").setSummary(Summary.newBuilder()
                .addDataPoints(SummaryDataPoint.newBuilder().setStartTimeUnixNano(T0).setTimeUnixNano(T0 + SEC)
                        .setCount(10).setSum(4.2)
                        .addQuantileValues(q(0.5, 0.3)).addQuantileValues(q(0.95, 0.8))
                        .addQuantileValues(q(0.99, Double.NaN)))).build();

        MetricPoint p = decode(m).get(0);

        assertThat(p.type).isEqualTo(MetricType.SUMMARY);
        assertThat(p.temporality).isEqualTo(Temporality.CUMULATIVE);
        assertThat(p.count).isEqualTo(10);
        assertThat(p.sum).isEqualTo(4.2);
        assertThat(p.quantiles).containsExactly(0.5, 0.95);
        assertThat(p.quantileValues).containsExactly(0.3, 0.8);
    }

    static SummaryDataPoint.ValueAtQuantile q(double q, double v) {
        return SummaryDataPoint.ValueAtQuantile.newBuilder().setQuantile(q).setValue(v).build();
    }

    @Test
    void attributesSystemMetricsToTheHost() throws Exception {
        List<MetricPoint> out = new ArrayList<>();
        proto.decode(request(resource("hostmetrics", "node-7"),
                gauge("system.cpu.utilization", NumberDataPoint.newBuilder().setTimeUnixNano(T0).setAsDouble(0.4).build()),
                gauge("process.cpu.utilization", NumberDataPoint.newBuilder().setTimeUnixNano(T0).setAsDouble(0.1).build()))
                .toByteArray(), 0, 0, out);
        proto.decode(request(resource("lonely", null),
                gauge("system.cpu.utilization", NumberDataPoint.newBuilder().setTimeUnixNano(T0).setAsDouble(0.4).build()))
                .toByteArray(), 0, 1, out);

        assertThat(out).extracting(p -> p.resourceUrn)
                .containsExactly("urn:host:node-7", "urn:svc:shop/hostmetrics", "urn:svc:shop/lonely");
    }

    @Test
    void labelsHashDoesNotDependOnAttributeOrder() throws Exception {
        List<MetricPoint> out = decode(gauge("g",
                NumberDataPoint.newBuilder().setTimeUnixNano(T0).setAsInt(1)
                        .addAttributes(attr("a", "1")).addAttributes(attr("b", "2")).build(),
                NumberDataPoint.newBuilder().setTimeUnixNano(T0).setAsInt(1)
                        .addAttributes(attr("b", "2")).addAttributes(attr("a", "1")).build(),
                NumberDataPoint.newBuilder().setTimeUnixNano(T0).setAsInt(1)
                        .addAttributes(attr("a", "12")).build()));

        assertThat(out.get(0).labelsHash).isEqualTo(out.get(1).labelsHash);
        assertThat(out.get(0).labelsHash).isNotEqualTo(out.get(2).labelsHash);
    }

    @Test
    void capsAttributesKeepingTheSmallestKeysAndBoundsValues() throws Exception {
        NumberDataPoint.Builder dp = NumberDataPoint.newBuilder().setTimeUnixNano(T0).setAsInt(1);
        for (int i = 99; i >= 0; i--) {
            dp.addAttributes(attr(String.format("k%03d", i), "x".repeat(1000)));
        }
        MetricPoint p = decode(gauge("g", dp.build())).get(0);

        assertThat(p.attributeKeys).hasSize(MetricDecoder.MAX_ATTRIBUTES);
        assertThat(p.attributeKeys[0]).isEqualTo("k000");
        assertThat(p.attributeKeys[63]).isEqualTo("k063");
        assertThat(p.attributesDropped).isEqualTo(36);
        assertThat(p.attributeValues[0]).hasSize(256);
    }

    @Test
    void dropsAndCountsPointsWithoutAFiniteValue() throws Exception {
        List<MetricPoint> out = decode(gauge("g",
                NumberDataPoint.newBuilder().setTimeUnixNano(T0).setAsDouble(Double.NaN).build(),
                NumberDataPoint.newBuilder().setTimeUnixNano(T0).setAsDouble(Double.POSITIVE_INFINITY).build(),
                NumberDataPoint.newBuilder().setTimeUnixNano(T0).build(),
                NumberDataPoint.newBuilder().setTimeUnixNano(T0).setAsInt(5)
                        .setFlags(DataPointFlags.DATA_POINT_FLAGS_NO_RECORDED_VALUE_MASK_VALUE).build(),
                NumberDataPoint.newBuilder().setTimeUnixNano(T0).setAsInt(9).build()),
                histogram(AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA,
                        histPoint().setFlags(DataPointFlags.DATA_POINT_FLAGS_NO_RECORDED_VALUE_MASK_VALUE).build()));

        assertThat(out).hasSize(1);
        assertThat(out.get(0).longValue).isEqualTo(9);
        assertThat(proto.pointsDropped()).isEqualTo(5);
    }

    @Test
    void skipsMetricsWithoutData() throws Exception {
        assertThat(decode(Metric.newBuilder().setName("empty").build())).isEmpty();
    }

    @Test
    void copyIsDeep() throws Exception {
        MetricPoint p = decode(histogram(AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA, histPoint().build())).get(0);
        MetricPoint c = p.copy();
        c.bucketCounts[0] = 99;

        assertThat(p.bucketCounts[0]).isEqualTo(1);
        assertThat(c.toString()).isEqualTo(p.toString());
    }

    @Test
    void replacesNulInMetricNamesUnitsAndLabelsBeforeHashingThem() throws Exception {
        Metric m = Metric.newBuilder().setName("cpu\u0000.time").setUnit("s\u0000").setGauge(Gauge.newBuilder()
                .addDataPoints(NumberDataPoint.newBuilder().setTimeUnixNano(T0).setAsDouble(1)
                        .addAttributes(attr("st\u0000ate", "id\u0000le\n")))).build();
        MetricPoint p = decode(m).get(0);
        assertThat(p.name).isEqualTo("cpu\uFFFD.time");
        assertThat(p.unit).isEqualTo("s\uFFFD");
        assertThat(p.attributeKeys).containsExactly("st\uFFFDate");
        assertThat(p.attributeValues).as("a label value is text: the newline stays").containsExactly("id\uFFFDle\n");
        assertThat(p.labelsHash).isEqualTo(LabelsHash.of(new String[] {"st\uFFFDate"}, new String[] {"id\uFFFDle\n"}));
    }
}
