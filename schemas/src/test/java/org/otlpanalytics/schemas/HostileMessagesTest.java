package org.otlpanalytics.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogram;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.otlpanalytics.schemas.logs.LogDecoder;
import org.otlpanalytics.schemas.logs.LogRecordFlat;
import org.otlpanalytics.schemas.metrics.MetricDecoder;
import org.otlpanalytics.schemas.metrics.MetricPoint;
import org.otlpanalytics.schemas.traces.SpanDecoder;
import org.otlpanalytics.schemas.traces.SpanRecord;

/**
 * The decoders' bounds against hostile messages, each case next to one just inside the bound:
 * nesting depth, attributes per point, buckets per histogram, name length, lying lengths and
 * timestamps outside 1970–2262. The end-to-end counterpart is {@code HostileMessagesEndToEndTest}.
 */
class HostileMessagesTest {
    private static final long T = 1_772_359_200_000_000_000L; // 2026-03-01T10:00:00Z in ns

    static byte[] field(int number, byte[]... parts) {
        try {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            for (byte[] p : parts) {
                b.write(p);
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            CodedOutputStream c = CodedOutputStream.newInstance(out);
            c.writeByteArray(number, b.toByteArray());
            c.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An AnyValue {@code depth} containers deep, arrays and kvlists alternating, written byte by byte (no recursion). */
    static byte[] nestedAnyValue(int depth) {
        byte[] v = AnyValue.newBuilder().setStringValue("leaf").build().toByteArray();
        for (int i = 0; i < depth; i++) {
            v = i % 2 == 0 ? field(5, field(1, v)) : field(6, field(1, field(1, "k".getBytes(StandardCharsets.UTF_8)), field(2, v)));
        }
        return v;
    }

    static Span span(long startNanos) {
        return Span.newBuilder().setTraceId(ByteString.copyFrom(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}))
                .setSpanId(ByteString.copyFrom(new byte[] {0, 0, 0, 0, 0, 0, 0, 1})).setName("op")
                .setKind(Span.SpanKind.SPAN_KIND_SERVER).setStartTimeUnixNano(startNanos).setEndTimeUnixNano(startNanos + 1000).build();
    }

    /** A one-span request whose span carries attribute {@code deep} nested {@code depth} levels. */
    static byte[] deepSpan(int depth) {
        byte[] kv = field(9, field(1, "deep".getBytes(StandardCharsets.UTF_8)), field(2, nestedAnyValue(depth)));
        byte[] spanBytes = field(2, span(T).toByteArray(), kv);
        return field(1, field(2, spanBytes));
    }

    private static List<SpanRecord> spans(byte[] message) throws DecodeException {
        List<SpanRecord> out = new ArrayList<>();
        new SpanDecoder(Encoding.OTLP_PROTO).decode(message, 0, 0, out);
        return out;
    }

    private static List<MetricPoint> points(MetricDecoder d, Metric m) throws DecodeException {
        List<MetricPoint> out = new ArrayList<>();
        d.decode(ExportMetricsServiceRequest.newBuilder().addResourceMetrics(ResourceMetrics.newBuilder()
                .addScopeMetrics(ScopeMetrics.newBuilder().addMetrics(m))).build().toByteArray(), 0, 0, out);
        return out;
    }

    private static KeyValue kv(String k, String v) {
        return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setStringValue(v)).build();
    }

    @Test
    void rejectsAnAnyValueNested10000DeepAndAcceptsOneInsideTheRecursionLimit() throws Exception {
        assertThat(spans(deepSpan(20))).hasSize(1);
        assertThatThrownBy(() -> spans(deepSpan(10_000))).isInstanceOf(DecodeException.class)
                .hasMessageStartingWith("otlp_proto: ").hasMessageContaining("too many levels of nesting");
        // resource_logs → scope_logs → log_records, whose body (field 5) is nested 10,000 deep
        byte[] deepLog = field(1, field(2, field(2, LogRecord.newBuilder().setTimeUnixNano(T).build().toByteArray(),
                field(5, nestedAnyValue(10_000)))));
        assertThatThrownBy(() -> new LogDecoder(Encoding.OTLP_PROTO).decode(deepLog, 0, 0, new ArrayList<>()))
                .isInstanceOf(DecodeException.class).hasMessageContaining("too many levels of nesting");
    }

    @Test
    void rejectsDeepJsonWithAReasonNotAStackOverflow() {
        StringBuilder json = new StringBuilder("{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"timeUnixNano\":\"1\",\"body\":");
        for (int i = 0; i < 10_000; i++) {
            json.append("{\"arrayValue\":{\"values\":[");
        }
        json.append("{\"stringValue\":\"x\"}");
        for (int i = 0; i < 10_000; i++) {
            json.append("]}}");
        }
        json.append("}]}]}]}");
        assertThatThrownBy(() -> new LogDecoder(Encoding.OTLP_JSON).decode(json.toString().getBytes(StandardCharsets.UTF_8), 0, 0,
                new ArrayList<>())).isInstanceOf(DecodeException.class).hasMessageStartingWith("otlp_json: ");
    }

    @Test
    void keepsASpanWith100000AttributesAndReadsTheOneThatMatters() throws Exception {
        Span.Builder s = span(T).toBuilder();
        for (int i = 0; i < 100_000; i++) {
            s.addAttributes(kv("a" + i, "v"));
        }
        s.addAttributes(kv("peer.service", "payment"));
        List<SpanRecord> out = spans(ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
                .addScopeSpans(ScopeSpans.newBuilder().addSpans(s))).build().toByteArray());
        assertThat(out).hasSize(1);
        assertThat(out.get(0).peerService).isEqualTo("payment");
    }

    @Test
    void keepsTheSmallest64Of100000PointAttributesAndCountsTheRest() throws Exception {
        NumberDataPoint.Builder dp = NumberDataPoint.newBuilder().setTimeUnixNano(T).setAsInt(1);
        for (int i = 99_999; i >= 0; i--) {
            dp.addAttributes(kv(String.format("k%06d", i), "v" + i));
        }
        MetricDecoder d = new MetricDecoder(Encoding.OTLP_PROTO);
        Metric m = Metric.newBuilder().setName("g").setGauge(Gauge.newBuilder().addDataPoints(dp)).build();
        MetricPoint p = points(d, m).get(0);
        assertThat(p.attributeKeys).hasSize(64).startsWith("k000000").endsWith("k000063");
        assertThat(p.attributeValues[63]).isEqualTo("v63");
        assertThat(p.attributesDropped).isEqualTo(99_936);
        points(d, m);
        assertThat(d.attributesDropped()).isEqualTo(2 * 99_936);
    }

    @Test
    void rejectsHistogramsWithAMillionBucketsAndAccepts2048() throws Exception {
        MetricDecoder d = new MetricDecoder(Encoding.OTLP_PROTO);
        assertThat(points(d, exponential(MetricDecoder.MAX_BUCKETS))).hasSize(1);
        assertThatThrownBy(() -> points(d, exponential(1_000_000))).isInstanceOf(DecodeException.class)
                .hasMessage("exponential_histogram point of metric 'latency' has 1000000 positive buckets, more than 2048");
        HistogramDataPoint.Builder h = HistogramDataPoint.newBuilder().setTimeUnixNano(T).setCount(0);
        for (int i = 0; i < 1_000_000; i++) {
            h.addBucketCounts(0);
        }
        Metric explicit = Metric.newBuilder().setName("latency").setHistogram(Histogram.newBuilder()
                .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA).addDataPoints(h)).build();
        assertThatThrownBy(() -> points(d, explicit)).isInstanceOf(DecodeException.class)
                .hasMessage("histogram point of metric 'latency' has 1000000 buckets, more than 2048");
    }

    static Metric exponential(int buckets) {
        ExponentialHistogramDataPoint.Buckets.Builder b = ExponentialHistogramDataPoint.Buckets.newBuilder();
        for (int i = 0; i < buckets; i++) {
            b.addBucketCounts(1);
        }
        return Metric.newBuilder().setName("latency").setExponentialHistogram(ExponentialHistogram.newBuilder()
                .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA)
                .addDataPoints(ExponentialHistogramDataPoint.newBuilder().setTimeUnixNano(T).setScale(0).setCount(buckets)
                        .setPositive(b))).build();
    }

    @Test
    void cutsAMegabyteMetricNameAndLabelValueTo256Characters() throws Exception {
        String mb = "n".repeat(1 << 20);
        Metric m = Metric.newBuilder().setName(mb).setGauge(Gauge.newBuilder().addDataPoints(NumberDataPoint.newBuilder()
                .setTimeUnixNano(T).setAsInt(1).addAttributes(kv("queue", mb)))).build();
        MetricPoint p = points(new MetricDecoder(Encoding.OTLP_PROTO), m).get(0);
        assertThat(p.name).hasSize(256);
        assertThat(p.attributeValues[0]).hasSize(256);
    }

    @Test
    void rejectsMessagesWhoseDeclaredLengthsLie() throws Exception {
        byte[] good = ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
                .setResource(Resource.newBuilder().addAttributes(kv("service.name", "cart")))
                .addScopeSpans(ScopeSpans.newBuilder().addSpans(span(T)))).build().toByteArray();
        assertThat(spans(good)).hasSize(1);
        // cut short: the outer length promises more than is there
        assertThatThrownBy(() -> spans(Arrays.copyOf(good, good.length - 7))).isInstanceOf(DecodeException.class)
                .hasMessageContaining("input ended unexpectedly");
        // a length of 2^31-1 for a field of a few bytes: refused before anything that size is allocated
        byte[] huge = {0x0A, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07, 0x12, 0x00};
        assertThatThrownBy(() -> spans(huge)).isInstanceOf(DecodeException.class).hasMessageContaining("Protocol message was too large");
        // a negative length (ten-byte varint of -1)
        byte[] negative = {0x0A, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
            (byte) 0xFF, (byte) 0xFF, 0x01, 0x12};
        assertThatThrownBy(() -> spans(negative)).isInstanceOf(DecodeException.class).hasMessageContaining("negative size");
    }

    @Test
    void rejectsTimesAtZeroAndBeyond2262AndKeepsTheLastNanosecondBeforeIt() throws Exception {
        assertThatThrownBy(() -> spans(oneSpan(0))).isInstanceOf(DecodeException.class).hasMessage("span without a start time");
        assertThatThrownBy(() -> spans(oneSpan(-5_000_000_000L))).isInstanceOf(DecodeException.class)
                .hasMessage("span time beyond year 2262");
        assertThat(spans(oneSpan(Long.MAX_VALUE - 1000))).hasSize(1); // 2262-04-11: the deserializer's future skew refuses it
        assertThatThrownBy(() -> logs(0)).isInstanceOf(DecodeException.class)
                .hasMessage("log record without time_unix_nano or observed_time_unix_nano");
        assertThatThrownBy(() -> logs(-1)).isInstanceOf(DecodeException.class).hasMessage("log record time beyond year 2262");
        assertThat(logs(Long.MAX_VALUE)).hasSize(1);
        MetricDecoder d = new MetricDecoder(Encoding.OTLP_PROTO);
        for (long t : new long[] {0, -1}) {
            Metric m = Metric.newBuilder().setName("g").setGauge(Gauge.newBuilder().addDataPoints(NumberDataPoint.newBuilder()
                    .setTimeUnixNano(t).setAsInt(1))).build();
            assertThatThrownBy(() -> points(d, m)).isInstanceOf(DecodeException.class)
                    .hasMessage(t == 0 ? "point of metric 'g' without time_unix_nano" : "point of metric 'g' has a time beyond year 2262");
        }
    }

    private static byte[] oneSpan(long startNanos) {
        return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
                .addScopeSpans(ScopeSpans.newBuilder().addSpans(span(startNanos).toBuilder().setEndTimeUnixNano(startNanos + 1000))))
                .build().toByteArray();
    }

    private static List<LogRecordFlat> logs(long timeNanos) throws DecodeException {
        List<LogRecordFlat> out = new ArrayList<>();
        new LogDecoder(Encoding.OTLP_PROTO).decode(ExportLogsServiceRequest.newBuilder().addResourceLogs(ResourceLogs.newBuilder()
                .addScopeLogs(ScopeLogs.newBuilder().addLogRecords(LogRecord.newBuilder().setTimeUnixNano(timeNanos)
                        .setBody(AnyValue.newBuilder().setStringValue("x"))))).build().toByteArray(), 0, 0, out);
        return out;
    }
}
