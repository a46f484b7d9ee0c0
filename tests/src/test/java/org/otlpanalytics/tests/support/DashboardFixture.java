package org.otlpanalytics.tests.support;

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
import io.opentelemetry.proto.trace.v1.Status;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.otlpanalytics.jobs.config.JobOptions;
import org.otlpanalytics.jobs.demo.TelemetryGenerator;
import org.otlpanalytics.jobs.embedded.EmbeddedKafka;
import org.otlpanalytics.jobs.embedded.PostgresServer;
import org.otlpanalytics.operators.common.StableHash;
import org.otlpanalytics.schemas.kafka.DeadLetterSerializer;
import org.otlpanalytics.schemas.resource.ResourceInfo;

/**
 * Known input for the dashboard tests, and what it must give: 20 minutes of the demo shop
 * (tenant {@code default}: traces, logs, host and JVM metrics, a payment incident) and of the
 * range-test services (tenant {@code acme}: errors with routes and types, users, slow database
 * calls, zero durations), plus undecodable messages on every topic and late copies of trace
 * messages, and a flood of 50 one-span services of tenant {@code flood} past the fixture's
 * {@code --limits-max-resources-per-tenant} (30), through all four pipelines and the incident detector. The oracles read the generated messages with the
 * protobuf classes only; the dead letters are tallied from the dead-letter topic the job wrote.
 */
public final class DashboardFixture {
    public static final long START = Instant.parse("2026-06-10T10:00:00Z").toEpochMilli();
    public static final long MINUTES = 20;
    public static final long END = START + MINUTES * 60_000L;
    public static final String SPANS = "otlp_spans_dash";
    public static final String LOGS = "otlp_logs_dash";
    public static final String METRICS = "otlp_metrics_dash";
    public static final String DEAD = "otlp_deadletter_dash";
    /** The injected fault: payment (tenant default) 6x slower over [INCIDENT_FROM, INCIDENT_TO). */
    public static final String INCIDENT_TENANT = "default";
    public static final String INCIDENT_SERVICE = "payment";
    public static final long INCIDENT_FROM = START + 12 * 60_000L;
    public static final long INCIDENT_TO = START + 14 * 60_000L;

    /**
     * A flood (tenant {@code flood}, minute 3): one root span of a new service each, more services than
     * {@link #MAX_RESOURCES_PER_TENANT}; the RED and service-call limits fold the ones with the larger
     * hashes into {@code urn:svc:overflow/other}, for the pipeline-health overflow panel.
     */
    public static final String FLOOD_TENANT = "flood";
    public static final int FLOOD_SERVICES = 50;
    /** {@code --limits-max-resources-per-tenant} of the fixture: above what the shop and acme use in a minute. */
    public static final int MAX_RESOURCES_PER_TENANT = 30;

    public final List<RangeData.Fact> spans = new ArrayList<>();
    public final EdgeOracle edges = new EdgeOracle();
    public final LogOracle logs = new LogOracle();
    /** First record time per (tenant|service) and log family. */
    public final Map<String, Long> firstLog = new HashMap<>();
    public final MetricOracle metrics = new MetricOracle();
    /** One entry per dead letter the job wrote: {minute millis, source topic, stage, kind}. */
    public final List<String[]> deadLetters = new ArrayList<>();
    public int undecodable;

    /** Generates the input, sends it, runs the job into {@code pg} and reads back its dead letters. */
    public static DashboardFixture run(EmbeddedKafka kafka, PostgresServer pg) throws Exception {
        return run(kafka, pg, new String[0]);
    }

    /**
     * The same with more job options ({@code name, value} pairs, for example the ClickHouse sink and
     * its server), given after the fixture's own.
     */
    public static DashboardFixture run(EmbeddedKafka kafka, PostgresServer pg, String... extraOptions) throws Exception {
        DashboardFixture f = new DashboardFixture();
        List<ProducerRecord<byte[], byte[]>> recs = new ArrayList<>();
        List<TelemetryGenerator.Message> shop = new TelemetryGenerator(11, INCIDENT_TENANT).incident(INCIDENT_FROM, INCIDENT_TO)
                .generate(START, MINUTES * 60_000L, 6);
        int i = 0;
        for (TelemetryGenerator.Message m : shop) {
            String topic = m.signal.equals("traces") ? SPANS : m.signal.equals("logs") ? LOGS : METRICS;
            recs.add(new ProducerRecord<>(topic, i++ % 2, m.timeMillis, null, m.value));
            f.add(m.signal, m.value);
        }
        RangeData acme = RangeData.generate(7, START, (int) MINUTES, "acme");
        for (int k = 0; k < acme.messages.size(); k++) {
            recs.add(new ProducerRecord<>(SPANS, k % 2, acme.messageTimes.get(k), null, acme.messages.get(k)));
            f.add("traces", acme.messages.get(k));
        }
        // the flood: the job gets each service's own span, the oracles the span as the limits fold it
        List<String> flood = new ArrayList<>();
        for (int n = 0; n < FLOOD_SERVICES; n++) {
            flood.add("burst-" + n);
        }
        List<String> kept = new ArrayList<>(flood);
        kept.sort(Comparator.comparingLong(n -> StableHash.of(ResourceInfo.serviceUrn("shop", n))));
        kept = kept.subList(0, MAX_RESOURCES_PER_TENANT);
        for (int n = 0; n < FLOOD_SERVICES; n++) {
            long at = START + 3 * 60_000L + n * 1_000L + 300;
            String service = flood.get(n);
            boolean folded = !kept.contains(service);
            recs.add(new ProducerRecord<>(SPANS, n % 2, at, null, floodSpan(service, "shop", at, n)));
            f.add("traces", folded ? floodSpan("other", "overflow", at, n) : floodSpan(service, "shop", at, n));
        }
        // undecodable messages on every topic, and copies of four trace messages of minute 2 sent at minute 18,
        // long after their minutes closed: dead-lettered as late (dated by their event time, inside the range)
        long garbageAt = START + 5 * 60_000L + 1_000;
        for (int g = 0; g < 3; g++) {
            recs.add(new ProducerRecord<>(SPANS, g % 2, garbageAt + g, null, ("not otlp " + g).getBytes(StandardCharsets.UTF_8)));
        }
        for (int g = 0; g < 2; g++) {
            recs.add(new ProducerRecord<>(LOGS, g % 2, START + 7 * 60_000L + g, null, new byte[] {(byte) 0xff, (byte) g}));
        }
        recs.add(new ProducerRecord<>(METRICS, 1, START + 9 * 60_000L, null, new byte[] {0x0a, 0x7f}));
        f.undecodable = 6;
        int copies = 0;
        for (TelemetryGenerator.Message m : shop) {
            if (m.signal.equals("traces") && m.timeMillis >= START + 120_000L && copies < 4) {
                recs.add(new ProducerRecord<>(SPANS, copies % 2, START + 18 * 60_000L, null, m.value));
                copies++;
            }
        }
        recs.sort(Comparator.comparingLong(ProducerRecord::timestamp));
        kafka.createTopics(2, SPANS, LOGS, METRICS, DEAD);
        kafka.send(recs);
        List<String> options = new ArrayList<>(List.of(JobOptions.SPANS_TOPIC, SPANS, JobOptions.LOGS_TOPIC, LOGS,
                JobOptions.METRICS_TOPIC, METRICS, JobOptions.DEAD_LETTER_TOPIC, DEAD, JobOptions.RED_ATTRIBUTES, "enduser.id",
                JobOptions.GROUP_ID, "dashboards", JobOptions.LIMITS_MAX_RESOURCES_PER_TENANT, Integer.toString(MAX_RESOURCES_PER_TENANT), JobOptions.JOBS, "red,edges,metrics,logs,incidents",
                // 20 minutes: the detector learns for 8 (15 by default) and opens on 2 breaching minutes of 3
                // (the fault lasts 2), for the incidents annotation
                JobOptions.INCIDENTS_WARMUP, "8m", JobOptions.INCIDENTS_OPEN, "2/3"));
        options.addAll(List.of(extraOptions));
        Pipelines.run(Pipelines.options(kafka, pg, options.toArray(new String[0])), org.otlpanalytics.jobs.AnalyticsJob.Taps.NONE);
        for (ConsumerRecord<byte[], byte[]> r : TopicReader.readToEnd(kafka.bootstrapServers(), DEAD)) {
            String reason = header(r, DeadLetterSerializer.HEADER_REASON);
            String topic = header(r, DeadLetterSerializer.HEADER_TOPIC);
            String kind = reason.startsWith("late") ? "late" : reason.startsWith("future: ") ? "future" : "undecodable";
            String stage = !kind.equals("late") ? "ingest" : reason.startsWith("late edge") ? "edges"
                    : reason.contains("log") ? "logs" : reason.contains("metric") ? "metrics" : "red";
            f.deadLetters.add(new String[] {Long.toString(Math.floorDiv(r.timestamp(), 60_000L) * 60_000L), topic, stage, kind});
        }
        return f;
    }

    /** A root SERVER span of {@code service} in tenant {@link #FLOOD_TENANT}; every third fails. */
    static byte[] floodSpan(String service, String namespace, long atMillis, int n) {
        long t = atMillis * 1_000_000L;
        byte[] trace = new byte[16];
        trace[0] = 0x7f;
        trace[15] = (byte) n;
        trace[14] = (byte) (n >>> 8);
        byte[] span = new byte[] {0, 0, 0, 0, 0, 0, 0, 1};
        Span s = Span.newBuilder().setTraceId(ByteString.copyFrom(trace)).setSpanId(ByteString.copyFrom(span)).setName("GET /burst")
                .setKind(Span.SpanKind.SPAN_KIND_SERVER).setStartTimeUnixNano(t).setEndTimeUnixNano(t + 2_000_000L)
                .setStatus(Status.newBuilder().setCode(n % 3 == 0 ? Status.StatusCode.STATUS_CODE_ERROR : Status.StatusCode.STATUS_CODE_OK))
                .build();
        Resource r = Resource.newBuilder().addAttributes(kv("service.name", service)).addAttributes(kv("service.namespace", namespace))
                .addAttributes(kv("tenant.id", FLOOD_TENANT)).build();
        return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder().setResource(r)
                .addScopeSpans(ScopeSpans.newBuilder().addSpans(s))).build().toByteArray();
    }

    private static KeyValue kv(String k, String v) {
        return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setStringValue(v)).build();
    }

    private void add(String signal, byte[] value) throws Exception {
        switch (signal) {
            case "traces":
                spans.addAll(RangeData.factsOf(value));
                edges.add(value);
                break;
            case "logs":
                logs.add(value);
                firstTimes(value);
                break;
            default:
                metrics.add(value);
        }
    }

    private void firstTimes(byte[] message) throws Exception {
        for (ResourceLogs rl : ExportLogsServiceRequest.parseFrom(message).getResourceLogsList()) {
            String service = "unknown_service";
            String tenant = "default";
            for (KeyValue kv : rl.getResource().getAttributesList()) {
                if (kv.getKey().equals("service.name")) {
                    service = kv.getValue().getStringValue();
                } else if (kv.getKey().equals("tenant.id")) {
                    tenant = kv.getValue().getStringValue();
                }
            }
            for (ScopeLogs sl : rl.getScopeLogsList()) {
                for (LogRecord r : sl.getLogRecordsList()) {
                    long nanos = r.getTimeUnixNano() != 0 ? r.getTimeUnixNano() : r.getObservedTimeUnixNano();
                    String family = LogOracle.familyOf(service, r.getBody().getStringValue());
                    firstLog.merge(LogOracle.stream(tenant, service) + "|" + family, nanos / 1_000_000L, Math::min);
                }
            }
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
