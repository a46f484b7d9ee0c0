package org.otlpanalytics.jobs.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.otlpanalytics.jobs.sink.clickhouse.ClickHouseException;
import org.otlpanalytics.jobs.sink.clickhouse.ClickHouseHttp;
import org.otlpanalytics.jobs.sink.clickhouse.ClickHouseSqlFiles;

/**
 * Writes the ClickHouse side of {@code analyze} to {@code OUT/clickhouse/<table>.csv}: one query per
 * table in {@code sql/clickhouse/export/} (read duplicate-free, with the column names of the
 * PostgreSQL CSVs), written as {@link CsvExport} writes (RFC 4180, header row, quoted only when
 * needed). Values are as the server prints them in JSON; a column named {@code <x>_pairs} holding
 * {@code [[name, value], ...]} becomes the JSON object column {@code <x>}; other arrays are JSON text.
 */
public final class ClickHouseCsvExport {
    private static final String PAIRS = "_pairs";

    private ClickHouseCsvExport() {}

    /** Exports every table that exists in the database of {@code http}; returns table → rows written. */
    public static Map<String, Integer> exportAll(ClickHouseHttp http, Path outDir) throws ClickHouseException, IOException {
        Files.createDirectories(outDir);
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : ClickHouseSqlFiles.exports().entrySet()) {
            String table = e.getKey().substring(0, e.getKey().length() - ".sql".length());
            if (!http.query("EXISTS TABLE " + table).trim().equals("1")) {
                continue;
            }
            counts.put(table, export(http, e.getValue(), outDir.resolve(table + ".csv")));
        }
        return counts;
    }

    static int export(ClickHouseHttp http, String sql, Path file) throws ClickHouseException, IOException {
        String q = ClickHouseSqlFiles.withoutComments(sql).strip();
        q = q.endsWith(";") ? q.substring(0, q.length() - 1) : q;
        JsonObject answer = JsonParser.parseString(http.query(q + " FORMAT JSONCompact")).getAsJsonObject();
        List<String> names = new ArrayList<>();
        for (JsonElement m : answer.getAsJsonArray("meta")) {
            names.add(m.getAsJsonObject().get("name").getAsString());
        }
        int rows = 0;
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int i = 0; i < names.size(); i++) {
                String n = names.get(i);
                w.write((i > 0 ? "," : "") + CsvExport.quote(n.endsWith(PAIRS) ? n.substring(0, n.length() - PAIRS.length()) : n));
            }
            w.write("\r\n");
            for (JsonElement r : answer.getAsJsonArray("data")) {
                JsonArray row = r.getAsJsonArray();
                for (int i = 0; i < row.size(); i++) {
                    String v = text(row.get(i), names.get(i).endsWith(PAIRS));
                    w.write((i > 0 ? "," : "") + (v == null ? "" : CsvExport.quote(v)));
                }
                w.write("\r\n");
                rows++;
            }
        }
        return rows;
    }

    static String text(JsonElement v, boolean pairs) {
        if (v == null || v.isJsonNull()) {
            return null;
        }
        if (v.isJsonPrimitive()) {
            return v.getAsString();
        }
        if (pairs && v.isJsonArray()) {
            JsonObject o = new JsonObject();
            for (JsonElement p : v.getAsJsonArray()) {
                JsonArray kv = p.getAsJsonArray();
                o.add(kv.get(0).getAsString(), kv.get(1));
            }
            return o.toString();
        }
        return v.toString();
    }
}
