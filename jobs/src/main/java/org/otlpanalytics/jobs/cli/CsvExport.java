package org.otlpanalytics.jobs.cli;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes every output table to {@code OUT/<table>.csv} (RFC 4180, header row) with tenant,
 * service and resource names joined in, times as ISO-8601 UTC, sketches left out (they are
 * binary; the database keeps them).
 */
public final class CsvExport {
    static final String ISO = "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'";

    /** Table name → query. Tables that do not exist (job not run) are skipped. */
    static final Map<String, String> QUERIES = new LinkedHashMap<>();

    static {
        QUERIES.put("red_1m", "SELECT to_char(r.bucket AT TIME ZONE 'UTC', " + ISO + ") AS bucket, t.code AS tenant, "
                + "d.name AS service, d.urn AS service_urn, r.operation, r.span_kind, r.status, r.calls, r.errors, "
                + "round(r.p50_ms::numeric, 3) AS p50_ms, round(r.p95_ms::numeric, 3) AS p95_ms, "
                + "round(r.p99_ms::numeric, 3) AS p99_ms, round(r.distinct_traces::numeric, 1) AS distinct_traces, "
                + "r.sample_ref FROM red_1m r JOIN dim_tenant t USING (tenant_id) JOIN dim_resource d USING (resource_id) "
                + "ORDER BY r.bucket, t.code, d.name, r.operation, r.span_kind, r.status");
        QUERIES.put("dim_tenant", "SELECT tenant_id, code FROM dim_tenant ORDER BY code");
        QUERIES.put("dim_resource", "SELECT resource_id, urn, kind, name, namespace FROM dim_resource ORDER BY urn");
        QUERIES.put("kafka_locator", "SELECT id, topic, array_to_string(partitions, ' ') AS partitions, "
                + "array_to_string(offset_from, ' ') AS offset_from, array_to_string(offset_to, ' ') AS offset_to, "
                + "to_char(time_from AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') AS time_from, "
                + "to_char(time_to AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') AS time_to FROM kafka_locator ORDER BY id");
    }

    private CsvExport() {}

    /** Exports all known tables; returns table → rows written. */
    public static Map<String, Integer> exportAll(Connection c, Path outDir) throws SQLException, IOException {
        Files.createDirectories(outDir);
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : QUERIES.entrySet()) {
            if (!tableExists(c, e.getKey())) {
                continue;
            }
            counts.put(e.getKey(), export(c, e.getValue(), outDir.resolve(e.getKey() + ".csv")));
        }
        return counts;
    }

    static boolean tableExists(Connection c, String table) throws SQLException {
        try (java.sql.PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    static int export(Connection c, String sql, Path file) throws SQLException, IOException {
        int rows = 0;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql);
                Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            ResultSetMetaData md = rs.getMetaData();
            int n = md.getColumnCount();
            for (int i = 1; i <= n; i++) {
                w.write((i > 1 ? "," : "") + quote(md.getColumnLabel(i)));
            }
            w.write("\r\n");
            while (rs.next()) {
                for (int i = 1; i <= n; i++) {
                    String v = rs.getString(i);
                    w.write((i > 1 ? "," : "") + (v == null ? "" : quote(v)));
                }
                w.write("\r\n");
                rows++;
            }
        }
        return rows;
    }

    static String quote(String v) {
        if (v.indexOf(',') < 0 && v.indexOf('"') < 0 && v.indexOf('\n') < 0 && v.indexOf('\r') < 0) {
            return v;
        }
        return '"' + v.replace("\"", "\"\"") + '"';
    }
}
