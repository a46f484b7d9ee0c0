package org.otlpanalytics.jobs.cli;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import org.otlpanalytics.jobs.embedded.PostgresServer;
import org.otlpanalytics.jobs.sink.clickhouse.ClickHouseException;
import org.otlpanalytics.jobs.sink.clickhouse.ClickHouseHttp;
import org.otlpanalytics.jobs.sink.clickhouse.ClickHouseSqlFiles;

/**
 * The demo's summary of the other pipelines: the service-call graph, the top log patterns and
 * the resources closest to saturation, each straight from its table (fixed queries, no input).
 */
final class DemoReport {
    static final String EDGES = "SELECT s.name AS caller, d.name AS callee, min(c.connection_type) AS type, sum(c.calls) AS calls, "
            + "round((100.0 * sum(c.errors) / greatest(sum(c.calls), 1))::numeric, 2) AS err_pct, "
            + "round(max(c.p95_ms)::numeric, 2) AS p95_ms FROM service_call_5m c "
            + "JOIN dim_resource s ON s.resource_id = c.src_resource_id JOIN dim_resource d ON d.resource_id = c.dst_resource_id "
            + "GROUP BY s.name, d.name ORDER BY s.name, d.name";
    static final String PATTERNS = "SELECT d.name AS service, sum(w.count_total) AS count, sum(w.count_error) AS errors, "
            + "left(p.pattern, 90) AS pattern FROM log_pattern_5m w JOIN log_pattern p USING (fingerprint_id) "
            + "JOIN dim_resource d ON d.resource_id = w.resource_id GROUP BY d.name, p.pattern ORDER BY count DESC LIMIT 10";
    static final String USE = "SELECT resource, round(max_utilization::numeric, 3) AS utilization, utilization_component, "
            + "round(max_saturation::numeric, 3) AS saturation, saturation_component, round(max_errors_per_s::numeric, 3) AS errors_per_s "
            + "FROM use_saturation_ranking ORDER BY pressure DESC LIMIT 6";

    static final String INCIDENTS = "SELECT to_char(e.opened_at AT TIME ZONE 'UTC', 'HH24:MI') AS opened, "
            + "coalesce(to_char(e.closed_at AT TIME ZONE 'UTC', 'HH24:MI'), 'open') AS closed, e.severity, e.summary, "
            + "coalesce(split_part(l.detail, ' ', 1), '-') AS most_changed_downstream FROM event_envelope e "
            + "LEFT JOIN evidence_link l ON l.event_id = e.event_id AND l.dim = 'downstream_edge' ORDER BY e.opened_at, e.summary";

    private DemoReport() {}

    /** Waits until at least one incident is closed (or the timeout), so the demo prints them whole. */
    static void waitForIncidents(PostgresServer pg, java.time.Duration timeout) throws Exception {
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        while (System.currentTimeMillis() < deadline) {
            try (Connection c = pg.connect(); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT count(*) FROM event_envelope WHERE closed_at IS NOT NULL")) {
                rs.next();
                if (rs.getLong(1) > 0) {
                    return;
                }
            }
            Thread.sleep(1000);
        }
    }

    static void printOthers(PostgresServer pg) throws SQLException {
        try (Connection c = pg.connect()) {
            print(c, "Service-call graph (service_call_5m, completed 5-minute windows)", EDGES);
            print(c, "Top log patterns (log_pattern_5m, completed 5-minute windows)", PATTERNS);
            print(c, "Resources closest to saturation (use_saturation_ranking)", USE);
            print(c, "Incidents (event_envelope, with the downstream edge that changed most from evidence_link)", INCIDENTS);
        }
    }

    /**
     * What ClickHouse holds, read duplicate-free (FINAL): rows per table, then two of the shipped queries
     * (sql/clickhouse/queries) as they come.
     */
    static void printClickHouse(ClickHouseHttp http) throws ClickHouseException {
        System.out.println();
        System.out.println("ClickHouse " + http.version() + ", rows per table (read with FINAL)");
        for (String t : new String[] {"red_1m", "service_call_5m", "log_pattern_5m", "metric_1m", "use_1m", "event_envelope",
            "log_record", "span"}) {
            System.out.printf("%-16s %s%n", t, http.query("SELECT count() FROM " + t + " FINAL").trim());
        }
        for (String q : new String[] {"red_by_service.sql", "spans_of_slowest_minute.sql"}) {
            String sql = ClickHouseSqlFiles.withoutComments(ClickHouseSqlFiles.queries().get(q)).strip();
            System.out.println();
            System.out.println("ClickHouse, sql/clickhouse/queries/" + q);
            System.out.print(http.query(sql.substring(0, sql.length() - 1) + " FORMAT PrettyCompactMonoBlock"));
        }
    }

    private static void print(Connection c, String title, String sql) throws SQLException {
        System.out.println();
        System.out.println(title);
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            ResultSetMetaData md = rs.getMetaData();
            int n = md.getColumnCount();
            StringBuilder h = new StringBuilder();
            for (int i = 1; i <= n; i++) {
                h.append(String.format(i == n ? "%s" : "%-14s ", md.getColumnLabel(i)));
            }
            System.out.println(h);
            int rows = 0;
            while (rs.next()) {
                StringBuilder r = new StringBuilder();
                for (int i = 1; i <= n; i++) {
                    String v = rs.getString(i);
                    r.append(String.format(i == n ? "%s" : "%-14s ", v == null ? "-" : v));
                }
                System.out.println(r);
                rows++;
            }
            if (rows == 0) {
                System.out.println("(no completed 5-minute window yet: replay more minutes, e.g. --minutes 11)");
            }
        }
    }
}
