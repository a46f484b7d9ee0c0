package org.otlpanalytics.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.otlpanalytics.jobs.AnalyticsJob;
import org.otlpanalytics.jobs.config.JobOptions;
import org.otlpanalytics.jobs.demo.TelemetryGenerator;
import org.otlpanalytics.schemas.kafka.DeadLetterSerializer;
import org.otlpanalytics.tests.support.OtlpCounts;
import org.otlpanalytics.tests.support.Pipelines;
import org.otlpanalytics.tests.support.RedOracle;
import org.otlpanalytics.tests.support.Services;

/**
 * Hostile input through Kafka, the whole job (all four pipelines) and PostgreSQL. Between good
 * messages: NUL characters in a service name, a span name, an attribute key and value, a peer
 * name, a log body and severity, a metric name and label; invalid UTF-8 in a span name; and a span
 * dated an hour after its Kafka timestamp. The job runs to the end; every good record is counted
 * exactly (against counts taken straight from the protobuf messages); the hostile strings land
 * with U+FFFD where the NUL (or the invalid bytes) were; the future span is dead-lettered with its
 * reason and does not make the records after it late.
 */
class HostileInputEndToEndTest {
    @RegisterExtension
    static final Services SERVICES = new Services();

    private static final long START = Instant.parse("2026-03-03T09:00:00Z").toEpochMilli();
    private static final String R = "\uFFFD";
    private static final String SPANS = "otlp_spans";
    private static final String LOGS = "otlp_logs";
    private static final String METRICS = "otlp_metrics";

    private static KeyValue kv(String k, String v) {
        return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setStringValue(v)).build();
    }

    private static Resource resource(String service) {
        return Resource.newBuilder().addAttributes(kv("service.name", service)).addAttributes(kv("service.namespace", "shop"))
                .addAttributes(kv("tenant.id", "acme")).build();
    }

    private static ByteString id(int length, long value) {
        byte[] b = new byte[length];
        for (int i = 0; i < 8; i++) {
            b[length - 1 - i] = (byte) (value >>> (8 * i));
        }
        return ByteString.copyFrom(b);
    }

    /** A server span and its client call to an uninstrumented peer, the strings as given ({@code n} stands for NUL or U+FFFD). */
    static byte[] traces(String n, String service, long atMillis, long traceId) {
        long t = atMillis * 1_000_000L;
        Span server = Span.newBuilder().setTraceId(id(16, traceId)).setSpanId(id(8, 1)).setName("GET /ca" + n + "rt")
                .setKind(Span.SpanKind.SPAN_KIND_SERVER).setStartTimeUnixNano(t).setEndTimeUnixNano(t + 20_000_000L)
                .addAttributes(kv("http." + n + "route", "/ca" + n + "rt")).build();
        Span client = Span.newBuilder().setTraceId(id(16, traceId)).setSpanId(id(8, 2)).setParentSpanId(id(8, 1))
                .setName("charge").setKind(Span.SpanKind.SPAN_KIND_CLIENT).setStartTimeUnixNano(t + 1_000_000L)
                .setEndTimeUnixNano(t + 15_000_000L).addAttributes(kv("peer.service", "pay" + n + "ment")).build();
        return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder().setResource(resource(service))
                .addScopeSpans(ScopeSpans.newBuilder().addSpans(server).addSpans(client))).build().toByteArray();
    }

    static byte[] oneSpan(String service, String name, long startMillis, long traceId) {
        long t = startMillis * 1_000_000L;
        Span s = Span.newBuilder().setTraceId(id(16, traceId)).setSpanId(id(8, 1)).setName(name)
                .setKind(Span.SpanKind.SPAN_KIND_INTERNAL).setStartTimeUnixNano(t).setEndTimeUnixNano(t + 5_000_000L).build();
        return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder().setResource(resource(service))
                .addScopeSpans(ScopeSpans.newBuilder().addSpans(s))).build().toByteArray();
    }

    static byte[] logs(String n, String service, long atMillis) {
        ScopeLogs.Builder sl = ScopeLogs.newBuilder();
        for (int i = 0; i < 3; i++) {
            sl.addLogRecords(LogRecord.newBuilder().setTimeUnixNano((atMillis + i * 100L) * 1_000_000L)
                    .setSeverityNumber(SeverityNumber.SEVERITY_NUMBER_ERROR).setSeverityText("ERR" + n + "OR")
                    .setBody(AnyValue.newBuilder().setStringValue("order " + (40 + i) + " failed" + n + " after retry")));
        }
        return ExportLogsServiceRequest.newBuilder().addResourceLogs(ResourceLogs.newBuilder().setResource(resource(service))
                .addScopeLogs(sl)).build().toByteArray();
    }

    static byte[] metrics(String n, String service, long atMillis) {
        Gauge.Builder g = Gauge.newBuilder();
        for (int i = 0; i < 3; i++) {
            g.addDataPoints(NumberDataPoint.newBuilder().setTimeUnixNano((atMillis + i * 10_000L) * 1_000_000L).setAsInt(7 + i)
                    .addAttributes(kv("q" + n + "ueue", "or" + n + "ders")));
        }
        return ExportMetricsServiceRequest.newBuilder().addResourceMetrics(ResourceMetrics.newBuilder().setResource(resource(service))
                .addScopeMetrics(ScopeMetrics.newBuilder().addMetrics(Metric.newBuilder().setName("queue" + n + ".depth")
                        .setUnit("{message}").setGauge(g)))).build().toByteArray();
    }

    /** {@code text}'s UTF-8 bytes with the marker {@code @@} turned into an invalid sequence (0xC3 0x28). */
    static byte[] withInvalidUtf8(byte[] message) {
        byte[] b = message.clone();
        for (int i = 0; i + 1 < b.length; i++) {
            if (b[i] == '@' && b[i + 1] == '@') {
                b[i] = (byte) 0xC3;
                b[i + 1] = (byte) 0x28;
            }
        }
        return b;
    }

    @Test
    void hostileStringsLandSanitizedEveryGoodRecordCountsAndAFutureSpanIsDeadLettered() throws Exception {
        SERVICES.kafka().createTopics(2, SPANS, LOGS, METRICS, "otlp_deadletter");
        List<TelemetryGenerator.Message> msgs = new TelemetryGenerator(11, "acme")
                .generate(START, Duration.ofMinutes(4).toMillis(), 6);
        long middle = START + Duration.ofMinutes(2).toMillis();
        String nul = "\u0000";

        RedOracle red = new RedOracle();
        Map<String, Long> expectedLogs = new TreeMap<>();
        Map<String, Long> expectedGauges = new TreeMap<>();
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        Map<String, Integer> next = new HashMap<>();
        boolean hostileSent = false;
        for (TelemetryGenerator.Message m : msgs) {
            if (!hostileSent && m.timeMillis >= middle) {
                hostileSent = true;
                long t = m.timeMillis;
                // NUL in every kind of string, on both partitions of every topic; the oracle gets the documented result
                for (int p = 0; p < 2; p++) {
                    records.add(new ProducerRecord<>(SPANS, p, t, null, traces(nul, "check" + nul + "out", t - 500, 900 + p)));
                    red.add(traces(R, "check" + R + "out", t - 500, 900 + p));
                    records.add(new ProducerRecord<>(LOGS, p, t, null, logs(nul, "check" + nul + "out", t - 500)));
                    expectedLogs.merge("acme|check" + R + "out", 3L, Long::sum);
                    records.add(new ProducerRecord<>(METRICS, p, t, null, metrics(nul, "check" + nul + "out", t - 30_000)));
                    expectedGauges.merge("queue" + R + ".depth", 3L, Long::sum);
                }
                // invalid UTF-8 in a span name: repaired, not the whole message lost
                records.add(new ProducerRecord<>(SPANS, 1, t, null, withInvalidUtf8(oneSpan("cart", "bad@@name", t - 400, 950))));
                red.add(oneSpan("cart", "bad" + R + "(name", t - 400, 950));
                // a span dated an hour after its Kafka timestamp, followed by two more minutes of good data on its partition
                records.add(new ProducerRecord<>(SPANS, 0, t, null,
                        oneSpan("clock-ahead", "tomorrow", t + Duration.ofHours(1).toMillis(), 960)));
            }
            String topic = m.signal.equals("traces") ? SPANS : m.signal.equals("logs") ? LOGS : METRICS;
            int p = next.merge(topic, 1, Integer::sum) % 2;
            records.add(new ProducerRecord<>(topic, p, m.timeMillis, null, m.value));
            if (topic.equals(SPANS)) {
                red.add(m.value);
            } else if (topic.equals(LOGS)) {
                OtlpCounts.addLogRecordsPerTenantService(m.value, expectedLogs);
            } else {
                OtlpCounts.addGaugePointsPerMetric(m.value, expectedGauges);
            }
        }
        assertThat(hostileSent).isTrue();
        SERVICES.kafka().send(records);

        // the whole job, as the cluster runs it; it must end normally
        Pipelines.run(Pipelines.options(SERVICES.kafka(), SERVICES.postgres(), JobOptions.JOBS, AnalyticsJob.ALL_JOBS),
                AnalyticsJob.Taps.NONE);

        // RED: every row exactly, the sanitized ones included, the future span nowhere
        Map<String, long[]> actualRed = new TreeMap<>();
        try (Connection c = SERVICES.postgres().connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT r.bucket, t.code, d.name, r.operation, r.span_kind, r.status, r.calls, "
                        + "r.errors FROM red_1m r JOIN dim_tenant t USING (tenant_id) JOIN dim_resource d USING (resource_id)")) {
            while (rs.next()) {
                actualRed.put(RedOracle.key(rs.getTimestamp(1).toInstant(), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getString(6)), new long[] {rs.getLong(7), rs.getLong(8)});
            }
        }
        Map<String, long[]> expectedRed = new TreeMap<>();
        red.rows().forEach((k, e) -> expectedRed.put(k, new long[] {e.calls, e.errors}));
        assertThat(actualRed.keySet()).containsExactlyElementsOf(expectedRed.keySet());
        expectedRed.forEach((k, v) -> assertThat(actualRed.get(k)).as(k).containsExactly(v));
        assertThat(actualRed.keySet()).anyMatch(k -> k.contains("|check" + R + "out|GET /ca" + R + "rt|SERVER|"))
                .anyMatch(k -> k.contains("|cart|bad" + R + "(name|")).noneMatch(k -> k.contains("clock-ahead"));

        // logs: every record counted under its service; the NUL body and severity sanitized in the dictionary
        Map<String, Long> actualLogs = new TreeMap<>();
        for (String row : Pipelines.rows(SERVICES.postgres(), "SELECT t.code || '|' || d.name, sum(f.count_total) "
                + "FROM log_pattern_5m f JOIN dim_tenant t USING (tenant_id) JOIN dim_resource d USING (resource_id) GROUP BY 1")) {
            String[] p = row.split("\t");
            actualLogs.put(p[0], Long.parseLong(p[1]));
        }
        assertThat(actualLogs).isEqualTo(expectedLogs);
        assertThat(Pipelines.rows(SERVICES.postgres(), "SELECT sample, severity_text FROM log_pattern WHERE sample LIKE '%after retry'"))
                .containsExactly("order 40 failed" + R + " after retry\tERR" + R + "OR");

        // metrics: every gauge point counted; the NUL name and label sanitized
        Map<String, Long> actualGauges = new TreeMap<>();
        for (String row : Pipelines.rows(SERVICES.postgres(),
                "SELECT metric, sum(points) FROM metric_1m WHERE metric_type = 'gauge' GROUP BY metric")) {
            String[] p = row.split("\t");
            actualGauges.put(p[0], Long.parseLong(p[1]));
        }
        assertThat(actualGauges).isEqualTo(expectedGauges);
        assertThat(Pipelines.rows(SERVICES.postgres(), "SELECT DISTINCT labels->>'q" + R + "ueue' FROM metric_1m "
                + "WHERE metric = 'queue" + R + ".depth'")).containsExactly("or" + R + "ders");

        // identities everywhere: the service and the uninstrumented peer, with U+FFFD for the NUL
        assertThat(Pipelines.rows(SERVICES.postgres(), "SELECT kind || ' ' || name FROM dim_resource WHERE name LIKE '%" + R + "%' "
                + "ORDER BY 1")).containsExactly("peer pay" + R + "ment", "svc check" + R + "out");

        // dead letters: only the future span, with its reason and origin
        List<ConsumerRecord<byte[], byte[]>> dead = RedEndToEndTest.readAll(SERVICES.kafka().bootstrapServers(), "otlp_deadletter", 1);
        assertThat(dead).hasSize(1);
        assertThat(RedEndToEndTest.header(dead.get(0), DeadLetterSerializer.HEADER_REASON)).startsWith("future: ");
        assertThat(RedEndToEndTest.header(dead.get(0), DeadLetterSerializer.HEADER_TOPIC)).isEqualTo(SPANS);
        assertThat(RedEndToEndTest.header(dead.get(0), DeadLetterSerializer.HEADER_PARTITION)).isEqualTo("0");
    }
}
