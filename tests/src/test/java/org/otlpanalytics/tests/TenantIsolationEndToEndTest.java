package org.otlpanalytics.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.otlpanalytics.jobs.AnalyticsJob;
import org.otlpanalytics.jobs.cli.CsvExport;
import org.otlpanalytics.jobs.config.Environments;
import org.otlpanalytics.jobs.config.JobOptions;
import org.otlpanalytics.jobs.demo.TelemetryGenerator;
import org.otlpanalytics.jobs.sink.postgres.SchemaMigrator;
import org.otlpanalytics.tests.support.Pipelines;
import org.otlpanalytics.tests.support.RedOracle;
import org.otlpanalytics.tests.support.Services;

/**
 * Three tenants through Kafka, all four pipelines of the real job and PostgreSQL: {@code acme} and
 * {@code globex} run the same shop (identical service names and hosts), and a crafted tenant
 * {@code acme<US>urn:svc:shop/cart} runs it too while acme renames its frontend
 * {@code cart<US>urn:svc:shop/frontend}, so that (tenant, service URN) joined with U+001F, as the
 * ids and keys were built before length-prefixing, is the same string for both. Each tenant's
 * messages are on their own partition, which the Kafka locators behind the rows make an
 * independent check of which tenant a row belongs to. Every row must be under its own tenant,
 * every resource it references must be its tenant's, and nothing is merged across tenants.
 * Identity attributes are sanitized at decode (control characters become U+FFFD), so the crafted
 * names are stored with U+FFFD in place of U+001F; keys are length-prefixed besides.
 */
class TenantIsolationEndToEndTest {
    @RegisterExtension
    static final Services SERVICES = new Services();

    private static final long START = Instant.parse("2026-06-01T08:00:00Z").toEpochMilli();
    private static final String US = "\u001f";
    /** Tenant i writes to partition i of every topic. */
    private static final String[] TENANTS = {"acme", "globex", "acme" + US + "urn:svc:shop/cart"};
    private static final String ACME_FRONTEND = "cart" + US + "urn:svc:shop/frontend";
    /** How the decoder stores a name: control characters replaced with U+FFFD. */
    private static String stored(String name) {
        return name.replace(US, "\uFFFD");
    }

    /** Every table's resource columns: each must name a resource of the row's own tenant. */
    private static final String[][] RESOURCE_COLUMNS = {
        {"red_1m", "resource_id"}, {"metric_1m", "resource_id"}, {"metric_1m", "service_resource_id"},
        {"use_1m", "resource_id"}, {"log_pattern", "resource_id"}, {"log_pattern_5m", "resource_id"},
        {"service_call_5m", "src_resource_id"}, {"service_call_5m", "dst_resource_id"},
        {"topo_edge_time", "src_resource_id"}, {"topo_edge_time", "dst_resource_id"},
        {"live_edge", "src_resource_id"}, {"live_edge", "dst_resource_id"},
    };

    @Test
    void everyRowStaysWithItsTenantWhenTenantsShareServiceNames(@TempDir Path out) throws Exception {
        JobOptions o = Environments.withLocalCheckpointDir(Pipelines.options(SERVICES.kafka(), SERVICES.postgres()));
        SERVICES.kafka().createTopics(TENANTS.length, o.get(JobOptions.SPANS_TOPIC), o.get(JobOptions.LOGS_TOPIC),
                o.get(JobOptions.METRICS_TOPIC));
        SERVICES.kafka().createTopics(1, o.get(JobOptions.DEAD_LETTER_TOPIC));
        RedOracle oracle = new RedOracle();
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int p = 0; p < TENANTS.length; p++) {
            for (TelemetryGenerator.Message m : new TelemetryGenerator(70 + p, TENANTS[p])
                    .generate(START, Duration.ofMinutes(3).toMillis(), 4)) {
                byte[] value = p == 0 ? renameService(m.signal, m.value, "frontend", ACME_FRONTEND) : m.value;
                String topic = o.get(m.signal.equals("traces") ? JobOptions.SPANS_TOPIC
                        : m.signal.equals("logs") ? JobOptions.LOGS_TOPIC : JobOptions.METRICS_TOPIC);
                records.add(new ProducerRecord<>(topic, p, m.timeMillis, null, value));
                if (m.signal.equals("traces")) {
                    oracle.add(value);
                }
            }
        }
        SERVICES.kafka().send(records);

        SchemaMigrator.migrate(AnalyticsJob.postgres(o));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(Environments.configuration(o));
        AnalyticsJob.build(env, o);
        env.execute("tenants");

        // one tenant per partition, as the Kafka records behind every locatable row say
        Map<Integer, String> tenantOfPartition = new TreeMap<>();
        for (String table : new String[] {"red_1m", "metric_1m", "log_pattern_5m", "service_call_5m"}) {
            for (String row : rows("SELECT DISTINCT t.code, k.partitions::text FROM " + table + " f JOIN dim_tenant t "
                    + "USING (tenant_id) JOIN kafka_locator k ON k.id = f.sample_ref")) {
                String[] f = row.split("\t");
                assertThat(f[1]).as("partitions behind a %s row of %s", table, f[0]).matches("\\{\\d\\}");
                int p = Integer.parseInt(f[1].substring(1, 2));
                assertThat(tenantOfPartition.putIfAbsent(p, f[0])).as("%s partition %d", table, p).isIn(null, f[0]);
            }
        }
        assertThat(tenantOfPartition).containsExactly(Map.entry(0, TENANTS[0]), Map.entry(1, TENANTS[1]),
                Map.entry(2, stored(TENANTS[2])));

        // every resource a row references is its own tenant's
        for (String[] c : RESOURCE_COLUMNS) {
            assertThat(rows("SELECT count(*) FROM " + c[0] + " f LEFT JOIN dim_resource d ON d.resource_id = f." + c[1]
                    + " WHERE f." + c[1] + " IS NOT NULL AND (d.resource_id IS NULL OR d.tenant_id <> f.tenant_id)"))
                    .as("%s.%s pointing at another tenant's (or no) resource", c[0], c[1]).containsExactly("0");
            assertThat(rows("SELECT count(*) FROM " + c[0])).as("%s has rows", c[0]).doesNotContain("0");
        }

        // the same shop in acme and globex: the same URNs, each tenant its own rows
        Set<String> acme = urns(TENANTS[0]);
        Set<String> globex = urns(TENANTS[1]);
        assertThat(globex).contains("urn:svc:shop/frontend", "urn:svc:shop/cart", "urn:host:cart-host-1");
        Set<String> acmeRenamedBack = new TreeSet<>();
        acme.forEach(u -> acmeRenamedBack.add(u.replace(stored(ACME_FRONTEND), "frontend")));
        assertThat(acmeRenamedBack).isEqualTo(globex);
        assertThat(urns(stored(TENANTS[2]))).isEqualTo(globex);
        assertThat(rows("SELECT count(*) FROM dim_resource d JOIN dim_tenant t USING (tenant_id) "
                + "WHERE d.urn = 'urn:svc:shop/cart' AND d.name = 'cart' AND d.namespace = 'shop'")).containsExactly("3");
        assertThat(rows("SELECT count(DISTINCT resource_id) FROM dim_resource WHERE urn = 'urn:svc:shop/cart'"))
                .containsExactly("3");

        // RED: every row under its tenant and service, with the oracle's counts
        Map<String, long[]> actual = new HashMap<>();
        for (String row : rows("SELECT (extract(epoch FROM r.bucket) * 1000)::bigint, t.code, d.name, r.operation, r.span_kind, r.status, r.calls, r.errors "
                + "FROM red_1m r JOIN dim_tenant t USING (tenant_id) JOIN dim_resource d USING (resource_id)")) {
            String[] f = row.split("\t");
            String key = RedOracle.key(Instant.ofEpochMilli(Long.parseLong(f[0])), f[1], f[2], f[3], f[4], f[5]);
            assertThat(actual.put(key, new long[] {Long.parseLong(f[6]), Long.parseLong(f[7])})).as(key).isNull();
        }
        // the oracle reads the raw messages; the job stores names as the decoder sanitizes them
        Map<String, long[]> expected = new TreeMap<>();
        oracle.rows().forEach((k, e) -> expected.put(stored(k), new long[] {e.calls, e.errors}));
        assertThat(actual.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        expected.forEach((k, e) -> assertThat(actual.get(k)).as(k).containsExactly(e));

        // the service-call graph: one per tenant, the same shape in each
        Set<String> globexEdges = edges(TENANTS[1]);
        assertThat(globexEdges).contains("frontend>cart", "checkout>payment");
        Set<String> acmeEdges = new TreeSet<>();
        edges(TENANTS[0]).forEach(e -> acmeEdges.add(e.replace(stored(ACME_FRONTEND), "frontend")));
        assertThat(acmeEdges).isEqualTo(globexEdges);
        assertThat(edges(stored(TENANTS[2]))).isEqualTo(globexEdges);

        // the CSV export names each tenant's own resource
        try (Connection c = SERVICES.postgres().connect()) {
            CsvExport.exportAll(c, out);
        }
        List<String> dims = Files.readAllLines(out.resolve("dim_resource.csv"));
        assertThat(dims.get(0)).isEqualTo("resource_id,tenant,urn,kind,name,namespace");
        assertThat(dims.stream().filter(l -> l.contains(",urn:svc:shop/cart,"))).hasSize(3)
                .anySatisfy(l -> assertThat(l).contains(",acme,")).anySatisfy(l -> assertThat(l).contains(",globex,"));
    }

    private static Set<String> urns(String tenant) throws Exception {
        return new TreeSet<>(rows("SELECT d.urn FROM dim_resource d JOIN dim_tenant t USING (tenant_id) WHERE t.code = '"
                + tenant.replace("'", "''") + "'"));
    }

    private static Set<String> edges(String tenant) throws Exception {
        return new TreeSet<>(rows("SELECT s.name || '>' || d.name FROM service_call_5m e JOIN dim_tenant t USING (tenant_id) "
                + "JOIN dim_resource s ON s.resource_id = e.src_resource_id "
                + "JOIN dim_resource d ON d.resource_id = e.dst_resource_id WHERE t.code = '" + tenant.replace("'", "''") + "'"));
    }

    private static List<String> rows(String sql) throws Exception {
        return Pipelines.rows(SERVICES.postgres(), sql);
    }

    /** The message with every resource's {@code service.name} {@code from} renamed {@code to}. */
    static byte[] renameService(String signal, byte[] value, String from, String to) throws Exception {
        switch (signal) {
            case "traces": {
                ExportTraceServiceRequest.Builder b = ExportTraceServiceRequest.parseFrom(value).toBuilder();
                b.getResourceSpansBuilderList().forEach(r -> rename(r.getResourceBuilder(), from, to));
                return b.build().toByteArray();
            }
            case "logs": {
                ExportLogsServiceRequest.Builder b = ExportLogsServiceRequest.parseFrom(value).toBuilder();
                b.getResourceLogsBuilderList().forEach(r -> rename(r.getResourceBuilder(), from, to));
                return b.build().toByteArray();
            }
            default: {
                ExportMetricsServiceRequest.Builder b = ExportMetricsServiceRequest.parseFrom(value).toBuilder();
                b.getResourceMetricsBuilderList().forEach(r -> rename(r.getResourceBuilder(), from, to));
                return b.build().toByteArray();
            }
        }
    }

    private static void rename(Resource.Builder r, String from, String to) {
        for (KeyValue.Builder kv : r.getAttributesBuilderList()) {
            if (kv.getKey().equals("service.name") && kv.getValue().getStringValue().equals(from)) {
                kv.setValue(AnyValue.newBuilder().setStringValue(to));
            }
        }
    }
}
