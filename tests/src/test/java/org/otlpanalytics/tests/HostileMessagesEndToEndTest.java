package org.otlpanalytics.tests;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.otlpanalytics.jobs.AnalyticsJob;
import org.otlpanalytics.jobs.config.JobOptions;
import org.otlpanalytics.jobs.demo.TelemetryGenerator;
import org.otlpanalytics.jobs.run.RunSettings;
import org.otlpanalytics.schemas.kafka.DeadLetter;
import org.otlpanalytics.schemas.kafka.DeadLetterSerializer;
import org.otlpanalytics.tests.support.JvmProcess;
import org.otlpanalytics.tests.support.OtlpCounts;
import org.otlpanalytics.tests.support.Pipelines;
import org.otlpanalytics.tests.support.RedOracle;
import org.otlpanalytics.tests.support.Services;

/**
 * Hostile messages through Kafka, the whole job (all four pipelines, in its own JVM with a
 * {@value #JOB_HEAP} heap) and PostgreSQL, between four
 * minutes of good traffic: an AnyValue nested 10,000 deep (span attribute, log body); a span and a
 * gauge point with 100,000 attributes; a message of nearly 16 MB (the test broker's
 * {@code message.max.bytes}); messages whose declared lengths lie (cut short, 2^31-1, negative);
 * times at 0, in year 2262 and negative (fixed64 above 2^63-1) on spans, logs and points; an
 * exponential and an explicit histogram with 1,000,000 buckets; a metric name and a label value of
 * 1 MB. The job must end normally; the good records, and the hostile ones the decoders keep, are
 * counted exactly against counts taken from the protobuf messages; every other hostile message is
 * in the dead-letter topic with its reason (the 8 MB one cut to {@link DeadLetter#MAX_VALUE_BYTES})
 * and counted in {@code dead_letter_1m}. Decoder-level bounds are in {@code HostileMessagesTest}.
 */
class HostileMessagesEndToEndTest {
    @RegisterExtension
    static final Services SERVICES = new Services();

    private static final long START = Instant.parse("2026-03-03T09:00:00Z").toEpochMilli();
    private static final String SPANS = "otlp_spans";
    private static final String LOGS = "otlp_logs";
    private static final String METRICS = "otlp_metrics";
    private static final String DEAD = "otlp_deadletter";
    /** The test broker's message.max.bytes (EmbeddedKafka), less room for the batch and record headers. */
    private static final int NEAR_MAX_MESSAGE = 16_777_216 - 4096;
    private static final long YEAR_2262_NANOS = Long.MAX_VALUE - 1_000_000_000L;
    /**
     * Heap of the job's JVM (MiniCluster, all four pipelines, parallelism 2). It holds the 16 MB and
     * 8 MB messages a few times over while they are fetched, parsed and dead-lettered, and nothing
     * that grows with attributes, buckets or depth.
     */
    private static final String JOB_HEAP = "384m";

    private static KeyValue kv(String k, String v) {
        return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setStringValue(v)).build();
    }

    private static Resource resource(String service) {
        return Resource.newBuilder().addAttributes(kv("service.name", service)).addAttributes(kv("tenant.id", "acme")).build();
    }

    private static ByteString id(int length, long value) {
        byte[] b = new byte[length];
        for (int i = 0; i < 8; i++) {
            b[length - 1 - i] = (byte) (value >>> (8 * i));
        }
        return ByteString.copyFrom(b);
    }

    private static Span.Builder span(String name, long startNanos, long traceId) {
        return Span.newBuilder().setTraceId(id(16, traceId)).setSpanId(id(8, 1)).setName(name)
                .setKind(Span.SpanKind.SPAN_KIND_SERVER).setStartTimeUnixNano(startNanos).setEndTimeUnixNano(startNanos + 3_000_000L);
    }

    private static byte[] traces(String service, Span.Builder s) {
        return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder().setResource(resource(service))
                .addScopeSpans(ScopeSpans.newBuilder().addSpans(s))).build().toByteArray();
    }

    private static byte[] logs(String service, LogRecord.Builder r) {
        return ExportLogsServiceRequest.newBuilder().addResourceLogs(ResourceLogs.newBuilder().setResource(resource(service))
                .addScopeLogs(ScopeLogs.newBuilder().addLogRecords(r))).build().toByteArray();
    }

    private static byte[] metrics(String service, Metric m) {
        return ExportMetricsServiceRequest.newBuilder().addResourceMetrics(ResourceMetrics.newBuilder().setResource(resource(service))
                .addScopeMetrics(ScopeMetrics.newBuilder().addMetrics(m))).build().toByteArray();
    }

    private static Metric gauge(String name, NumberDataPoint.Builder dp) {
        return Metric.newBuilder().setName(name).setGauge(Gauge.newBuilder().addDataPoints(dp)).build();
    }

    /** Field {@code number} (length-delimited) holding the concatenation of {@code parts}. */
    static byte[] field(int number, byte[]... parts) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            b.write(p);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CodedOutputStream c = CodedOutputStream.newInstance(out);
        c.writeByteArray(number, b.toByteArray());
        c.flush();
        return out.toByteArray();
    }

    /** An AnyValue 10,000 containers deep (arrays and kvlists alternating), written byte by byte: no builder recursion. */
    static byte[] deepAnyValue() throws IOException {
        byte[] v = AnyValue.newBuilder().setStringValue("leaf").build().toByteArray();
        for (int i = 0; i < 10_000; i++) {
            v = i % 2 == 0 ? field(5, field(1, v)) : field(6, field(1, field(1, "k".getBytes(StandardCharsets.UTF_8)), field(2, v)));
        }
        return v;
    }

    /** The hostile messages of one topic, and the reason (prefix) each dead-lettered one must carry. */
    private static final class Hostile {
        final List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        final List<String> reasons = new ArrayList<>();
        int partition;

        void dead(String topic, long t, byte[] value, String reason) {
            records.add(new ProducerRecord<>(topic, partition++ % 2, t, null, value));
            reasons.add(topic + " " + reason);
        }

        void kept(String topic, long t, byte[] value) {
            records.add(new ProducerRecord<>(topic, partition++ % 2, t, null, value));
        }
    }

    @Test
    void keepsRunningCountsTheGoodDataExactlyAndDeadLettersOrBoundsEveryHostileMessage(@TempDir Path tmp) throws Exception {
        SERVICES.kafka().createTopics(2, SPANS, LOGS, METRICS, DEAD);
        List<TelemetryGenerator.Message> msgs = new TelemetryGenerator(23, "acme").generate(START, Duration.ofMinutes(4).toMillis(), 6);
        long t = START + Duration.ofMinutes(2).toMillis();
        long tn = (t - 500) * 1_000_000L;
        Hostile h = new Hostile();
        RedOracle red = new RedOracle();
        Map<String, Long> expectedLogs = new TreeMap<>();
        Map<String, Long> expectedGauges = new TreeMap<>();

        // spans: nesting, width, size, lying lengths, times
        byte[] deepKv = field(9, field(1, "deep".getBytes(StandardCharsets.UTF_8)), field(2, deepAnyValue()));
        byte[] deepSpan = field(1, field(1, resource("deep").toByteArray()), field(2, field(2, span("deep-op", tn, 901).build()
                .toByteArray(), deepKv)));
        h.dead(SPANS, t, deepSpan, "otlp_proto: Protocol message had too many levels of nesting");
        Span.Builder wide = span("wide-op", tn, 902);
        for (int i = 0; i < 100_000; i++) {
            wide.addAttributes(kv("a" + i, "v"));
        }
        byte[] wideSpan = traces("wide", wide);
        h.kept(SPANS, t, wideSpan);
        red.add(wideSpan);
        byte[] bigSpan = traces("big", span("big-op", tn, 903).addAttributes(kv("blob", "b".repeat(NEAR_MAX_MESSAGE - 200))));
        assertThat(bigSpan.length).isBetween(NEAR_MAX_MESSAGE - 200, NEAR_MAX_MESSAGE);
        h.kept(SPANS, t, bigSpan);
        red.add(bigSpan);
        byte[] good = traces("liar", span("liar-op", tn, 904));
        h.dead(SPANS, t, Arrays.copyOf(good, good.length - 7), "otlp_proto: While parsing a protocol message, the input ended unexpectedly");
        h.dead(SPANS, t, new byte[] {0x0A, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07, 0x12, 0x00},
                "otlp_proto: Protocol message was too large");
        h.dead(SPANS, t, new byte[] {0x0A, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
            (byte) 0xFF, (byte) 0xFF, 0x01, 0x12}, "otlp_proto: CodedInputStream encountered an embedded string or message which "
                + "claimed to have negative size.");
        h.dead(SPANS, t, traces("epoch", span("zero", 0, 905).setEndTimeUnixNano(1000)), "span without a start time");
        h.dead(SPANS, t, traces("epoch", span("negative", -5_000_000_000L, 906)), "span time beyond year 2262");
        h.dead(SPANS, t, traces("epoch", span("far", YEAR_2262_NANOS, 907)), "future: ");

        // logs: nesting and times
        byte[] deepLog = field(1, field(1, resource("deep").toByteArray()), field(2, field(2, LogRecord.newBuilder()
                .setTimeUnixNano(tn).build().toByteArray(), field(5, deepAnyValue()))));
        h.dead(LOGS, t, deepLog, "otlp_proto: Protocol message had too many levels of nesting");
        h.dead(LOGS, t, logs("epoch", LogRecord.newBuilder().setBody(AnyValue.newBuilder().setStringValue("zero"))),
                "log record without time_unix_nano or observed_time_unix_nano");
        h.dead(LOGS, t, logs("epoch", LogRecord.newBuilder().setTimeUnixNano(-1).setBody(AnyValue.newBuilder().setStringValue("neg"))),
                "log record time beyond year 2262");
        h.dead(LOGS, t, logs("epoch", LogRecord.newBuilder().setTimeUnixNano(YEAR_2262_NANOS)
                .setBody(AnyValue.newBuilder().setStringValue("far"))), "future: ");

        // metrics: buckets, names, width, times
        ExponentialHistogramDataPoint.Buckets.Builder million = ExponentialHistogramDataPoint.Buckets.newBuilder();
        HistogramDataPoint.Builder explicit = HistogramDataPoint.newBuilder().setTimeUnixNano(tn).setCount(0);
        for (int i = 0; i < 1_000_000; i++) {
            million.addBucketCounts(1);
            explicit.addBucketCounts(0);
        }
        h.dead(METRICS, t, metrics("buckets", Metric.newBuilder().setName("hostile.latency").setExponentialHistogram(
                ExponentialHistogram.newBuilder().setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA)
                        .addDataPoints(ExponentialHistogramDataPoint.newBuilder().setTimeUnixNano(tn).setCount(1_000_000)
                                .setPositive(million))).build()),
                "exponential_histogram point of metric 'hostile.latency' has 1000000 positive buckets, more than 2048");
        byte[] explicitMessage = metrics("buckets", Metric.newBuilder().setName("hostile.latency").setHistogram(Histogram.newBuilder()
                .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA).addDataPoints(explicit)).build());
        h.dead(METRICS, t, explicitMessage, "histogram point of metric 'hostile.latency' has 1000000 buckets, more than 2048");
        String megabyte = "m".repeat(1 << 20);
        h.kept(METRICS, t, metrics("names", gauge(megabyte, NumberDataPoint.newBuilder().setTimeUnixNano(tn).setAsInt(5)
                .addAttributes(kv("queue", megabyte)))));
        expectedGauges.merge(megabyte.substring(0, 256), 1L, Long::sum); // names and label values are cut to 256 characters
        NumberDataPoint.Builder widePoint = NumberDataPoint.newBuilder().setTimeUnixNano(tn).setAsInt(9);
        for (int i = 99_999; i >= 0; i--) {
            widePoint.addAttributes(kv(String.format("k%06d", i), "v" + i));
        }
        h.kept(METRICS, t, metrics("names", gauge("hostile.wide", widePoint)));
        expectedGauges.merge("hostile.wide", 1L, Long::sum);
        h.dead(METRICS, t, metrics("epoch", gauge("epoch.zero", NumberDataPoint.newBuilder().setAsInt(1))),
                "point of metric 'epoch.zero' without time_unix_nano");
        h.dead(METRICS, t, metrics("epoch", gauge("epoch.negative", NumberDataPoint.newBuilder().setTimeUnixNano(-1).setAsInt(1))),
                "point of metric 'epoch.negative' has a time beyond year 2262");
        h.dead(METRICS, t, metrics("epoch", gauge("epoch.far", NumberDataPoint.newBuilder().setTimeUnixNano(YEAR_2262_NANOS)
                .setAsInt(1))), "future: ");

        // the good traffic, with the hostile messages in its middle
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        Map<String, Integer> next = new HashMap<>();
        boolean hostileSent = false;
        for (TelemetryGenerator.Message m : msgs) {
            if (!hostileSent && m.timeMillis >= t) {
                hostileSent = true;
                records.addAll(h.records);
            }
            String topic = m.signal.equals("traces") ? SPANS : m.signal.equals("logs") ? LOGS : METRICS;
            records.add(new ProducerRecord<>(topic, next.merge(topic, 1, Integer::sum) % 2, m.timeMillis, null, m.value));
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

        // the whole job, as `otlp-analytics run` starts it, in its own JVM with a small fixed heap (an unbounded
        // structure fails it with an OutOfMemoryError); it must read to the end of the topics and exit 0
        try (JvmProcess job = JvmProcess.main(List.of("-Xmx" + JOB_HEAP, "-XX:+ExitOnOutOfMemoryError"), "run",
                "--" + JobOptions.BOOTSTRAP, SERVICES.kafka().bootstrapServers(), "--" + JobOptions.JDBC_URL,
                SERVICES.postgres().jdbcUrl(), "--" + JobOptions.JOBS, AnalyticsJob.ALL_JOBS, "--" + JobOptions.BOUNDED, "true",
                "--" + JobOptions.STARTING_OFFSETS, "earliest", "--" + JobOptions.PARALLELISM, "2",
                "--" + JobOptions.CHECKPOINT_INTERVAL, "500ms", "--" + JobOptions.BATCH_SIZE, "500",
                "--" + JobOptions.CHECKPOINT_DIR, tmp.resolve("checkpoints").toUri().toString(),
                "--" + RunSettings.LOG_DIR, tmp.resolve("logs").toString(), "--" + RunSettings.WEB_PORT, "0",
                "--" + RunSettings.METRICS_PORT, "0")) {
            assertThat(job.awaitExit(Duration.ofMinutes(6))).as("exit code of the job's JVM").isZero();
            assertThat(job.lines()).noneMatch(l -> l.contains("OutOfMemoryError"));
        }

        // RED: every row exactly, the wide and the near-16 MB span included
        Map<String, String> actualRed = new TreeMap<>();
        for (String row : Pipelines.rows(SERVICES.postgres(), "SELECT extract(epoch FROM r.bucket)::bigint, t.code, d.name, r.operation, r.span_kind, r.status, "
                + "r.calls, r.errors FROM red_1m r JOIN dim_tenant t USING (tenant_id) JOIN dim_resource d USING (resource_id)")) {
            String[] p = row.split("\t");
            actualRed.put(RedOracle.key(Instant.ofEpochSecond(Long.parseLong(p[0])), p[1], p[2], p[3], p[4], p[5]), p[6] + "/" + p[7]);
        }
        Map<String, String> expectedRed = new TreeMap<>();
        red.rows().forEach((k, e) -> expectedRed.put(k, e.calls + "/" + e.errors));
        assertThat(actualRed).isEqualTo(expectedRed);
        assertThat(actualRed.keySet()).anyMatch(k -> k.contains("|wide|wide-op|")).anyMatch(k -> k.contains("|big|big-op|"))
                .noneMatch(k -> k.contains("|deep|") || k.contains("|epoch|") || k.contains("|liar|"));

        // logs: every good record, nothing of the hostile ones
        Map<String, Long> actualLogs = new TreeMap<>();
        for (String row : Pipelines.rows(SERVICES.postgres(), "SELECT t.code || '|' || d.name, sum(f.count_total) "
                + "FROM log_pattern_5m f JOIN dim_tenant t USING (tenant_id) JOIN dim_resource d USING (resource_id) GROUP BY 1")) {
            String[] p = row.split("\t");
            actualLogs.put(p[0], Long.parseLong(p[1]));
        }
        assertThat(actualLogs).isEqualTo(expectedLogs);

        // metrics: every gauge point; the 1 MB name and label cut to 256 characters, the wide point to its 64 smallest keys
        Map<String, Long> actualGauges = new TreeMap<>();
        for (String row : Pipelines.rows(SERVICES.postgres(),
                "SELECT metric, sum(points) FROM metric_1m WHERE metric_type = 'gauge' GROUP BY metric")) {
            String[] p = row.split("\t");
            actualGauges.put(p[0], Long.parseLong(p[1]));
        }
        assertThat(actualGauges).isEqualTo(expectedGauges);
        assertThat(Pipelines.rows(SERVICES.postgres(), "SELECT length(labels->>'queue') FROM metric_1m WHERE length(metric) = 256"))
                .containsExactly("256");
        assertThat(Pipelines.rows(SERVICES.postgres(), "SELECT (SELECT count(*) FROM jsonb_object_keys(labels)), "
                + "(SELECT min(k) || ' ' || max(k) FROM jsonb_object_keys(labels) k) FROM metric_1m WHERE metric = 'hostile.wide'"))
                .containsExactly("64\tk000000 k000063");
        assertThat(Pipelines.rows(SERVICES.postgres(), "SELECT count(*) FROM metric_1m WHERE metric LIKE 'hostile.latency%' "
                + "OR metric LIKE 'epoch.%'")).containsExactly("0");

        // dead letters: exactly the hostile messages the decoders refuse, each with its reason, and counted per topic
        List<ConsumerRecord<byte[], byte[]>> dead = RedEndToEndTest.readAll(SERVICES.kafka().bootstrapServers(), DEAD, h.reasons.size());
        List<String> actualReasons = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : dead) {
            String topic = RedEndToEndTest.header(r, DeadLetterSerializer.HEADER_TOPIC);
            String reason = RedEndToEndTest.header(r, DeadLetterSerializer.HEADER_REASON);
            // the expected reason this one starts with (protobuf's messages go on), else the whole reason to fail on
            actualReasons.add(h.reasons.stream().filter(e -> (topic + " " + reason).startsWith(e)).findFirst()
                    .orElse(topic + " " + reason));
            if (reason.startsWith("histogram point")) {
                assertThat(r.value()).hasSize(DeadLetter.MAX_VALUE_BYTES)
                        .isEqualTo(Arrays.copyOf(explicitMessage, DeadLetter.MAX_VALUE_BYTES));
                assertThat(RedEndToEndTest.header(r, DeadLetterSerializer.HEADER_VALUE_BYTES))
                        .isEqualTo(Integer.toString(explicitMessage.length));
            }
        }
        assertThat(actualReasons).containsExactlyInAnyOrderElementsOf(h.reasons);
        assertThat(Pipelines.rows(SERVICES.postgres(), "SELECT source_topic || ' ' || kind, sum(dead_letters) FROM dead_letter_1m "
                + "GROUP BY 1 ORDER BY 1")).containsExactly(
                LOGS + " future\t1", LOGS + " undecodable\t3", METRICS + " future\t1", METRICS + " undecodable\t4",
                SPANS + " future\t1", SPANS + " undecodable\t6");
    }
}
