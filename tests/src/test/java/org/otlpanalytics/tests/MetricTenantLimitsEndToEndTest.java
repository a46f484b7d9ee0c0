package org.otlpanalytics.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.resource.v1.Resource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.otlpanalytics.jobs.config.JobOptions;
import org.otlpanalytics.jobs.limits.Limiters;
import org.otlpanalytics.operators.common.CompositeKey;
import org.otlpanalytics.operators.common.StableHash;
import org.otlpanalytics.operators.limits.LimiterMetrics;
import org.otlpanalytics.operators.limits.OverflowUseFilter;
import org.otlpanalytics.schemas.metrics.LabelsHash;
import org.otlpanalytics.tests.support.BottomKOracle;
import org.otlpanalytics.tests.support.JobCounters;
import org.otlpanalytics.tests.support.Pipelines;
import org.otlpanalytics.tests.support.Services;

/**
 * Runaway identities through Kafka, the metrics pipeline and PostgreSQL, with the limits set low
 * (3 tenants per minute, 4 resources per tenant and minute), between five minutes of good metrics
 * of tenant {@code acme} (services {@code api} and {@code web}, three exports a minute each): a new
 * {@code tenant.id} on each of 40 messages (minute 1) and a new {@code service.name} on each of 100
 * messages of {@code acme} (minute 2). Every message carries one point of a gauge
 * ({@code limits.queue}, an integer value) and one of a delta sum ({@code limits.requests}).
 * The runaway names are chosen with stable hashes above those of {@code acme} and its services,
 * so the good data keeps its names and the test knows the folded messages.
 * <ul>
 *   <li>{@code metric_1m} equals, per minute, tenant, resource and metric (points, sum of values),
 *       an oracle that applies the documented rule to the protobuf messages: per minute the 3
 *       tenants, then per tenant the 4 resource URNs, with the smallest stable hashes keep their
 *       names, the rest fold into tenant {@code overflow} and resource {@code urn:svc:overflow/other}.
 *       Per metric, points and values summed over all rows equal the input's;
 *   <li>distinct tenants and resources per minute in {@code metric_1m} stay within the limits
 *       (plus one overflow member), and {@code dim_resource} holds none of the folded services;
 *   <li>the series limiter's {@code partialsFolded} counter equals the series folded (one record each); the
 *       tenant and resource limiters count batches, between one and two (its points) per folded export;
 *   <li>no {@code use_1m} row for the overflow resource.
 * </ul>
 */
class MetricTenantLimitsEndToEndTest {
    @RegisterExtension
    static final Services SERVICES = new Services();

    private static final long START = Instant.parse("2026-03-04T09:00:00Z").toEpochMilli();
    private static final long MIN = 60_000L;
    private static final int MAX_TENANTS = 3;
    private static final int MAX_RESOURCES = 4;
    private static final int MAX_SERIES = 10;
    private static final int LABELLED = 30;
    private static final String OVERFLOW_TENANT = "overflow";
    private static final String OVERFLOW_SERVICE = "urn:svc:overflow/other";
    private static final String GAUGE = "limits.queue";
    private static final String SUM = "limits.requests";

    /** One export as sent: time, tenant, service name, the two values, and gauge series labelled {@code pod} (value 1 each). */
    private record Export(long timeMillis, String tenant, String service, long gauge, long requests, List<String> pods) {
        Export(long timeMillis, String tenant, String service, long gauge, long requests) {
            this(timeMillis, tenant, service, gauge, requests, List.of());
        }

        String urn() {
            return "urn:svc:shop/" + service;
        }

        byte[] message() {
            Resource r = Resource.newBuilder().addAttributes(kv("service.name", service)).addAttributes(kv("service.namespace", "shop"))
                    .addAttributes(kv("tenant.id", tenant)).build();
            long t = timeMillis * 1_000_000L;
            Gauge.Builder gb = Gauge.newBuilder().addDataPoints(NumberDataPoint.newBuilder().setTimeUnixNano(t).setAsInt(gauge));
            for (String pod : pods) {
                gb.addDataPoints(NumberDataPoint.newBuilder().setTimeUnixNano(t).setAsInt(1).addAttributes(kv("pod", pod)));
            }
            Metric g = Metric.newBuilder().setName(GAUGE).setUnit("1").setGauge(gb).build();
            Metric s = Metric.newBuilder().setName(SUM).setUnit("1").setSum(Sum.newBuilder()
                    .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA).setIsMonotonic(true)
                    .addDataPoints(NumberDataPoint.newBuilder().setStartTimeUnixNano(t - 5_000_000_000L).setTimeUnixNano(t)
                            .setAsInt(requests))).build();
            return ExportMetricsServiceRequest.newBuilder().addResourceMetrics(ResourceMetrics.newBuilder().setResource(r)
                    .addScopeMetrics(ScopeMetrics.newBuilder().addMetrics(g).addMetrics(s))).build().toByteArray();
        }
    }

    private static KeyValue kv(String k, String v) {
        return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setStringValue(v)).build();
    }

    /** {@code n} names {@code prefix + i} whose {@code hashed} form has a stable hash above {@code floor}. */
    private static List<String> namesAbove(String prefix, int n, Function<String, String> hashed, long floor) {
        List<String> out = new ArrayList<>();
        for (int i = 0; out.size() < n; i++) {
            if (StableHash.of(hashed.apply(prefix + i)) > floor) {
                out.add(prefix + i);
            }
        }
        return out;
    }

    static List<Export> input() {
        List<Export> exports = new ArrayList<>();
        for (int m = 0; m < 5; m++) {
            for (String service : List.of("api", "web")) {
                for (int k = 1; k <= 3; k++) {
                    long at = START + m * MIN + (k * 15 + (service.equals("web") ? 5 : 0)) * 1000L;
                    exports.add(new Export(at, "acme", service, 10 * k + m, k));
                }
            }
        }
        List<String> tenants = namesAbove("t-", 40, t -> t, StableHash.of("acme"));
        for (int n = 0; n < tenants.size(); n++) {
            exports.add(new Export(START + MIN + n * 1000L + 500, tenants.get(n), "api", n, 2));
        }
        long services = Math.max(StableHash.of("urn:svc:shop/api"), StableHash.of("urn:svc:shop/web"));
        List<String> pods = namesAbove("pod-", 100, p -> "urn:svc:shop/" + p, services);
        for (int n = 0; n < pods.size(); n++) {
            exports.add(new Export(START + 2 * MIN + n * 500L + 250, "acme", pods.get(n), n % 9, 3));
        }
        // minute 3: one export of api with LABELLED more gauge series, above the tenant's 4 in hash
        long good = 0;
        for (String service : List.of("api", "web")) {
            for (String metric : List.of(GAUGE, SUM)) {
                good = Math.max(good, StableHash.of(series("urn:svc:shop/" + service, metric, null)));
            }
        }
        List<String> labels = namesAbove("p-", LABELLED, v -> series("urn:svc:shop/api", GAUGE, v), good);
        exports.add(new Export(START + 3 * MIN + 50_000L, "acme", "api", 0, 0, labels));
        exports.sort(Comparator.comparingLong(Export::timeMillis));
        return exports;
    }

    /** A series' member in the series limit: resource, metric and labels hash (no pod: no labels). */
    private static String series(String urn, String metric, String pod) {
        String[] k = pod == null ? new String[0] : new String[] {"pod"};
        String[] v = pod == null ? new String[0] : new String[] {pod};
        return CompositeKey.of(urn, metric, Long.toHexString(LabelsHash.of(k, v)));
    }

    /** The {@code labels::text} of a row. */
    private static String labelsText(String pod) {
        return pod == null ? "{}" : "{\"pod\": \"" + pod + "\"}";
    }

    @Test
    void runawayTenantsServicesAndSeriesFoldIntoOverflowWithEveryPointCounted() throws Exception {
        List<Export> exports = input();
        SERVICES.kafka().createTopics(2, "otlp_metrics", "otlp_deadletter");
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < exports.size(); i++) {
            Export e = exports.get(i);
            records.add(new ProducerRecord<>("otlp_metrics", i % 2, e.timeMillis(), null, e.message()));
        }
        SERVICES.kafka().send(records);

        // the oracle: tenants per minute, then resources per tenant and minute, bottom-k by stable hash
        Map<String, String> tenantOf = keepSmallest(exports, e -> minute(e), Export::tenant, MAX_TENANTS, OVERFLOW_TENANT);
        Map<String, long[]> expected = new TreeMap<>();
        Map<String, long[]> perMetric = new TreeMap<>();
        long tenantsFolded = 0;
        long resourcesFolded = 0;
        List<String[]> kept = new ArrayList<>();
        for (Export e : exports) {
            String t = tenantOf.get(minute(e) + "|" + e.tenant());
            tenantsFolded += t.equals(e.tenant()) ? 0 : 1;
            kept.add(new String[] {minute(e), t, e.urn()});
        }
        Map<String, String> urnOf = BottomKOracle.keepSmallest(kept, r -> r[0] + "|" + r[1], r -> r[2], MAX_RESOURCES, OVERFLOW_SERVICE);
        // the points, each as {minute, tenant, urn, metric, pod or null, value}, after the tenant and resource limits
        List<String[]> points = new ArrayList<>();
        for (int i = 0; i < exports.size(); i++) {
            Export e = exports.get(i);
            String[] r = kept.get(i);
            String u = urnOf.get(r[0] + "|" + r[1] + "|" + r[2]);
            resourcesFolded += u.equals(r[2]) ? 0 : 1;
            points.add(new String[] {r[0], r[1], u, GAUGE, null, Long.toString(e.gauge())});
            points.add(new String[] {r[0], r[1], u, SUM, null, Long.toString(e.requests())});
            for (String pod : e.pods()) {
                points.add(new String[] {r[0], r[1], u, GAUGE, pod, "1"});
            }
        }
        Map<String, String> seriesOf = BottomKOracle.keepSmallest(points, r -> r[0] + "|" + r[1], r -> series(r[2], r[3], r[4]), MAX_SERIES, "");
        long seriesFolded = 0;
        for (String[] r : points) {
            boolean keep = !seriesOf.get(r[0] + "|" + r[1] + "|" + series(r[2], r[3], r[4])).isEmpty();
            seriesFolded += keep ? 0 : 1;
            String labels = keep ? labelsText(r[4]) : "{\"otel.metric.overflow\": \"true\"}";
            add(expected, Instant.ofEpochMilli(Long.parseLong(r[0])) + "|" + r[1] + "|" + r[2] + "|" + r[3] + "|" + labels,
                    Long.parseLong(r[5]));
            add(perMetric, r[3], Long.parseLong(r[5]));
        }
        assertThat(tenantsFolded).as("the input reaches the tenant limit").isEqualTo(40 - (MAX_TENANTS - 1));
        assertThat(resourcesFolded).as("the input reaches the resource limit").isEqualTo(100 - (MAX_RESOURCES - 2));
        assertThat(seriesFolded).as("the input reaches the series limit").isEqualTo(LABELLED - (MAX_SERIES - 4));

        JobCounters counters = JobCounters.run(Pipelines.options(SERVICES.kafka(), SERVICES.postgres(), JobOptions.JOBS, "metrics",
                JobOptions.LIMITS_MAX_TENANTS, Integer.toString(MAX_TENANTS),
                JobOptions.LIMITS_MAX_RESOURCES_PER_TENANT, Integer.toString(MAX_RESOURCES),
                JobOptions.LIMITS_MAX_METRIC_SERIES_PER_TENANT, Integer.toString(MAX_SERIES)));

        // bounded: per minute at most MAX_TENANTS tenants besides overflow, per tenant MAX_RESOURCES resources besides overflow
        assertThat(Long.parseLong(Pipelines.rows(SERVICES.postgres(), "SELECT max(n) FROM (SELECT count(DISTINCT m.tenant_id) n "
                + "FROM metric_1m m JOIN dim_tenant t USING (tenant_id) WHERE t.code <> '" + OVERFLOW_TENANT + "' GROUP BY m.bucket) x")
                .get(0))).isEqualTo(MAX_TENANTS);
        assertThat(Long.parseLong(Pipelines.rows(SERVICES.postgres(), "SELECT max(n) FROM (SELECT count(DISTINCT m.resource_id) n "
                + "FROM metric_1m m JOIN dim_resource d USING (resource_id) WHERE d.urn <> '" + OVERFLOW_SERVICE
                + "' GROUP BY m.bucket, m.tenant_id) x").get(0))).isEqualTo(MAX_RESOURCES);
        assertThat(Long.parseLong(Pipelines.rows(SERVICES.postgres(), "SELECT max(n) FROM (SELECT count(*) n FROM metric_1m m "
                + "WHERE NOT m.labels ? 'otel.metric.overflow' GROUP BY m.bucket, m.tenant_id) x").get(0))).isEqualTo(MAX_SERIES);
        assertThat(Long.parseLong(Pipelines.rows(SERVICES.postgres(),
                "SELECT count(*) FROM dim_resource WHERE urn LIKE 'urn:svc:shop/pod-%'").get(0)))
                .as("folded services are not in dim_resource").isEqualTo(MAX_RESOURCES - 2);
        assertThat(Pipelines.rows(SERVICES.postgres(), "SELECT count(*) FROM use_1m u JOIN dim_resource d USING (resource_id) "
                + "WHERE d.urn = '" + OVERFLOW_SERVICE + "'")).containsExactly("0");

        Map<String, long[]> actual = rows();
        assertThat(actual.keySet()).containsExactlyElementsOf(expected.keySet());
        expected.forEach((k, v) -> assertThat(actual.get(k)).as(k).containsExactly(v));
        Map<String, long[]> actualPerMetric = new TreeMap<>();
        actual.forEach((k, v) -> {
            long[] s = actualPerMetric.computeIfAbsent(k.split("\\|")[3], x -> new long[2]);
            s[0] += v[0];
            s[1] += v[1];
        });
        assertThat(actualPerMetric.keySet()).containsExactly(GAUGE, SUM);
        perMetric.forEach((k, v) -> assertThat(actualPerMetric.get(k)).as("every point of %s counted once", k).containsExactly(v));
        assertThat(actual.keySet()).as("overflow rows")
                .anyMatch(k -> k.contains("|" + OVERFLOW_TENANT + "|urn:svc:shop/api|"))
                .anyMatch(k -> k.contains("|acme|" + OVERFLOW_SERVICE + "|"))
                .anyMatch(k -> k.endsWith("|acme|urn:svc:shop/api|" + GAUGE + "|{\"otel.metric.overflow\": \"true\"}"));

        // the counters count the batches folded: at least one per folded export, at most one per point (2 each)
        assertThat(counters.sum(Limiters.METRIC_TENANTS, LimiterMetrics.PARTIALS_FOLDED)).isBetween(tenantsFolded, 2 * tenantsFolded);
        assertThat(counters.sum(Limiters.METRIC_RESOURCES, LimiterMetrics.PARTIALS_FOLDED))
                .isBetween(resourcesFolded, 2 * resourcesFolded);
        assertThat(counters.sum(Limiters.METRIC_SERIES, LimiterMetrics.PARTIALS_FOLDED)).as("one record per series").isEqualTo(seriesFolded);
        assertThat(counters.count(Limiters.METRIC_RESOURCES, LimiterMetrics.PARTIALS_FOLDED)).as("one per subtask").isEqualTo(2);
        assertThat(counters.count(Limiters.METRIC_RESOURCES, OverflowUseFilter.USE_ROWS_DROPPED)).isEqualTo(2);
    }

    private static String minute(Export e) {
        return Long.toString(e.timeMillis() - Math.floorMod(e.timeMillis(), MIN));
    }

    private static void add(Map<String, long[]> m, String k, long value) {
        long[] v = m.computeIfAbsent(k, x -> new long[2]);
        v[0]++;
        v[1] += value;
    }

    /** {@code metric_1m}: minute|tenant|resource URN|metric|labels -> (points, sum of values). */
    private static Map<String, long[]> rows() throws Exception {
        Map<String, long[]> out = new TreeMap<>();
        for (String row : Pipelines.rows(SERVICES.postgres(), "SELECT (extract(epoch FROM m.bucket) * 1000)::bigint, t.code, d.urn, "
                + "m.metric, m.labels::text, m.points, round(CASE WHEN m.metric = '" + SUM + "' THEN m.total ELSE m.avg * m.points END)::bigint "
                + "FROM metric_1m m JOIN dim_tenant t USING (tenant_id) JOIN dim_resource d USING (resource_id)")) {
            String[] p = row.split("\t");
            long[] prev = out.put(Instant.ofEpochMilli(Long.parseLong(p[0])) + "|" + p[1] + "|" + p[2] + "|" + p[3] + "|" + p[4],
                    new long[] {Long.parseLong(p[5]), Long.parseLong(p[6])});
            assertThat(prev).as("one row per minute, tenant, resource and metric: %s", row).isNull();
        }
        return out;
    }

    private static Map<String, String> keepSmallest(List<Export> exports, Function<Export, String> scope,
            Function<Export, String> member, int limit, String overflow) {
        List<String[]> rows = new ArrayList<>();
        for (Export e : exports) {
            rows.add(new String[] {scope.apply(e), member.apply(e)});
        }
        return BottomKOracle.keepSmallest(rows, r -> r[0], r -> r[1], limit, overflow);
    }

}
