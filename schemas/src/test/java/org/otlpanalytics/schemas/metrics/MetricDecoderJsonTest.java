package org.otlpanalytics.schemas.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.util.JsonFormat;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.otlpanalytics.schemas.DecodeException;
import org.otlpanalytics.schemas.Encoding;

/** OTLP/JSON as the Collector's Kafka exporter writes it: integer enums, 64-bit ints as strings, hex ids. */
class MetricDecoderJsonTest {
    private static final String RESOURCE = """
            "resource": {"attributes": [
              {"key": "service.name", "value": {"stringValue": "checkout"}},
              {"key": "host.name", "value": {"stringValue": "node-1"}}]}
            """;

    private static String message(String metric) {
        return "{\"resourceMetrics\": [{" + RESOURCE + ", \"scopeMetrics\": [{\"scope\": {\"name\": \"test\"},"
                + " \"metrics\": [" + metric + "]}]}]}";
    }

    private final MetricDecoder json = new MetricDecoder(Encoding.OTLP_JSON);

    private List<MetricPoint> decode(String metric) throws DecodeException {
        List<MetricPoint> out = new ArrayList<>();
        json.decode(message(metric).getBytes(StandardCharsets.UTF_8), 1, 9L, out);
        return out;
    }

    @Test
    void decodesGauge() throws Exception {
        MetricPoint p = decode("""
                {"name": "queue.depth", "unit": "1", "gauge": {"dataPoints": [
                  {"timeUnixNano": "1700000000000000000", "asInt": "7",
                   "attributes": [{"key": "queue", "value": {"stringValue": "a"}}]}]}}
                """).get(0);

        assertThat(p.type).isEqualTo(MetricType.GAUGE);
        assertThat(p.serviceUrn).isEqualTo("urn:svc:default/checkout");
        assertThat(p.longValue).isEqualTo(7);
        assertThat(p.timeNanos).isEqualTo(1_700_000_000_000_000_000L);
        assertThat(p.attributeKeys).containsExactly("queue");
        assertThat(p.kafkaOffset).isEqualTo(9L);
    }

    @Test
    void decodesCumulativeMonotonicSumWithNumbersAsNumbers() throws Exception {
        MetricPoint p = decode("""
                {"name": "system.network.io", "unit": "By", "sum": {"aggregationTemporality": 2, "isMonotonic": true,
                 "dataPoints": [{"startTimeUnixNano": 1699999940000000000, "timeUnixNano": 1700000000000000000,
                                 "asDouble": 12.5}]}}
                """).get(0);

        assertThat(p.type).isEqualTo(MetricType.SUM);
        assertThat(p.temporality).isEqualTo(Temporality.CUMULATIVE);
        assertThat(p.monotonic).isTrue();
        assertThat(p.value).isEqualTo(12.5);
        assertThat(p.startTimeNanos).isEqualTo(1_699_999_940_000_000_000L);
        assertThat(p.resourceUrn).isEqualTo("urn:host:node-1");
    }

    @Test
    void decodesHistogram() throws Exception {
        MetricPoint p = decode("""
                {"name": "http.server.request.duration", "unit": "s", "histogram": {"aggregationTemporality": 1,
                 "dataPoints": [{"startTimeUnixNano": "1699999940000000000", "timeUnixNano": "1700000000000000000",
                   "count": "6", "sum": 1.5, "min": 0.01, "max": 0.9,
                   "bucketCounts": ["1", "2", "3"], "explicitBounds": [0.1, 0.5]}]}}
                """).get(0);

        assertThat(p.type).isEqualTo(MetricType.HISTOGRAM);
        assertThat(p.temporality).isEqualTo(Temporality.DELTA);
        assertThat(p.count).isEqualTo(6);
        assertThat(p.bucketCounts).containsExactly(1, 2, 3);
        assertThat(p.explicitBounds).containsExactly(0.1, 0.5);
        assertThat(p.min).isEqualTo(0.01);
        assertThat(p.max).isEqualTo(0.9);
    }

    @Test
    void decodesExponentialHistogramIgnoringExemplarsWithHexIds() throws Exception {
        MetricPoint p = decode("""
                {"name": "rpc.duration", "unit": "ms", "exponentialHistogram": {"aggregationTemporality": 2,
                 "dataPoints": [{"startTimeUnixNano": "1699999940000000000", "timeUnixNano": "1700000000000000000",
                   "count": "5", "sum": 20, "scale": 1, "zeroCount": "1",
                   "positive": {"offset": 2, "bucketCounts": ["1", "2"]},
                   "negative": {"offset": -1, "bucketCounts": ["1"]},
                   "exemplars": [{"timeUnixNano": "1700000000000000000", "asDouble": 3.0,
                                  "traceId": "5b8efff798038103d269b633813fc60c", "spanId": "eee19b7ec3c1b174"}]}]}}
                """).get(0);

        assertThat(p.type).isEqualTo(MetricType.EXPONENTIAL_HISTOGRAM);
        assertThat(p.scale).isEqualTo(1);
        assertThat(p.zeroCount).isEqualTo(1);
        assertThat(p.positiveOffset).isEqualTo(2);
        assertThat(p.positiveBucketCounts).containsExactly(1, 2);
        assertThat(p.negativeOffset).isEqualTo(-1);
        assertThat(p.negativeBucketCounts).containsExactly(1);
    }

    @Test
    void decodesSummaryWithNaNQuantileLeftOut() throws Exception {
        MetricPoint p = decode("""
                {"name": "legacy.latency", "unit": "s", "summary": {"dataPoints": [
                  {"timeUnixNano": "1700000000000000000", "count": "10", "sum": 4.2,
                   "quantileValues": [{"quantile": 0.5, "value": 0.3}, {"quantile": 0.95, "value": 0.8},
                                      {"quantile": 0.99, "value": "NaN"}]}]}}
                """).get(0);

        assertThat(p.type).isEqualTo(MetricType.SUMMARY);
        assertThat(p.count).isEqualTo(10);
        assertThat(p.quantiles).containsExactly(0.5, 0.95);
        assertThat(p.quantileValues).containsExactly(0.3, 0.8);
    }

    @Test
    void rejectsMalformedJsonHistogram() {
        assertThatThrownBy(() -> decode("""
                {"name": "h", "histogram": {"aggregationTemporality": 1, "dataPoints": [
                  {"timeUnixNano": "1700000000000000000", "count": "3",
                   "bucketCounts": ["1", "2"], "explicitBounds": [0.1, 0.5]}]}}
                """)).isInstanceOf(DecodeException.class).hasMessageContaining("2 bucket counts for 2 explicit bounds");
        assertThatThrownBy(() -> decode("""
                {"name": "h", "histogram": {"aggregationTemporality": 1, "dataPoints": [
                  {"timeUnixNano": "1700000000000000000", "count": "3", "bucketCounts": ["-1"]}]}}
                """)).isInstanceOf(DecodeException.class);
    }

    @Test
    void givesTheSamePointsAsProto() throws Exception {
        var req = MetricFixtures.request(MetricDecoderTest.histogram(
                io.opentelemetry.proto.metrics.v1.AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE,
                MetricDecoderTest.histPoint().addAttributes(MetricFixtures.attr("route", "/pay")).build()));
        List<MetricPoint> fromProto = new ArrayList<>();
        new MetricDecoder(Encoding.OTLP_PROTO).decode(req.toByteArray(), 0, 0, fromProto);
        List<MetricPoint> fromJson = new ArrayList<>();
        json.decode(JsonFormat.printer().print(req).getBytes(StandardCharsets.UTF_8), 0, 0, fromJson);

        assertThat(fromJson).hasSize(1);
        assertThat(fromJson.get(0)).usingRecursiveComparison().isEqualTo(fromProto.get(0));
    }
}
