package org.otlpanalytics.tests.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.otlpanalytics.jobs.sink.clickhouse.ClickHouseHttp;
import org.otlpanalytics.jobs.sink.clickhouse.ClickHouseSchema;
import org.otlpanalytics.jobs.sink.clickhouse.ClickHouseSinkConfig;

/**
 * Copies the project's tables, row for row, from a ClickHouse server (18.16 as Debian ships it) into
 * a current engine ({@link Chdb}), so both hold the same known data: the current engine gets the
 * tables and views the job's schema step creates (the committed DDL, retention off), then every
 * MergeTree table's rows, read with {@code SELECT *} (copies included: the reads collapse them) and
 * inserted through a staging table of the source's structure (not the targets of materialized views:
 * those fill themselves). A column is taken by name; a
 * {@code Map} column from the {@code Nested} pair ({@code x.keys}, {@code x.values}) the old server
 * keeps instead; DateTime columns fill DateTime64 ones (the old server keeps whole seconds).
 */
public final class ClickHouseTableCopy {
    private ClickHouseTableCopy() {}

    /**
     * Inserts a copy of every row of every MergeTree table of {@code http}'s database, as a replay or a
     * restart writes rows again: the documented duplicate-free reads must not change, naive ones double.
     */
    public static void copyEveryRow(ClickHouseHttp http) throws Exception {
        for (String table : lines(http.query("SELECT name FROM system.tables WHERE database = currentDatabase() "
                + "AND engine LIKE '%MergeTree' ORDER BY name FORMAT TabSeparated"))) {
            http.query("INSERT INTO `" + table + "` SELECT * FROM `" + table + "`");
        }
    }

    /** Copies every table of {@code from}'s database into {@code database} of {@code to}, and leaves {@code to} using it. */
    public static void copy(ClickHouseHttp from, Chdb to, String database) throws Exception {
        try (ChdbHttpServer http = ChdbHttpServer.start(to)) {
            ClickHouseSchema.apply(ClickHouseSinkConfig.builder().url(http.url()).database(database).retention(false).build());
        }
        to.query("USE `" + database + "`");
        List<String> tables = lines(from.query("SELECT name FROM system.tables WHERE database = currentDatabase() "
                + "AND engine LIKE '%MergeTree' ORDER BY name FORMAT TabSeparated"));
        // roll-up tables fill themselves from the copied rows through their materialized views
        String views = to.query("SELECT create_table_query FROM system.tables WHERE database = currentDatabase() "
                + "AND engine = 'MaterializedView'", "TabSeparated");
        for (String table : tables) {
            if (table.startsWith(".") || java.util.regex.Pattern.compile("\\bTO\\s+(`?[^\\s`.]+`?\\.)?`?" + java.util.regex.Pattern.quote(table)
                    + "`?[\\s(]").matcher(views).find()) {
                continue;
            }
            Map<String, String> source = columns(from.query("SELECT name, type FROM system.columns WHERE database = currentDatabase() "
                    + "AND table = '" + table + "' FORMAT TabSeparated"));
            Map<String, String> target = columns(to.query("SELECT name, type FROM system.columns WHERE database = currentDatabase() "
                    + "AND table = '" + table + "'", "TabSeparated"));
            if (target.isEmpty()) {
                throw new IllegalStateException("the current engine has no table " + table + " after the schema step");
            }
            String staging = "copy_" + table;
            Path file = to.dataDir().resolve(staging + ".tsv");
            Files.writeString(file, from.query("SELECT * FROM `" + table + "` FORMAT TabSeparated"), StandardCharsets.UTF_8);
            to.query("CREATE TABLE `" + staging + "` (" + source.entrySet().stream().map(e -> "`" + e.getKey() + "` " + e.getValue())
                    .collect(Collectors.joining(", ")) + ") ENGINE = Memory");
            to.query("INSERT INTO `" + staging + "` FROM INFILE '" + file + "' FORMAT TabSeparated");
            Map<String, String> select = selectList(target, source);
            to.query("INSERT INTO `" + table + "` (" + select.keySet().stream().map(c -> "`" + c + "`").collect(Collectors.joining(", "))
                    + ") SELECT " + String.join(", ", select.values()) + " FROM `" + staging + "`");
            to.query("DROP TABLE `" + staging + "`");
            Files.deleteIfExists(file);
        }
    }

    /**
     * Target column -> the expression over the source's columns that fills it: the column of the same
     * name, or {@code mapFromArrays(x.keys, x.values)} for a Map the source keeps as Nested; target
     * columns the source lacks are left to their defaults.
     */
    public static Map<String, String> selectList(Map<String, String> target, Map<String, String> source) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> c : target.entrySet()) {
            String name = c.getKey();
            if (source.containsKey(name)) {
                out.put(name, "`" + name + "`");
            } else if (c.getValue().startsWith("Map(") && source.containsKey(name + ".keys") && source.containsKey(name + ".values")) {
                out.put(name, "mapFromArrays(`" + name + ".keys`, `" + name + ".values`)");
            }
        }
        return out;
    }

    private static List<String> lines(String tsv) {
        List<String> out = new ArrayList<>();
        for (String l : tsv.split("\n")) {
            if (!l.isBlank()) {
                out.add(l);
            }
        }
        return out;
    }

    private static Map<String, String> columns(String tsv) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        for (String l : lines(tsv)) {
            String[] p = l.split("\t", 2);
            out.put(p[0], p[1].replace("\\'", "'"));
        }
        return out;
    }
}
