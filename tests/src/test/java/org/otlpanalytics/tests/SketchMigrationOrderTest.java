package org.otlpanalytics.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.otlpanalytics.jobs.sink.postgres.DimensionRows;
import org.otlpanalytics.jobs.sink.postgres.PostgresSinkConfig;
import org.otlpanalytics.jobs.sink.postgres.RekeyDimensionsMigration;
import org.otlpanalytics.jobs.sink.postgres.SchemaMigrator;
import org.otlpanalytics.tests.support.Services;

/**
 * The sketch migrations (V31, and V32 for metric_1m) apply in order on a database the release before migrated
 * (V1..V6 and V30, incidents): Flyway refuses a pending version below the highest applied one, so
 * the sketch columns must come after V30. Rows written before V31 keep their counts in the range
 * SQL; their histograms and registers are empty, so they give no quantile (NULL) and add no
 * distinct traces.
 */
class SketchMigrationOrderTest {
    @RegisterExtension
    static final Services SERVICES = new Services();

    private static final OffsetDateTime MINUTE = OffsetDateTime.ofInstant(Instant.parse("2026-03-01T10:00:00Z"), ZoneOffset.UTC);

    @Test
    void sketchMigrationAppliesAfterTheIncidentsMigrationOfTheReleaseBefore() throws Exception {
        String url = SERVICES.postgres().jdbcUrl();
        // the release before: every migration up to V30, as its SchemaMigrator ran them
        Flyway before = Flyway.configure().dataSource(url, null, null).locations("classpath:db/migration")
                .javaMigrations(new RekeyDimensionsMigration()).target("30").load();
        before.migrate();
        assertThat(versions(before)).containsExactly("1", "2", "3", "4", "5", "6", "30");
        long tenant = DimensionRows.tenantId("acme");
        long cart = DimensionRows.resourceId(tenant, "urn:svc:shop/cart");
        try (Connection c = SERVICES.postgres().connect()) {
            exec(c, "INSERT INTO dim_tenant (tenant_id, code) VALUES (?, 'acme')", tenant);
            exec(c, "INSERT INTO dim_resource (resource_id, urn, kind, name, namespace, tenant_id) VALUES "
                    + "(?, 'urn:svc:shop/cart', 'svc', 'cart', 'shop', ?)", cart, tenant);
            exec(c, "INSERT INTO red_1m (bucket, tenant_id, resource_id, operation, span_kind, status, calls, errors, "
                    + "duration_sum_ms, p50_ms, p95_ms, p99_ms, distinct_traces, duration_kll, trace_hll) VALUES "
                    + "(?, ?, ?, 'GET /cart', 'SERVER', 'UNSET', 40, 3, 400, 9, 19, 29, 35, '\\x00', '\\x00')", MINUTE, tenant, cart);
            exec(c, "INSERT INTO metric_1m (bucket, tenant_id, resource_id, metric, labels_hash, labels, unit, metric_type, kind, "
                    + "points, avg, min, max, p95) VALUES (?, ?, ?, 'queue.depth', 7, '{}', '1', 'gauge', 'level', 6, 2, 1, 4, 4)",
                    MINUTE, tenant, cart);
        }

        SchemaMigrator.Result r = SchemaMigrator.migrate(PostgresSinkConfig.builder().jdbcUrl(url).build());
        assertThat(r.migrationsApplied).as("only the sketch migrations (V31, V32) and V33 (log_pattern.snapshot_time) are new")
                .isEqualTo(3);
        Flyway after = Flyway.configure().dataSource(url, null, null).locations("classpath:db/migration")
                .javaMigrations(new RekeyDimensionsMigration()).load();
        assertThat(versions(after)).containsExactly("1", "2", "3", "4", "5", "6", "30", "31", "32", "33");
        assertThat(after.info().pending()).isEmpty();
        for (MigrationInfo i : after.info().applied()) {
            assertThat(i.getState().isFailed()).as("V%s", i.getVersion()).isFalse();
        }
        // a second run finds nothing to do (the job migrates at every start)
        assertThat(SchemaMigrator.migrate(PostgresSinkConfig.builder().jdbcUrl(url).build()).migrationsApplied).isZero();

        try (Connection c = SERVICES.postgres().connect(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT tenant, service, calls, errors, p95_ms, distinct_traces "
                        + "FROM red_range('2026-03-01T10:00:00Z', '2026-03-01T11:00:00Z')")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString("tenant")).isEqualTo("acme");
            assertThat(rs.getString("service")).isEqualTo("cart");
            assertThat(rs.getLong("calls")).isEqualTo(40);
            assertThat(rs.getLong("errors")).isEqualTo(3);
            rs.getDouble("p95_ms");
            assertThat(rs.wasNull()).as("no quantile from an empty histogram").isTrue();
            // empty registers estimate 0 distinct traces (README: a range mixing old and new rows undercounts them)
            assertThat(rs.getDouble("distinct_traces")).isZero();
            assertThat(rs.next()).isFalse();
        }
        // a metric_1m row of the release before: counted in metric_range, without a quantile (V32)
        try (Connection c = SERVICES.postgres().connect(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT metric, points, observations, p95, max "
                        + "FROM metric_range('2026-03-01T10:00:00Z', '2026-03-01T11:00:00Z')")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString("metric")).isEqualTo("queue.depth");
            assertThat(rs.getLong("points")).isEqualTo(6);
            assertThat(rs.getLong("observations")).isZero();
            rs.getDouble("p95");
            assertThat(rs.wasNull()).as("no quantile from empty value arrays").isTrue();
            assertThat(rs.getDouble("max")).isEqualTo(4.0);
            assertThat(rs.next()).isFalse();
        }
    }

    private static List<String> versions(Flyway f) {
        List<String> out = new ArrayList<>();
        for (MigrationInfo i : f.info().applied()) {
            if (i.getVersion() != null) {
                out.add(i.getVersion().getVersion());
            }
        }
        return out;
    }

    private static void exec(Connection c, String sql, Object... args) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            ps.executeUpdate();
        }
    }
}
