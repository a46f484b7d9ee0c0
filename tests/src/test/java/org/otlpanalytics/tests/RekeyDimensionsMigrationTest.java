package org.otlpanalytics.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.apache.datasketches.hash.MurmurHash3;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.otlpanalytics.jobs.sink.postgres.DimensionRows;
import org.otlpanalytics.jobs.sink.postgres.PostgresSinkConfig;
import org.otlpanalytics.jobs.sink.postgres.PostgresUpsertSink;
import org.otlpanalytics.jobs.sink.postgres.RedRowMapper;
import org.otlpanalytics.jobs.sink.postgres.SchemaMigrator;
import org.otlpanalytics.operators.red.RedRow;
import org.otlpanalytics.tests.support.CountingMetricGroup;
import org.otlpanalytics.tests.support.Pipelines;
import org.otlpanalytics.tests.support.Services;

/**
 * A database written by the release before tenant-scoped resources (schema version 4, ids hashed
 * with separator-joined parts, one {@code dim_resource} row per URN shared by every tenant) is
 * migrated: each tenant gets its own resource rows with the ids this release computes, every fact
 * row points at its own tenant's resources with its values unchanged, and a row written after the
 * migration replaces the migrated row of the same key instead of adding a second one.
 */
class RekeyDimensionsMigrationTest {
    @RegisterExtension
    static final Services SERVICES = new Services();

    private static final String CART = "urn:svc:shop/cart";
    private static final String REDIS = "urn:peer:redis/0";
    private static final String HOST = "urn:host:h1";
    private static final OffsetDateTime BUCKET = OffsetDateTime.ofInstant(Instant.parse("2026-02-01T00:00:00Z"), ZoneOffset.UTC);

    /** The ids as the release before computed them: parts joined with U+001F, hashed. */
    private static long oldId(String... parts) {
        StringBuilder sb = new StringBuilder();
        for (String p : parts) {
            sb.append(p).append('\u001f');
        }
        return MurmurHash3.hash(sb.toString().getBytes(StandardCharsets.UTF_8), 0x6f746c70L)[0] & Long.MAX_VALUE;
    }

    private static long newTenant(String code) {
        return DimensionRows.tenantId(code);
    }

    private static long newResource(String code, String urn) {
        return DimensionRows.resourceId(DimensionRows.tenantId(code), urn);
    }

    @Test
    void rowsWrittenBeforeVersion5GetTheirOwnTenantsResourceIds() throws Exception {
        String url = SERVICES.postgres().jdbcUrl();
        Flyway.configure().dataSource(url, null, null).locations("classpath:db/migration").target("4").load().migrate();
        long acme = oldId("tenant", "acme");
        long globex = oldId("tenant", "globex");
        long cart = oldId("resource", CART);
        long redis = oldId("resource", REDIS);
        long host = oldId("resource", HOST);
        try (Connection c = SERVICES.postgres().connect()) {
            exec(c, "INSERT INTO dim_tenant (tenant_id, code) VALUES (?, 'acme'), (?, 'globex')", acme, globex);
            // one row per URN, with the tenant that arrived first
            exec(c, "INSERT INTO dim_resource (resource_id, urn, kind, name, namespace, tenant_id) VALUES "
                    + "(?, '" + CART + "', 'svc', 'cart', 'shop', ?), (?, '" + REDIS + "', 'peer', 'redis', NULL, ?), "
                    + "(?, '" + HOST + "', 'host', 'h1', NULL, ?)", cart, acme, redis, globex, host, acme);
            exec(c, "INSERT INTO red_1m (bucket, tenant_id, resource_id, operation, span_kind, status, calls, errors, "
                    + "duration_sum_ms, p50_ms, p95_ms, p99_ms, distinct_traces, duration_kll, trace_hll) VALUES "
                    + "(?, ?, ?, 'GET /', 'SERVER', 'UNSET', 10, 1, 0, 0, 0, 0, 0, '\\x00', '\\x00'), "
                    + "(?, ?, ?, 'GET /', 'SERVER', 'UNSET', 20, 2, 0, 0, 0, 0, 0, '\\x00', '\\x00')",
                    BUCKET, acme, cart, BUCKET, globex, cart);
            exec(c, "INSERT INTO service_call_5m (bucket, tenant_id, src_resource_id, dst_resource_id, connection_type, calls, "
                    + "errors, rps, err_rate, duration_side, p50_ms, p95_ms, p99_ms, duration_sum_ms, duration_kll, server_calls, "
                    + "first_seen, last_seen) VALUES (?, ?, ?, ?, 'database', 30, 0, 0.1, 0, 'client', 1, 2, 3, 4, '\\x00', 0, ?, ?)",
                    BUCKET, globex, cart, redis, BUCKET, BUCKET);
            exec(c, "INSERT INTO topo_edge_time (tenant_id, src_resource_id, dst_resource_id, relation, valid, connection_type) "
                    + "VALUES (?, ?, ?, 'calls', tstzrange(?, NULL, '[]'), 'database')", globex, cart, redis, BUCKET);
            exec(c, "INSERT INTO live_edge (tenant_id, src_resource_id, dst_resource_id, connection_type, first_seen, last_seen, "
                    + "calls, errors, rps, err_rate, p95_ms, as_of) VALUES (?, ?, ?, 'database', ?, ?, 40, 0, 0, 0, 1, ?)",
                    acme, cart, redis, BUCKET, BUCKET, BUCKET);
            exec(c, "INSERT INTO metric_1m (bucket, tenant_id, resource_id, metric, labels_hash, labels, service_resource_id, "
                    + "unit, metric_type, kind, points) VALUES (?, ?, ?, 'system.cpu.utilization', 1, '{}', ?, '1', 'gauge', "
                    + "'level', 50)", BUCKET, globex, host, cart);
            exec(c, "INSERT INTO use_1m (bucket, tenant_id, resource_id, utilization, contributors) VALUES (?, ?, ?, 0.6, '[]')",
                    BUCKET, acme, host);
            exec(c, "INSERT INTO log_pattern (fingerprint_id, tenant_id, resource_id, pattern, sample, sample_time, "
                    + "sample_time_unix_nano, sample_partition, sample_offset, severity_number, first_seen, last_seen) "
                    + "VALUES (77, ?, ?, 'p <*>', 'p 1', ?, 0, 0, 0, 9, ?, ?)", globex, cart, BUCKET, BUCKET, BUCKET);
            exec(c, "INSERT INTO log_pattern_5m (bucket, tenant_id, resource_id, fingerprint_id, count_total, count_error) "
                    + "VALUES (?, ?, ?, 77, 60, 6)", BUCKET, globex, cart);
        }

        PostgresSinkConfig pg = PostgresSinkConfig.builder().jdbcUrl(url).build();
        assertThat(SchemaMigrator.migrate(pg).migrationsApplied).as("V5, V6 and any later ones").isGreaterThanOrEqualTo(2);

        assertThat(rows("SELECT tenant_id, code FROM dim_tenant ORDER BY code"))
                .containsExactly(newTenant("acme") + "\tacme", newTenant("globex") + "\tglobex");
        assertThat(rows("SELECT d.resource_id, t.code, d.urn, d.kind, d.name, d.namespace FROM dim_resource d "
                + "JOIN dim_tenant t USING (tenant_id) ORDER BY t.code, d.urn")).containsExactly(
                        newResource("acme", HOST) + "\tacme\t" + HOST + "\thost\th1\tnull",
                        newResource("acme", REDIS) + "\tacme\t" + REDIS + "\tpeer\tredis\tnull",
                        newResource("acme", CART) + "\tacme\t" + CART + "\tsvc\tcart\tshop",
                        newResource("globex", HOST) + "\tglobex\t" + HOST + "\thost\th1\tnull",
                        newResource("globex", REDIS) + "\tglobex\t" + REDIS + "\tpeer\tredis\tnull",
                        newResource("globex", CART) + "\tglobex\t" + CART + "\tsvc\tcart\tshop");
        assertThat(rows("SELECT tenant_id, resource_id, calls FROM red_1m ORDER BY calls")).containsExactly(
                newTenant("acme") + "\t" + newResource("acme", CART) + "\t10",
                newTenant("globex") + "\t" + newResource("globex", CART) + "\t20");
        String globexEdge = newTenant("globex") + "\t" + newResource("globex", CART) + "\t" + newResource("globex", REDIS);
        assertThat(rows("SELECT tenant_id, src_resource_id, dst_resource_id, calls FROM service_call_5m"))
                .containsExactly(globexEdge + "\t30");
        assertThat(rows("SELECT tenant_id, src_resource_id, dst_resource_id FROM topo_edge_time")).containsExactly(globexEdge);
        assertThat(rows("SELECT tenant_id, src_resource_id, dst_resource_id, calls FROM live_edge")).containsExactly(
                newTenant("acme") + "\t" + newResource("acme", CART) + "\t" + newResource("acme", REDIS) + "\t40");
        assertThat(rows("SELECT tenant_id, resource_id, service_resource_id, points FROM metric_1m")).containsExactly(
                newTenant("globex") + "\t" + newResource("globex", HOST) + "\t" + newResource("globex", CART) + "\t50");
        assertThat(rows("SELECT tenant_id, resource_id FROM use_1m"))
                .containsExactly(newTenant("acme") + "\t" + newResource("acme", HOST));
        assertThat(rows("SELECT tenant_id, resource_id FROM log_pattern"))
                .containsExactly(newTenant("globex") + "\t" + newResource("globex", CART));
        assertThat(rows("SELECT tenant_id, resource_id, count_total FROM log_pattern_5m"))
                .containsExactly(newTenant("globex") + "\t" + newResource("globex", CART) + "\t60");
        assertThat(SchemaMigrator.migrate(pg).migrationsApplied).isZero();

        // what this release writes for acme's cart in that minute lands on the migrated row
        RedRow r = new RedRow();
        r.bucketStartMillis = BUCKET.toInstant().toEpochMilli();
        r.tenant = "acme";
        r.serviceName = "cart";
        r.serviceNamespace = "shop";
        r.serviceUrn = CART;
        r.operation = "GET /";
        r.spanKind = "SERVER";
        r.status = "UNSET";
        r.calls = 11;
        r.kll = new byte[] {1};
        r.hll = new byte[] {1};
        r.durationIdx = new int[] {7};
        r.durationCnt = new long[] {11};
        try (SinkWriter<RedRow> w = new PostgresUpsertSink<>(pg, new RedRowMapper("otlp_spans"))
                .standaloneWriter(new CountingMetricGroup())) {
            w.write(r, null);
            w.flush(false);
        }
        assertThat(rows("SELECT t.code, d.name, r.calls FROM red_1m r JOIN dim_tenant t USING (tenant_id) "
                + "JOIN dim_resource d USING (resource_id) ORDER BY 1")).containsExactly("acme\tcart\t11", "globex\tcart\t20");
        assertThat(rows("SELECT count(*) FROM dim_resource")).containsExactly("6");
    }

    private static java.util.List<String> rows(String sql) throws Exception {
        return Pipelines.rows(SERVICES.postgres(), sql);
    }

    private static void exec(Connection c, String sql, Object... params) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            ps.executeUpdate();
        }
    }
}
