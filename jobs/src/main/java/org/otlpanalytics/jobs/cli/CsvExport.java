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

    /** From the first minute red_1m holds to the end of its last. */
    static final String WHOLE_RANGE = "(SELECT min(bucket) FROM red_1m), (SELECT max(bucket) + interval '1 minute' FROM red_1m)";

    /** Table name → query. Tables that do not exist (job not run) are skipped. */
    static final Map<String, String> QUERIES = new LinkedHashMap<>();

    static {
        QUERIES.put("red_1m", "SELECT to_char(r.bucket AT TIME ZONE 'UTC', " + ISO + ") AS bucket, t.code AS tenant, "
                + "d.name AS service, d.urn AS service_urn, r.operation, r.span_kind, r.status, r.calls, r.errors, "
                + "round(r.p50_ms::numeric, 3) AS p50_ms, round(r.p95_ms::numeric, 3) AS p95_ms, "
                + "round(r.p99_ms::numeric, 3) AS p99_ms, round(r.distinct_traces::numeric, 1) AS distinct_traces, "
                + "r.sample_ref FROM red_1m r JOIN dim_tenant t USING (tenant_id) JOIN dim_resource d USING (resource_id) "
                + "ORDER BY r.bucket, t.code, d.name, r.operation, r.span_kind, r.status");
        // the whole capture by the range SQL the dashboards use (V31): every minute's histogram and
        // HLL registers merged, so the quantiles and distinct counts are those of the whole range
        QUERIES.put("red_range", "SELECT tenant, service, operation, span_kind, calls, errors, "
                + "round(p50_ms::numeric, 3) AS p50_ms, round(p95_ms::numeric, 3) AS p95_ms, round(p99_ms::numeric, 3) AS p99_ms, "
                + "round(distinct_traces::numeric, 1) AS distinct_traces FROM red_range(" + WHOLE_RANGE + ") "
                + "ORDER BY tenant, service, operation, span_kind");
        QUERIES.put("service_range", "SELECT tenant, service, calls, errors, "
                + "round(p50_ms::numeric, 3) AS p50_ms, round(p95_ms::numeric, 3) AS p95_ms, round(p99_ms::numeric, 3) AS p99_ms, "
                + "round(distinct_traces::numeric, 1) AS distinct_traces FROM service_range(" + WHOLE_RANGE + ") "
                + "ORDER BY tenant, service");
        // service-call edges: caller/callee are service names, or the peer's name (redis, postgresql, kafka, user)
        QUERIES.put("service_call_5m", "SELECT to_char(e.bucket AT TIME ZONE 'UTC', " + ISO + ") AS bucket, t.code AS tenant, "
                + "s.name AS caller, d.name AS callee, e.calls, e.errors, round(e.p50_ms::numeric, 3) AS p50_ms, "
                + "round(e.p95_ms::numeric, 3) AS p95_ms, round(e.p99_ms::numeric, 3) AS p99_ms, e.duration_side, "
                + "round(e.rps::numeric, 4) AS rps, round(e.err_rate::numeric, 4) AS err_rate, "
                + "round(e.server_p50_ms::numeric, 3) AS server_p50_ms, round(e.server_p95_ms::numeric, 3) AS server_p95_ms, "
                + "e.connection_type, s.urn AS caller_urn, d.urn AS callee_urn, e.sample_trace_id, e.sample_ref "
                + "FROM service_call_5m e JOIN dim_tenant t USING (tenant_id) "
                + "JOIN dim_resource s ON s.resource_id = e.src_resource_id JOIN dim_resource d ON d.resource_id = e.dst_resource_id "
                + "ORDER BY e.bucket, t.code, s.name, d.name, s.urn, d.urn");
        QUERIES.put("topo_edge_time", "SELECT t.code AS tenant, s.name AS caller, d.name AS callee, e.relation, "
                + "e.connection_type, to_char(lower(e.valid) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') AS valid_from, "
                + "to_char(upper(e.valid) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') AS valid_to, "
                + "s.urn AS caller_urn, d.urn AS callee_urn "
                + "FROM topo_edge_time e JOIN dim_tenant t USING (tenant_id) "
                + "JOIN dim_resource s ON s.resource_id = e.src_resource_id JOIN dim_resource d ON d.resource_id = e.dst_resource_id "
                + "ORDER BY t.code, s.name, d.name, s.urn, d.urn, lower(e.valid)");
        // metrics: resource is the URN (urn:host:... for system.*), service the reporting service
        QUERIES.put("metric_1m", "SELECT to_char(m.bucket AT TIME ZONE 'UTC', " + ISO + ") AS bucket, t.code AS tenant, "
                + "coalesce(s.name, CASE WHEN d.kind = 'svc' THEN d.name END) AS service, d.urn AS resource, m.metric, "
                + "m.labels::text AS labels, m.kind, m.unit, m.points, m.avg, m.min, m.max, m.p95, m.last, m.total, m.rate, "
                + "m.count, m.sum, m.sample_ref FROM metric_1m m JOIN dim_tenant t USING (tenant_id) "
                + "JOIN dim_resource d USING (resource_id) LEFT JOIN dim_resource s ON s.resource_id = m.service_resource_id "
                + "ORDER BY m.bucket, t.code, d.urn, m.metric, m.labels::text");
        QUERIES.put("use_1m", "SELECT to_char(u.bucket AT TIME ZONE 'UTC', " + ISO + ") AS bucket, t.code AS tenant, "
                + "d.urn AS resource, d.kind AS resource_kind, u.utilization, u.utilization_component, u.saturation, "
                + "u.saturation_component, u.errors_per_s, u.contributors::text AS contributors "
                + "FROM use_1m u JOIN dim_tenant t USING (tenant_id) JOIN dim_resource d USING (resource_id) "
                + "ORDER BY u.bucket, t.code, d.urn");
        QUERIES.put("use_saturation_ranking", "SELECT tenant, resource, resource_kind, pressure, max_saturation AS saturation, "
                + "saturation_component, max_utilization AS utilization, utilization_component, max_errors_per_s AS errors_per_s, "
                + "to_char(last_bucket AT TIME ZONE 'UTC', " + ISO + ") AS last_bucket "
                + "FROM use_saturation_ranking ORDER BY pressure DESC, resource");
        // log fingerprints as 16 hex digits; merged_into/aliases name fingerprints folded into another
        QUERIES.put("log_pattern", "SELECT lpad(to_hex(p.fingerprint_id), 16, '0') AS fingerprint_id, t.code AS tenant, "
                + "d.name AS service, d.urn AS service_urn, p.pattern, p.sample, p.severity_number, p.severity_text, "
                + "to_char(p.first_seen AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') AS first_seen, "
                + "to_char(p.last_seen AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') AS last_seen, "
                + "CASE WHEN p.merged_into IS NULL THEN '' ELSE lpad(to_hex(p.merged_into), 16, '0') END AS merged_into, "
                + "array_to_string(ARRAY(SELECT lpad(to_hex(a), 16, '0') FROM unnest(p.aliases) a), ' ') AS aliases, "
                + "p.sample_partition, p.sample_offset FROM log_pattern p JOIN dim_tenant t ON t.tenant_id = p.tenant_id "
                + "JOIN dim_resource d ON d.resource_id = p.resource_id ORDER BY t.code, d.name, p.pattern, p.fingerprint_id");
        QUERIES.put("log_pattern_5m", "SELECT to_char(f.bucket AT TIME ZONE 'UTC', " + ISO + ") AS bucket, t.code AS tenant, "
                + "d.name AS service, lpad(to_hex(f.fingerprint_id), 16, '0') AS fingerprint_id, coalesce(p.pattern, '') AS pattern, "
                + "f.count_total, f.count_error, d.urn AS service_urn, f.sample_ref FROM log_pattern_5m f "
                + "JOIN dim_tenant t ON t.tenant_id = f.tenant_id JOIN dim_resource d ON d.resource_id = f.resource_id "
                + "LEFT JOIN log_pattern p ON p.fingerprint_id = f.fingerprint_id "
                + "ORDER BY f.bucket, t.code, d.name, f.count_total DESC, f.fingerprint_id");
        // incidents (event_envelope) with names joined in; event ids as 16 hex digits, as evidence.csv names them
        QUERIES.put("incidents", "SELECT lpad(to_hex(i.event_id), 16, '0') AS event_id, t.code AS tenant, i.kind, i.signal, "
                + "i.severity, d.name AS resource, coalesce(p.name, '') AS peer, i.title, i.summary, "
                + "to_char(i.opened_at AT TIME ZONE 'UTC', " + ISO + ") AS opened_at, "
                + "coalesce(to_char(i.closed_at AT TIME ZONE 'UTC', " + ISO + "), '') AS closed_at, "
                + "round(i.baseline::numeric, 4) AS baseline, round(i.observed::numeric, 4) AS observed, "
                + "round(i.deviations::numeric, 2) AS deviations, i.labels::text AS labels, d.urn AS resource_urn "
                + "FROM event_envelope i JOIN dim_tenant t USING (tenant_id) JOIN dim_resource d ON d.resource_id = i.resource_id "
                + "LEFT JOIN dim_resource p ON p.resource_id = i.peer_resource_id "
                + "ORDER BY i.opened_at, t.code, d.urn, i.signal, i.event_id");
        QUERIES.put("evidence", "SELECT lpad(to_hex(l.event_id), 16, '0') AS event_id, t.code AS tenant, l.dim, l.ref, "
                + "coalesce(l.detail, '') AS detail, round(l.score::numeric, 4) AS score "
                + "FROM evidence_link l JOIN dim_tenant t USING (tenant_id) "
                + "ORDER BY l.event_id, l.dim, l.score DESC, l.ref");
        QUERIES.put("dim_tenant", "SELECT tenant_id, code FROM dim_tenant ORDER BY code");
        // resources are per tenant: the same URN appears once per tenant that has it
        QUERIES.put("dim_resource", "SELECT d.resource_id, t.code AS tenant, d.urn, d.kind, d.name, d.namespace FROM dim_resource d "
                + "LEFT JOIN dim_tenant t USING (tenant_id) ORDER BY t.code, d.urn");
        QUERIES.put("kafka_locator", "SELECT id, topic, array_to_string(partitions, ' ') AS partitions, "
                + "array_to_string(offset_from, ' ') AS offset_from, array_to_string(offset_to, ' ') AS offset_to, "
                + "to_char(time_from AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') AS time_from, "
                + "to_char(time_to AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') AS time_to FROM kafka_locator ORDER BY id");
    }

    /** Files named after something other than their table. */
    static final Map<String, String> TABLES = Map.of("incidents", "event_envelope", "evidence", "evidence_link",
            "red_range", "red_1m", "service_range", "red_1m");

    private CsvExport() {}

    /** Exports all known tables; returns table → rows written. */
    public static Map<String, Integer> exportAll(Connection c, Path outDir) throws SQLException, IOException {
        Files.createDirectories(outDir);
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : QUERIES.entrySet()) {
            if (!tableExists(c, TABLES.getOrDefault(e.getKey(), e.getKey()))) {
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
