package org.otlpanalytics.jobs.sink.postgres;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TimescaleDB features, applied only when the extension can be created: hypertables,
 * compression and retention policies and hourly continuous aggregates, from
 * {@code db/timescaledb.sql}. Every statement is idempotent ({@code if_not_exists}), and runs in
 * autocommit mode because continuous aggregates cannot be created inside a transaction.
 */
public final class TimescaleSetup {
    private static final Logger LOG = LoggerFactory.getLogger(TimescaleSetup.class);
    static final String SCRIPT = "db/timescaledb.sql";

    private TimescaleSetup() {}

    /** Null when TimescaleDB can be used, otherwise why not (for logs and for skipped tests). */
    public static String unavailableReason(Connection c) throws SQLException {
        if (SchemaMigrator.exists(c, "SELECT 1 FROM pg_extension WHERE extname = 'timescaledb'")) {
            return null;
        }
        if (!SchemaMigrator.exists(c, "SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb'")) {
            return "the timescaledb extension is not installed on this PostgreSQL server";
        }
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW shared_preload_libraries")) {
            rs.next();
            if (!rs.getString(1).contains("timescaledb")) {
                return "timescaledb is installed but not in shared_preload_libraries";
            }
        }
        return null;
    }

    static void apply(Connection c) throws SQLException {
        String script;
        try (InputStream in = TimescaleSetup.class.getClassLoader().getResourceAsStream(SCRIPT)) {
            if (in == null) {
                throw new SQLException("missing resource " + SCRIPT);
            }
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SQLException("cannot read " + SCRIPT, e);
        }
        try (Statement s = c.createStatement()) {
            for (String stmt : splitStatements(script)) {
                LOG.debug("timescaledb: {}", stmt);
                s.execute(stmt);
            }
        }
        LOG.info("TimescaleDB hypertables, policies and continuous aggregates are in place");
    }

    private static final java.util.regex.Pattern DOLLAR_TAG = java.util.regex.Pattern.compile("\\$[A-Za-z_]*\\$");

    /**
     * Splits on semicolons at line ends, except inside dollar-quoted bodies ({@code DO $do$ ... $do$;}):
     * a line with an odd number of dollar tags opens or closes one.
     */
    static java.util.List<String> splitStatements(String script) {
        java.util.List<String> out = new java.util.ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (String line : script.split("\n")) {
            String t = line.strip();
            if (t.startsWith("--") || t.isEmpty()) {
                continue;
            }
            cur.append(line).append('\n');
            java.util.regex.Matcher m = DOLLAR_TAG.matcher(line);
            int tags = 0;
            while (m.find()) {
                tags++;
            }
            if (tags % 2 == 1) {
                quoted = !quoted;
            }
            if (t.endsWith(";") && !quoted) {
                String stmt = cur.toString().strip();
                out.add(stmt.substring(0, stmt.length() - 1));
                cur.setLength(0);
            }
        }
        if (cur.toString().strip().length() > 0) {
            out.add(cur.toString().strip());
        }
        return out;
    }
}
