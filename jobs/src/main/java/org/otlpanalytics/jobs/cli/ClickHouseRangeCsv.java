package org.otlpanalytics.jobs.cli;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.otlpanalytics.jobs.sink.clickhouse.ClickHouseException;
import org.otlpanalytics.jobs.sink.clickhouse.ClickHouseHttp;
import org.otlpanalytics.jobs.sink.clickhouse.ClickHouseRangeSql;

/**
 * {@code OUT/clickhouse/red_range.csv} and {@code OUT/clickhouse/service_range.csv}: the ClickHouse
 * range SQL ({@code sql/clickhouse/range/}) over the whole capture (the first minute of red_1m to the
 * end of its last), with the columns and the rounding of the PostgreSQL files ({@link CsvExport}:
 * quantiles to 3 decimals, distinct traces to 1, as PostgreSQL's round(float8::numeric, s) does),
 * so that the two files of a run can be compared line for line.
 */
public final class ClickHouseRangeCsv {
    /** File → its columns and how many decimals each numeric one keeps (-1: printed as is). */
    static final Map<String, Map<String, Integer>> FILES = new LinkedHashMap<>();

    static {
        Map<String, Integer> red = new LinkedHashMap<>();
        for (String c : List.of("tenant", "service", "operation", "span_kind", "calls", "errors")) {
            red.put(c, -1);
        }
        red.put("p50_ms", 3);
        red.put("p95_ms", 3);
        red.put("p99_ms", 3);
        red.put("distinct_traces", 1);
        FILES.put("red_range", red);
        Map<String, Integer> service = new LinkedHashMap<>(red);
        service.remove("operation");
        service.remove("span_kind");
        FILES.put("service_range", service);
    }

    private ClickHouseRangeCsv() {}

    /** Writes both files into {@code outDir} when red_1m has rows; returns file → rows written. */
    public static Map<String, Integer> exportAll(ClickHouseHttp http, Path outDir) throws ClickHouseException, IOException {
        Map<String, Integer> counts = new LinkedHashMap<>();
        if (!http.query("EXISTS TABLE red_1m").trim().equals("1")) {
            return counts;
        }
        String[] span = http.query("SELECT toUnixTimestamp(min(bucket)), toUnixTimestamp(max(bucket)), count() FROM red_1m FINAL")
                .trim().split("\t");
        if (Long.parseLong(span[2]) == 0) {
            return counts;
        }
        Instant from = Instant.ofEpochSecond(Long.parseLong(span[0]));
        Instant to = Instant.ofEpochSecond(Long.parseLong(span[1]) + 60);
        Files.createDirectories(outDir);
        for (Map.Entry<String, Map<String, Integer>> f : FILES.entrySet()) {
            counts.put(f.getKey(), export(http, ClickHouseRangeSql.bound(f.getKey(), from, to), f.getValue(),
                    outDir.resolve(f.getKey() + ".csv")));
        }
        return counts;
    }

    static int export(ClickHouseHttp http, String sql, Map<String, Integer> columns, Path file) throws ClickHouseException, IOException {
        JsonObject answer = JsonParser.parseString(http.query(sql + " FORMAT JSON")).getAsJsonObject();
        int rows = 0;
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write(String.join(",", columns.keySet()) + "\r\n");
            for (JsonElement r : answer.getAsJsonArray("data")) {
                JsonObject row = r.getAsJsonObject();
                List<String> line = new ArrayList<>();
                for (Map.Entry<String, Integer> c : columns.entrySet()) {
                    JsonElement v = row.get(c.getKey());
                    line.add(v == null || v.isJsonNull() ? ""
                            : CsvExport.quote(c.getValue() < 0 ? v.getAsString() : rounded(v.getAsDouble(), c.getValue())));
                }
                w.write(String.join(",", line) + "\r\n");
                rows++;
            }
        }
        return rows;
    }

    /**
     * PostgreSQL's {@code round(x::numeric, scale)} of a float8: the value to 15 significant digits
     * (float8 to numeric), then rounded half away from zero to {@code scale} decimals.
     */
    static String rounded(double x, int scale) {
        if (x == 0) {
            return BigDecimal.ZERO.setScale(scale).toPlainString();
        }
        return new BigDecimal(x).round(new MathContext(15, RoundingMode.HALF_EVEN)).setScale(scale, RoundingMode.HALF_UP).toPlainString();
    }
}
