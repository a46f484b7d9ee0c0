package org.otlpanalytics.tests.cluster;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Every table the jobs write, read whole, for comparing two runs row for row: each table of the
 * {@code public} schema but Flyway's history, every column as text (bytes as hex, sketches and
 * locators included), rows sorted. Only columns whose default is the wall clock ({@code now()}:
 * when a dimension row was first written) are left out, since two runs write them at different
 * times. New tables and columns are compared without changing this class.
 */
public final class OutputTables {
    private OutputTables() {}

    /** Table name → its rows, each the tab-joined text of its columns, sorted. */
    public static Map<String, List<String>> read(String jdbcUrl) throws Exception {
        Map<String, List<String>> out = new TreeMap<>();
        try (Connection c = DriverManager.getConnection(jdbcUrl)) {
            for (String table : tables(c)) {
                List<String> cols = columns(c, table);
                String select = cols.stream().map(col -> "\"" + col + "\"::text").collect(Collectors.joining(", "));
                String order = java.util.stream.IntStream.rangeClosed(1, cols.size()).mapToObj(String::valueOf)
                        .collect(Collectors.joining(", "));
                List<String> rows = new ArrayList<>();
                // names come from the catalog, quoted; no value is ever part of the statement
                try (Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery("SELECT " + select + " FROM \"" + table + "\" ORDER BY " + order)) {
                    while (rs.next()) {
                        StringBuilder sb = new StringBuilder();
                        for (int i = 1; i <= cols.size(); i++) {
                            sb.append(i > 1 ? "\t" : "").append(rs.getString(i));
                        }
                        rows.add(sb.toString());
                    }
                }
                out.put(table, rows);
            }
        }
        return out;
    }

    /** The columns {@link #read} compares of each table, in the order of its rows' fields. */
    public static Map<String, List<String>> columns(String jdbcUrl) throws Exception {
        Map<String, List<String>> out = new TreeMap<>();
        try (Connection c = DriverManager.getConnection(jdbcUrl)) {
            for (String table : tables(c)) {
                out.put(table, columns(c, table));
            }
        }
        return out;
    }

    /** Row counts per table, for messages. */
    public static Map<String, Integer> sizes(Map<String, List<String>> tables) {
        Map<String, Integer> m = new TreeMap<>();
        tables.forEach((t, rows) -> m.put(t, rows.size()));
        return m;
    }

    private static List<String> tables(Connection c) throws Exception {
        List<String> t = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT table_name FROM information_schema.tables "
                + "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> 'flyway_schema_history' "
                + "ORDER BY 1")) {
            while (rs.next()) {
                t.add(rs.getString(1));
            }
        }
        return t;
    }

    private static List<String> columns(Connection c, String table) throws Exception {
        List<String> cols = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT column_name, coalesce(column_default, '') "
                + "FROM information_schema.columns WHERE table_schema = 'public' AND table_name = ? ORDER BY ordinal_position")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (!rs.getString(2).contains("now()")) {
                        cols.add(rs.getString(1));
                    }
                }
            }
        }
        return cols;
    }
}
