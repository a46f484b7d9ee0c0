package org.otlpanalytics.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.otlpanalytics.jobs.AnalyticsJob;
import org.otlpanalytics.jobs.config.JobOptions;
import org.otlpanalytics.jobs.demo.TelemetryGenerator;
import org.otlpanalytics.jobs.embedded.ClickHouseServer;
import org.otlpanalytics.jobs.sink.clickhouse.ClickHouseHttp;
import org.otlpanalytics.tests.support.ClickHouseService;
import org.otlpanalytics.tests.support.ClickHouseTwins;
import org.otlpanalytics.tests.support.Pipelines;
import org.otlpanalytics.tests.support.Services;

/**
 * Hostile values through Kafka, the job and a real ClickHouse (18.16, or OTLP_ANALYTICS_TEST_CLICKHOUSE_URL)
 * and back: quotes, backslashes, tabs, newlines, carriage returns, NUL, emoji, SQL in a value, invalid UTF-8
 * and a 1 MB log body, in a service name, a span name, attribute keys and values, a severity text and log
 * bodies. Every value comes back exactly as the documented rules make it (the oracle below applies them
 * by hand): names (service, span, attribute key, severity text) get U+FFFD for every control character;
 * free text (attribute values, bodies) gets U+FFFD for NUL only; invalid UTF-8 becomes U+FFFD; bodies
 * are cut to 4,096 characters, pattern samples to 1,024. The PostgreSQL twins of every table hold the
 * same rows.
 */
class ClickHouseHostileValuesTest {
    @RegisterExtension
    @Order(1)
    static final ClickHouseService CLICKHOUSE = new ClickHouseService();
    @RegisterExtension
    @Order(2)
    static final Services SERVICES = new Services();

    static final long START = Instant.parse("2026-03-09T09:00:00Z").toEpochMilli();
    static final String R = "\uFFFD";
    /** Everything a text format must escape, and SQL that must stay data. */
    static final String HOSTILE = "quote' \"double\" back\\slash tab\tnew\nline cr\r nul\u0000 emoji \uD83D\uDE00 "
            + "'); DROP TABLE span; --";

    /** The name rules: every C0 control, DEL and C1 control becomes U+FFFD. */
    static String asName(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            b.append(c < 0x20 || (c >= 0x7F && c <= 0x9F) ? '\uFFFD' : c);
        }
        return b.toString();
    }

    /** The text rules: NUL becomes U+FFFD. */
    static String asText(String s) {
        return s.replace('\u0000', '\uFFFD');
    }

    static KeyValue kv(String k, String v) {
        return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setStringValue(v)).build();
    }

    static Resource resource(String service) {
        return Resource.newBuilder().addAttributes(kv("service.name", service)).addAttributes(kv("service.namespace", "shop"))
                .addAttributes(kv("tenant.id", "acme")).build();
    }

    static ByteString id(int length, long value) {
        byte[] b = new byte[length];
        for (int i = 0; i < 8; i++) {
            b[length - 1 - i] = (byte) (value >>> (8 * i));
        }
        return ByteString.copyFrom(b);
    }

    static byte[] span(String service, String name, long atMillis, long traceId, KeyValue... attributes) {
        long t = atMillis * 1_000_000L;
        Span s = Span.newBuilder().setTraceId(id(16, traceId)).setSpanId(id(8, 7)).setName(name)
                .setKind(Span.SpanKind.SPAN_KIND_SERVER).setStartTimeUnixNano(t).setEndTimeUnixNano(t + 12_000_000L)
                .addAllAttributes(List.of(attributes)).build();
        return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder().setResource(resource(service))
                .addScopeSpans(ScopeSpans.newBuilder().addSpans(s))).build().toByteArray();
    }

    static byte[] log(String service, long atMillis, String severityText, String body, KeyValue... attributes) {
        return ExportLogsServiceRequest.newBuilder().addResourceLogs(ResourceLogs.newBuilder().setResource(resource(service))
                .addScopeLogs(ScopeLogs.newBuilder().addLogRecords(LogRecord.newBuilder().setTimeUnixNano(atMillis * 1_000_000L)
                        .setSeverityNumberValue(13).setSeverityText(severityText).addAllAttributes(List.of(attributes))
                        .setTraceId(id(16, 903)).setSpanId(id(8, 9))
                        .setBody(AnyValue.newBuilder().setStringValue(body))))).build().toByteArray();
    }

    @Test
    void hostileValuesComeBackExactlyAsTheRulesMakeThem() throws Exception {
        SERVICES.kafka().createTopics(2, "otlp_spans", "otlp_logs", "otlp_metrics", "otlp_deadletter");
        List<ProducerRecord<byte[], byte[]>> recs = new ArrayList<>();
        int i = 0;
        for (TelemetryGenerator.Message m : new TelemetryGenerator(41, "acme").withMetrics(false)
                .generate(START, Duration.ofMinutes(3).toMillis(), 2)) {
            recs.add(new ProducerRecord<>("otlp_" + (m.signal.equals("traces") ? "spans" : m.signal), i++ % 2, m.timeMillis, null,
                    m.value));
        }
        long t = START + 90_000;
        String service = "ca'rt\\ \"x\"\t";
        recs.add(new ProducerRecord<>("otlp_spans", 0, t, null, span(service, HOSTILE, t, 901, kv("k'ey\\\t", HOSTILE),
                kv("emoji", "\uD83D\uDE80"))));
        // invalid UTF-8 in a span name (0xC3 0x28 where '@@' stood)
        byte[] bad = span("cart", "bad@@name", t, 902);
        for (int k = 0; k + 1 < bad.length; k++) {
            if (bad[k] == '@' && bad[k + 1] == '@') {
                bad[k] = (byte) 0xC3;
                bad[k + 1] = (byte) 0x28;
            }
        }
        recs.add(new ProducerRecord<>("otlp_spans", 1, t, null, bad));
        recs.add(new ProducerRecord<>("otlp_logs", 0, t, null, log(service, t, "WARN\"\t", "hostile " + HOSTILE,
                kv("k'ey\\\t", HOSTILE), kv("emoji", "\uD83D\uDE80"))));
        String big = "\uD83D\uDE00 megabyte " + "x".repeat(1_000_000);
        recs.add(new ProducerRecord<>("otlp_logs", 1, t, null, log("cart", t, "INFO", big)));
        SERVICES.kafka().send(recs);

        JobOptions o = Pipelines.options(SERVICES.kafka(), SERVICES.postgres(), JobOptions.GROUP_ID, "hostile",
                JobOptions.JOBS, "red,logs", JobOptions.SINKS, "postgres,clickhouse",
                JobOptions.CLICKHOUSE_URL, CLICKHOUSE.server().url(),
                JobOptions.CLICKHOUSE_USER, CLICKHOUSE.server().user() == null ? "" : CLICKHOUSE.server().user(),
                JobOptions.CLICKHOUSE_PASSWORD, CLICKHOUSE.server().password() == null ? "" : CLICKHOUSE.server().password(),
                JobOptions.CLICKHOUSE_DATABASE, CLICKHOUSE.server().database(), JobOptions.CLICKHOUSE_RETENTION, "false",
                JobOptions.CLICKHOUSE_SPANS, "true");
        Pipelines.run(o, AnalyticsJob.Taps.NONE);
        ClickHouseHttp db = CLICKHOUSE.server().http(null);

        // the span, its name, service and attributes
        List<Map<String, JsonElement>> spans = ClickHouseService.rows(db, "SELECT service, name, attributes.keys AS k, "
                + "attributes.values AS v FROM span FINAL WHERE trace_id = '" + hex(901) + "'");
        assertThat(spans).hasSize(1);
        Map<String, JsonElement> s = spans.get(0);
        assertThat(s.get("service").getAsString()).isEqualTo(asName(service));
        assertThat(s.get("name").getAsString()).isEqualTo(asName(HOSTILE));
        assertThat(strings(s.get("k"))).containsExactly(asName("k'ey\\\t"), "emoji");
        assertThat(strings(s.get("v"))).containsExactly(asText(HOSTILE), "\uD83D\uDE80");
        assertThat(ClickHouseService.rows(db, "SELECT name FROM span FINAL WHERE trace_id = '" + hex(902) + "'").get(0)
                .get("name").getAsString()).isEqualTo("bad" + R + "(name");
        // RED rows named by the span names
        assertThat(ClickHouseService.rows(db, "SELECT operation FROM red_1m FINAL WHERE service = '"
                + asName(service).replace("\\", "\\\\").replace("'", "\\'") + "'")).extracting(r -> r.get("operation").getAsString())
                .containsExactly(asName(HOSTILE));
        // log patterns: the sample is the first record's body, cut to 1,024 characters; severity text as a name
        List<Map<String, JsonElement>> samples = ClickHouseService.rows(db,
                "SELECT sample, severity_text FROM log_pattern_current WHERE startsWith(sample, 'hostile ') OR startsWith(sample, '\uD83D\uDE00')");
        assertThat(samples).extracting(r -> r.get("sample").getAsString())
                .containsExactlyInAnyOrder(asText("hostile " + HOSTILE), big.substring(0, 1024));
        assertThat(samples).extracting(r -> r.get("severity_text").getAsString()).contains(asName("WARN\"\t"));
        // log_record: the hostile record whole, the megabyte body cut to 4,096 characters, both under the
        // fingerprint of their pattern
        List<Map<String, JsonElement>> logs = ClickHouseService.rows(db, "SELECT service, severity_text, body, trace_id, span_id, "
                + "attributes.keys AS k, attributes.values AS v FROM log_record FINAL WHERE trace_id = '" + hex(903) + "'");
        assertThat(logs).hasSize(2);
        Map<String, JsonElement> h = logs.stream().filter(r -> r.get("body").getAsString().startsWith("hostile ")).findFirst()
                .orElseThrow();
        assertThat(h.get("service").getAsString()).isEqualTo(asName(service));
        assertThat(h.get("severity_text").getAsString()).isEqualTo(asName("WARN\"\t"));
        assertThat(h.get("body").getAsString()).isEqualTo(asText("hostile " + HOSTILE));
        assertThat(h.get("span_id").getAsString()).isEqualTo("0000000000000009");
        assertThat(strings(h.get("k"))).containsExactlyInAnyOrder(asName("k'ey\\\t"), "emoji");
        assertThat(strings(h.get("v"))).containsExactlyInAnyOrder(asText(HOSTILE), "\uD83D\uDE80");
        assertThat(logs).extracting(r -> r.get("body").getAsString()).contains(big.substring(0, 4096));
        assertThat(db.query("SELECT count() FROM log_record FINAL WHERE fingerprint_id NOT IN "
                + "(SELECT fingerprint_id FROM log_pattern_current) AND fingerprint_id NOT IN "
                + "(SELECT arrayJoin(aliases) FROM log_pattern_current)").trim()).isEqualTo("0");
        // and PostgreSQL stored the same
        for (String table : new String[] {"red_1m", "log_pattern", "log_pattern_5m"}) {
            ClickHouseTwins.Twin twin = ClickHouseTwins.table(table);
            assertThat(ClickHouseTwins.clickhouse(db, twin)).as(table)
                    .containsExactlyElementsOf(ClickHouseTwins.postgres(SERVICES.postgres(), twin));
        }
    }

    static String hex(long traceId) {
        return String.format("%032x", traceId);
    }

    static List<String> strings(JsonElement array) {
        List<String> out = new ArrayList<>();
        array.getAsJsonArray().forEach(e -> out.add(e.getAsString()));
        return out;
    }
}
