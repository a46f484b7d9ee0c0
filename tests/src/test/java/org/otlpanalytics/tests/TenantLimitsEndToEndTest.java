package org.otlpanalytics.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.otlpanalytics.jobs.AnalyticsJob;
import org.otlpanalytics.jobs.config.JobOptions;
import org.otlpanalytics.jobs.demo.TelemetryGenerator;
import org.otlpanalytics.operators.common.StableHash;
import org.otlpanalytics.tests.support.EdgeOracle;
import org.otlpanalytics.tests.support.Pipelines;
import org.otlpanalytics.tests.support.Services;

/**
 * Runaway identities through Kafka, the RED and edge pipelines and PostgreSQL, between four
 * minutes of good traffic of tenant {@code acme}: a new {@code tenant.id} on every message (150
 * tenants, minute 1), a new {@code service.name} on every span (1,200 services, minutes 2 and 3),
 * and one message whose service name, span name and attribute are 200,000 characters each. With
 * the limits set low
 * (3 tenants, 8 resources and 12 series per tenant):
 * <ul>
 *   <li>{@code red_1m} equals, per minute, tenant and service, an oracle computed from the
 *       protobuf messages that applies the documented rule (per minute the tenants, then per
 *       tenant the service URNs, with the smallest stable hashes are kept; the rest fold into
 *       tenant {@code overflow} and {@code urn:svc:overflow/other}): every call and error is
 *       counted once, folded or not;
 *   <li>{@code service_call_5m} keeps every call and error per 5 minutes and tenant (tenants
 *       folded per 1-minute slot by the same rule);
 *   <li>tables stay bounded: at most 9 services and 12 (service, operation) series besides the
 *       {@code __overflow__} operations per tenant and minute in {@code red_1m}, the overflow
 *       tenant, service and operation present, no name longer than 256 characters.
 * </ul>
 */
class TenantLimitsEndToEndTest {
    @RegisterExtension
    static final Services SERVICES = new Services();

    private static final long START = Instant.parse("2026-03-04T08:00:00Z").toEpochMilli();
    private static final long MIN = 60_000L;
    private static final String SPANS = "otlp_spans";
    private static final int MAX_TENANTS = 3;
    private static final int MAX_RESOURCES = 8;
    private static final int MAX_SERIES = 12;
    private static final String OVERFLOW_TENANT = "overflow";
    private static final String OVERFLOW_SERVICE = "urn:svc:overflow/other";

    private static KeyValue kv(String k, String v) {
        return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setStringValue(v)).build();
    }

    private static ByteString id(int length, long value) {
        byte[] b = new byte[length];
        for (int i = 0; i < 8; i++) {
            b[length - 1 - i] = (byte) (value >>> (8 * i));
        }
        return ByteString.copyFrom(b);
    }

    /** A root SERVER span of {@code service} of {@code tenant} (an edge from "user" too). */
    private static ResourceSpans rootSpan(String tenant, String service, String name, long atMillis, long traceId,
            boolean error, KeyValue... attrs) {
        long t = atMillis * 1_000_000L;
        Span s = Span.newBuilder().setTraceId(id(16, traceId)).setSpanId(id(8, 1)).setName(name)
                .setKind(Span.SpanKind.SPAN_KIND_SERVER).setStartTimeUnixNano(t).setEndTimeUnixNano(t + 3_000_000L)
                .setStatus(Status.newBuilder().setCode(error ? Status.StatusCode.STATUS_CODE_ERROR : Status.StatusCode.STATUS_CODE_OK))
                .addAllAttributes(List.of(attrs)).build();
        Resource r = Resource.newBuilder().addAttributes(kv("service.name", service)).addAttributes(kv("service.namespace", "shop"))
                .addAttributes(kv("tenant.id", tenant)).build();
        return ResourceSpans.newBuilder().setResource(r).addScopeSpans(ScopeSpans.newBuilder().addSpans(s)).build();
    }

    private record Timed(long timeMillis, byte[] value) {}

    @Test
    void runawayServicesAndTenantsFoldIntoOverflowWithEveryCallCounted() throws Exception {
        SERVICES.kafka().createTopics(2, SPANS, "otlp_deadletter");
        List<Timed> messages = new ArrayList<>();
        for (TelemetryGenerator.Message m : new TelemetryGenerator(17, "acme").generate(START, 4 * MIN, 2)) {
            if (m.signal.equals("traces")) {
                messages.add(new Timed(m.timeMillis, m.value));
            }
        }
        long trace = 1_000_000;
        // a new service.name on every span: 1,200 spans in messages of 40, minutes 2 and 3
        for (int msg = 0; msg < 30; msg++) {
            long at = START + 2 * MIN + msg * 4_000L;
            ExportTraceServiceRequest.Builder req = ExportTraceServiceRequest.newBuilder();
            for (int i = 0; i < 40; i++) {
                int n = msg * 40 + i;
                req.addResourceSpans(rootSpan("acme", "pod-" + n, "GET /item", at + i, trace++, n % 7 == 0));
            }
            messages.add(new Timed(at + 40, req.build().toByteArray()));
        }
        // a new tenant.id on every message: 150 messages in minute 1
        for (int n = 0; n < 150; n++) {
            long at = START + MIN + n * 300L + 500;
            messages.add(new Timed(at, ExportTraceServiceRequest.newBuilder()
                    .addResourceSpans(rootSpan("t-" + n, "api", "GET /", at, trace++, n % 5 == 0)).build().toByteArray()));
        }
        // huge values: service name, span name and an attribute of 200,000 characters each
        String huge = "h".repeat(200_000);
        long hugeAt = START + 2 * MIN + 30_000L;
        messages.add(new Timed(hugeAt, ExportTraceServiceRequest.newBuilder()
                .addResourceSpans(rootSpan("acme", huge, huge, hugeAt, trace++, true, kv("http.route", huge))).build().toByteArray()));
        messages.sort(Comparator.comparingLong(Timed::timeMillis));

        // the oracle: raw spans (minute, tenant, service URN, error) and calls, straight from the messages
        List<String[]> spans = new ArrayList<>();
        EdgeOracle edges = new EdgeOracle();
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        int next = 0;
        for (Timed m : messages) {
            records.add(new ProducerRecord<>(SPANS, next++ % 2, m.timeMillis(), null, m.value()));
            edges.add(m.value());
            for (ResourceSpans rs : ExportTraceServiceRequest.parseFrom(m.value()).getResourceSpansList()) {
                Map<String, String> res = new HashMap<>();
                rs.getResource().getAttributesList().forEach(a -> res.put(a.getKey(), a.getValue().getStringValue()));
                String service = res.get("service.name");
                String urn = "urn:svc:" + res.get("service.namespace") + "/" + service.substring(0, Math.min(256, service.length()));
                for (ScopeSpans ss : rs.getScopeSpansList()) {
                    for (Span s : ss.getSpansList()) {
                        long start = s.getStartTimeUnixNano() / 1_000_000L;
                        boolean err = s.getStatus().getCode() == Status.StatusCode.STATUS_CODE_ERROR;
                        spans.add(new String[] {Long.toString(start - Math.floorMod(start, MIN)), res.get("tenant.id"), urn,
                                err ? "1" : "0"});
                    }
                }
            }
        }
        SERVICES.kafka().send(records);

        Pipelines.run(Pipelines.options(SERVICES.kafka(), SERVICES.postgres(), JobOptions.JOBS, "red,edges",
                JobOptions.LIMITS_MAX_TENANTS, Integer.toString(MAX_TENANTS),
                JobOptions.LIMITS_MAX_RESOURCES_PER_TENANT, Integer.toString(MAX_RESOURCES),
                JobOptions.LIMITS_MAX_SERIES_PER_TENANT, Integer.toString(MAX_SERIES)), AnalyticsJob.Taps.NONE);

        // RED: per minute, tenant and service, exactly the oracle's calls and errors after folding
        Map<String, String> tenantOf = keepSmallest(spans, s -> s[0], s -> s[1], MAX_TENANTS, OVERFLOW_TENANT);
        for (String[] s : spans) {
            s[1] = tenantOf.get(s[0] + "|" + s[1]);
        }
        Map<String, String> urnOf = keepSmallest(spans, s -> s[0] + "|" + s[1], s -> s[2], MAX_RESOURCES, OVERFLOW_SERVICE);
        Map<String, long[]> expected = new TreeMap<>();
        for (String[] s : spans) {
            String key = Instant.ofEpochMilli(Long.parseLong(s[0])) + "|" + s[1] + "|" + urnOf.get(s[0] + "|" + s[1] + "|" + s[2]);
            long[] e = expected.computeIfAbsent(key, k -> new long[2]);
            e[0]++;
            e[1] += Long.parseLong(s[3]);
        }
        Map<String, long[]> actual = new TreeMap<>();
        for (String row : Pipelines.rows(SERVICES.postgres(), "SELECT (extract(epoch FROM r.bucket) * 1000)::bigint, t.code, d.urn, sum(r.calls), sum(r.errors) "
                + "FROM red_1m r JOIN dim_tenant t USING (tenant_id) JOIN dim_resource d USING (resource_id) GROUP BY 1, 2, 3")) {
            String[] p = row.split("\t");
            actual.put(Instant.ofEpochMilli(Long.parseLong(p[0])) + "|" + p[1] + "|" + p[2],
                    new long[] {Long.parseLong(p[3]), Long.parseLong(p[4])});
        }
        assertThat(actual.keySet()).containsExactlyElementsOf(expected.keySet());
        expected.forEach((k, v) -> assertThat(actual.get(k)).as(k).containsExactly(v));
        assertThat(expected.keySet()).anyMatch(k -> k.contains("|" + OVERFLOW_TENANT + "|"))
                .anyMatch(k -> k.endsWith("|acme|" + OVERFLOW_SERVICE));
        assertThat(actual.values().stream().mapToLong(v -> v[0]).sum()).as("every span counted").isEqualTo(spans.size());

        // bounded: at most MAX_TENANTS + 1 tenants and MAX_RESOURCES + 1 services per tenant in any minute
        assertThat(Pipelines.rows(SERVICES.postgres(), "SELECT max(n) FROM (SELECT count(DISTINCT tenant_id) n FROM red_1m GROUP BY bucket) x"))
                .containsExactly(Integer.toString(MAX_TENANTS + 1));
        assertThat(Long.parseLong(Pipelines.rows(SERVICES.postgres(), "SELECT max(n) FROM (SELECT count(DISTINCT resource_id) n "
                + "FROM red_1m GROUP BY bucket, tenant_id) x").get(0))).isLessThanOrEqualTo(MAX_RESOURCES + 1);
        // series (service, operation) per tenant and minute: at most MAX_SERIES, the rest under each service's __overflow__
        assertThat(Long.parseLong(Pipelines.rows(SERVICES.postgres(), "SELECT max(n) FROM (SELECT count(DISTINCT (resource_id, operation)) n "
                + "FROM red_1m WHERE operation <> '__overflow__' GROUP BY bucket, tenant_id) x").get(0))).isLessThanOrEqualTo(MAX_SERIES);
        assertThat(Pipelines.rows(SERVICES.postgres(), "SELECT count(*) > 0 FROM red_1m WHERE operation = '__overflow__'"))
                .containsExactly("true");
        assertThat(Pipelines.rows(SERVICES.postgres(), "SELECT max(length(name)) <= 256, count(*) > 0 FROM dim_resource"))
                .containsExactly("true\ttrue");
        assertThat(Pipelines.rows(SERVICES.postgres(), "SELECT count(*) FROM dim_resource WHERE urn = '" + OVERFLOW_SERVICE + "'"))
                .isNotEqualTo(List.of("0"));

        // edges: per 5 minutes and tenant (tenants folded per 1-minute slot), every call and error
        List<EdgeOracle.Call> calls = edges.calls();
        List<String[]> callRows = new ArrayList<>();
        for (EdgeOracle.Call c : calls) {
            callRows.add(new String[] {Long.toString(c.startMillis() - Math.floorMod(c.startMillis(), MIN)), c.tenant(),
                    Long.toString(c.startMillis() - Math.floorMod(c.startMillis(), EdgeOracle.FIVE_MINUTES)), c.failed() ? "1" : "0"});
        }
        Map<String, String> edgeTenantOf = keepSmallest(callRows, s -> s[0], s -> s[1], MAX_TENANTS, OVERFLOW_TENANT);
        Map<String, long[]> expectedEdges = new TreeMap<>();
        for (String[] s : callRows) {
            long[] e = expectedEdges.computeIfAbsent(Instant.ofEpochMilli(Long.parseLong(s[2])) + "|"
                    + edgeTenantOf.get(s[0] + "|" + s[1]), k -> new long[2]);
            e[0]++;
            e[1] += Long.parseLong(s[3]);
        }
        Map<String, long[]> actualEdges = new TreeMap<>();
        for (String row : Pipelines.rows(SERVICES.postgres(), "SELECT (extract(epoch FROM e.bucket) * 1000)::bigint, t.code, sum(e.calls), sum(e.errors) "
                + "FROM service_call_5m e JOIN dim_tenant t USING (tenant_id) GROUP BY 1, 2")) {
            String[] p = row.split("\t");
            actualEdges.put(Instant.ofEpochMilli(Long.parseLong(p[0])) + "|" + p[1],
                    new long[] {Long.parseLong(p[2]), Long.parseLong(p[3])});
        }
        assertThat(actualEdges.keySet()).containsExactlyElementsOf(expectedEdges.keySet());
        expectedEdges.forEach((k, v) -> assertThat(actualEdges.get(k)).as(k).containsExactly(v));
        // callees of acme per 5 minutes: at most 5 slots of MAX_RESOURCES + 1 (1,200 without the limit)
        assertThat(Long.parseLong(Pipelines.rows(SERVICES.postgres(), "SELECT count(DISTINCT e.dst_resource_id) FROM service_call_5m e "
                + "JOIN dim_tenant t USING (tenant_id) WHERE t.code = 'acme'").get(0))).isLessThanOrEqualTo(5L * (MAX_RESOURCES + 1));
        assertThat(Pipelines.rows(SERVICES.postgres(), "SELECT count(*) > 0 FROM service_call_5m e JOIN dim_resource d "
                + "ON d.resource_id = e.dst_resource_id WHERE d.urn = '" + OVERFLOW_SERVICE + "'")).containsExactly("true");
    }

    /**
     * The documented rule, independently: per scope, the {@code limit} distinct members with the
     * smallest stable hash keep their name, every other member becomes {@code overflow}. Returns
     * {@code scope|member -> kept name}.
     */
    private static Map<String, String> keepSmallest(List<String[]> rows, Function<String[], String> scope,
            Function<String[], String> member, int limit, String overflow) {
        Map<String, Set<String>> members = new HashMap<>();
        for (String[] r : rows) {
            members.computeIfAbsent(scope.apply(r), k -> new TreeSet<>()).add(member.apply(r));
        }
        Map<String, String> out = new HashMap<>();
        members.forEach((sc, ms) -> {
            List<String> sorted = new ArrayList<>(ms);
            sorted.sort(Comparator.comparingLong(StableHash::of));
            for (int i = 0; i < sorted.size(); i++) {
                out.put(sc + "|" + sorted.get(i), i < limit || sorted.get(i).equals(overflow) ? sorted.get(i) : overflow);
            }
        });
        return out;
    }
}
