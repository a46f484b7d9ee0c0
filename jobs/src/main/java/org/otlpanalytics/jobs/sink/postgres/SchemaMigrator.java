package org.otlpanalytics.jobs.sink.postgres;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a database to the current schema: Flyway migrations from {@code sql/postgres/migration}
 * (plain PostgreSQL) and {@link RekeyDimensionsMigration} (version 6), then, when TimescaleDB can
 * be loaded, {@link TimescaleSetup} turns the time-keyed tables into hypertables with compression,
 * retention and continuous aggregates.
 */
public final class SchemaMigrator {
    private static final Logger LOG = LoggerFactory.getLogger(SchemaMigrator.class);

    private SchemaMigrator() {}

    /** What the migration found and did. */
    public static final class Result {
        public final int migrationsApplied;
        public final boolean timescale;
        public final String timescaleReason;

        Result(int applied, boolean timescale, String reason) {
            this.migrationsApplied = applied;
            this.timescale = timescale;
            this.timescaleReason = reason;
        }
    }

    public static Result migrate(PostgresSinkConfig config) throws SQLException {
        Properties props = config.connectionProperties();
        Flyway flyway = Flyway.configure()
                .dataSource(config.jdbcUrl(), props.getProperty("user"), props.getProperty("password"))
                .locations("classpath:db/migration")
                .javaMigrations(new RekeyDimensionsMigration())
                .baselineOnMigrate(true)
                .load();
        int applied = flyway.migrate().migrationsExecuted;
        try (Connection c = config.connect()) {
            // no read timeout here: turning a large existing table into a hypertable takes its time
            c.setNetworkTimeout(Runnable::run, 0);
            c.setAutoCommit(true);
            String why = TimescaleSetup.unavailableReason(c);
            if (why != null) {
                LOG.info("TimescaleDB not used: {}; tables stay plain PostgreSQL tables", why);
                return new Result(applied, false, why);
            }
            TimescaleSetup.apply(c);
            return new Result(applied, true, "timescaledb extension present");
        }
    }

    static boolean exists(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next();
        }
    }
}
