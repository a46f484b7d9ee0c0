package org.otlpanalytics.tests.support;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.otlpanalytics.jobs.embedded.PostgresServer;

/**
 * Rows of a PostgreSQL query as column → value maps, for the range-SQL tests: parameters bound, long
 * parameters past 2001 (epoch milliseconds) bound as UTC timestamps, SQL arrays read as Java arrays.
 */
public final class PgRows {
    private PgRows() {}

    public static List<Map<String, Object>> query(PostgresServer pg, String sql, Object... params) throws Exception {
        List<Map<String, Object>> out = new ArrayList<>();
        try (Connection c = pg.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                Object p = params[i];
                if (p instanceof Long && (Long) p > 1_000_000_000_000L) {
                    ps.setObject(i + 1, OffsetDateTime.ofInstant(Instant.ofEpochMilli((Long) p), ZoneOffset.UTC));
                } else {
                    ps.setObject(i + 1, p);
                }
            }
            try (ResultSet rs = ps.executeQuery()) {
                int n = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    Map<String, Object> row = new HashMap<>();
                    for (int i = 1; i <= n; i++) {
                        Object v = rs.getObject(i);
                        row.put(rs.getMetaData().getColumnLabel(i), v instanceof Array ? ((Array) v).getArray() : v);
                    }
                    out.add(row);
                }
            }
        }
        return out;
    }

    /** The rows by the values of {@code keys} joined with '|' (a later row with the same key wins). */
    public static Map<String, Map<String, Object>> byKey(List<Map<String, Object>> rows, String... keys) {
        Map<String, Map<String, Object>> out = new HashMap<>();
        for (Map<String, Object> r : rows) {
            List<String> parts = new ArrayList<>();
            for (String k : keys) {
                parts.add(String.valueOf(r.get(k)));
            }
            out.put(String.join("|", parts), r);
        }
        return out;
    }
}
