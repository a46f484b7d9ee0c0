package org.otlpanalytics.tests.cluster;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.otlpanalytics.jobs.sink.clickhouse.ClickHouseException;
import org.otlpanalytics.jobs.sink.clickhouse.ClickHouseHttp;

/**
 * Every table of a ClickHouse database read by the documented duplicate-free rule (README,
 * "Reading duplicate-free"), as sorted TabSeparated lines: a table with a collapsing view
 * {@code <table>_current} through that view, every other MergeTree table with {@code FINAL}, all
 * columns but {@value #VERSION} (the writer's clock, which differs between runs of the same
 * input). Tables are found in {@code system.tables}, so tables added later are compared too.
 */
public final class ClickHouseTables {
    static final String VERSION = "version";

    private ClickHouseTables() {}

    /** Table name → its rows, read duplicate-free, sorted, of the database {@code http} works in. */
    public static Map<String, List<String>> read(ClickHouseHttp http) throws ClickHouseException {
        Map<String, String> engines = new LinkedHashMap<>();
        for (String line : lines(http.query("SELECT name, engine FROM system.tables WHERE database = currentDatabase() "
                + "ORDER BY name FORMAT TabSeparated"))) {
            String[] f = line.split("\t", 2);
            engines.put(f[0], f[1]);
        }
        Map<String, List<String>> out = new TreeMap<>();
        for (Map.Entry<String, String> t : engines.entrySet()) {
            if (!t.getValue().endsWith("MergeTree")) {
                continue;
            }
            String view = t.getKey() + "_current";
            String select = engines.containsKey(view) ? "SELECT * FROM `" + view + "`"
                    : "SELECT " + String.join(", ", columns(http, t.getKey())) + " FROM `" + t.getKey() + "` FINAL";
            List<String> rows = lines(http.query(select + " FORMAT TabSeparated"));
            rows.sort(null);
            out.put(t.getKey(), rows);
        }
        return out;
    }

    /** Row counts per table, for the test output. */
    public static Map<String, Integer> sizes(Map<String, List<String>> tables) {
        Map<String, Integer> m = new TreeMap<>();
        tables.forEach((k, v) -> m.put(k, v.size()));
        return m;
    }

    /** The table's columns but {@value #VERSION}, quoted (names come from the catalog, never values). */
    private static List<String> columns(ClickHouseHttp http, String table) throws ClickHouseException {
        List<String> cols = new ArrayList<>();
        for (String line : lines(http.query("DESCRIBE TABLE `" + table + "` FORMAT TabSeparated"))) {
            String c = line.split("\t", 2)[0];
            if (!VERSION.equals(c)) {
                cols.add("`" + c + "`");
            }
        }
        return cols;
    }

    private static List<String> lines(String tsv) {
        List<String> out = new ArrayList<>();
        for (String l : tsv.split("\n")) {
            if (!l.isEmpty()) {
                out.add(l);
            }
        }
        return out;
    }
}
