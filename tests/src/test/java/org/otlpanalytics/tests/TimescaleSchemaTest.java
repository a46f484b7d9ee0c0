package org.otlpanalytics.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.otlpanalytics.jobs.embedded.PostgresServer;
import org.otlpanalytics.jobs.sink.postgres.PostgresSinkConfig;
import org.otlpanalytics.jobs.sink.postgres.SchemaMigrator;
import org.otlpanalytics.jobs.sink.postgres.TimescaleSetup;

/**
 * The schema with and without TimescaleDB. Without it (the embedded server), the tables are plain
 * and the reason is reported; with it (a server given by OTLP_ANALYTICS_TEST_PG_URL that has
 * timescaledb preloaded), the time-keyed tables are hypertables with compression and retention
 * policies and the hourly continuous aggregate exists. Migrating twice is harmless either way.
 */
class TimescaleSchemaTest {
    @Test
    void migratesTwiceAndUsesTimescaleOnlyWhenAvailable() throws Exception {
        try (PostgresServer pg = PostgresServer.start()) {
            PostgresSinkConfig c = PostgresSinkConfig.builder().jdbcUrl(pg.jdbcUrl()).build();
            SchemaMigrator.Result first = SchemaMigrator.migrate(c);
            SchemaMigrator.Result second = SchemaMigrator.migrate(c);
            assertThat(first.migrationsApplied).isPositive();
            assertThat(second.migrationsApplied).isZero();
            assertThat(second.timescale).isEqualTo(first.timescale);
            try (Connection conn = pg.connect()) {
                assertThat(query(conn, "SELECT to_regclass('red_1m') IS NOT NULL")).containsExactly("t");
                if (!first.timescale) {
                    assertThat(first.timescaleReason).isEqualTo(TimescaleSetup.unavailableReason(conn)).isNotBlank();
                    assertThat(query(conn, "SELECT count(*) FROM pg_extension WHERE extname = 'timescaledb'")).containsExactly("0");
                }
            }
        }
    }

    @Test
    void timescaleHypertablesPoliciesAndContinuousAggregates() throws Exception {
        try (PostgresServer pg = PostgresServer.start()) {
            String reason;
            try (Connection conn = pg.connect()) {
                reason = TimescaleSetup.unavailableReason(conn);
            }
            Assumptions.assumeTrue(reason == null, "skipped: TimescaleDB is not available here (" + reason
                    + "); set OTLP_ANALYTICS_TEST_PG_URL to a PostgreSQL 15 server with timescaledb in shared_preload_libraries");
            SchemaMigrator.migrate(PostgresSinkConfig.builder().jdbcUrl(pg.jdbcUrl()).build());
            try (Connection conn = pg.connect()) {
                assertThat(query(conn, "SELECT hypertable_name FROM timescaledb_information.hypertables ORDER BY 1"))
                        .contains("red_1m");
                assertThat(query(conn, "SELECT proc_name || ':' || hypertable_name FROM timescaledb_information.jobs "
                        + "WHERE hypertable_name = 'red_1m' ORDER BY 1"))
                        .contains("policy_compression:red_1m", "policy_retention:red_1m");
                assertThat(query(conn, "SELECT view_name FROM timescaledb_information.continuous_aggregates ORDER BY 1"))
                        .contains("red_1h");
            }
        }
    }

    static List<String> query(Connection c, String sql) throws Exception {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
