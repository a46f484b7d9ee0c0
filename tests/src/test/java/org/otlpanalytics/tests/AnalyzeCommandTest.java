package org.otlpanalytics.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.otlpanalytics.jobs.cli.AnalyzeCommand;
import org.otlpanalytics.jobs.demo.TelemetryGenerator;
import org.otlpanalytics.jobs.embedded.PostgresServer;
import org.otlpanalytics.operators.sketch.LogHistogram;
import org.otlpanalytics.tests.support.Pipelines;
import org.otlpanalytics.tests.support.RangeData;
import org.otlpanalytics.tests.support.RangeData.Fact;
import org.otlpanalytics.tests.support.RedOracle;

/**
 * {@code analyze --dir DIR --out OUT --jdbc-url URL} on a capture folder of raw OTLP/HTTP bodies,
 * into a database the test starts as "the user's own": red_1m.csv has a row per expected series
 * with exactly the oracle's calls and errors, and readable names; the rows are in that database;
 * red_range.csv and service_range.csv hold the whole capture's series with true quantiles. With a
 * ClickHouse server at hand, OUT/clickhouse/ holds the same rows under the same column names, and its
 * red_range.csv and service_range.csv (the ClickHouse range SQL) equal the PostgreSQL ones line for line.
 */
class AnalyzeCommandTest {
    @Test
    void writesRedCsvWithExactCounts(@TempDir Path tmp) throws Exception {
        Path capture = tmp.resolve("capture");
        Files.createDirectories(capture.resolve("traces"));
        long start = Instant.parse("2026-04-01T12:00:00Z").toEpochMilli();
        List<TelemetryGenerator.Message> msgs = new TelemetryGenerator(11, "default").withLogs(false).withMetrics(false)
                .generate(start, Duration.ofMinutes(3).toMillis(), 10);
        RedOracle oracle = new RedOracle();
        int i = 0;
        for (TelemetryGenerator.Message m : msgs) {
            Files.write(capture.resolve("traces").resolve(String.format("%06d.pb", i++)), m.value);
            oracle.add(m.value);
        }
        Path out = tmp.resolve("out");
        // the user's own database (--jdbc-url): here a PostgreSQL the test starts
        try (PostgresServer own = PostgresServer.start()) {
            AnalyzeCommand.main(new String[] {"--dir", capture.toString(), "--out", out.toString(), "--jdbc-url", own.jdbcUrl()});
            assertThat(Pipelines.rows(own, "SELECT count(*) FROM red_1m"))
                    .containsExactly(Integer.toString(Files.readAllLines(out.resolve("red_1m.csv")).size() - 1));
        }
        checkRangeCsv(out, msgs);

        List<String> lines = Files.readAllLines(out.resolve("red_1m.csv"));
        String[] header = lines.get(0).split(",");
        assertThat(header).contains("bucket", "tenant", "service", "operation", "span_kind", "status", "calls", "errors",
                "p50_ms", "p95_ms", "p99_ms");
        Map<String, Integer> col = new HashMap<>();
        for (int c = 0; c < header.length; c++) {
            col.put(header[c], c);
        }
        Map<String, long[]> actual = new HashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            List<String> f = parseCsvLine(line);
            String key = RedOracle.key(Instant.parse(f.get(col.get("bucket"))), f.get(col.get("tenant")), f.get(col.get("service")),
                    f.get(col.get("operation")), f.get(col.get("span_kind")), f.get(col.get("status")));
            actual.put(key, new long[] {Long.parseLong(f.get(col.get("calls"))), Long.parseLong(f.get(col.get("errors")))});
        }
        assertThat(actual.keySet()).containsExactlyInAnyOrderElementsOf(oracle.rows().keySet());
        oracle.rows().forEach((k, e) -> {
            assertThat(actual.get(k)[0]).as("calls %s", k).isEqualTo(e.calls);
            assertThat(actual.get(k)[1]).as("errors %s", k).isEqualTo(e.errors);
        });
        assertThat(out.resolve("dim_resource.csv")).exists();
        assertThat(out.resolve("kafka_locator.csv")).exists();

        // with a ClickHouse server at hand (installed, or OTLP_ANALYTICS_TEST_CLICKHOUSE_URL) the same run wrote there too
        if (org.otlpanalytics.tests.support.ClickHouseService.unavailableReason() != null) {
            assertThat(out.resolve("clickhouse")).doesNotExist();
            return;
        }
        List<String> ch = Files.readAllLines(out.resolve("clickhouse").resolve("red_1m.csv"));
        assertThat(ch.get(0)).startsWith("bucket,tenant,service,service_urn,operation,span_kind,status,calls,errors,"
                + "p50_ms,p95_ms,p99_ms,distinct_traces");
        assertThat(rows(ch, "bucket", "tenant", "service", "operation", "span_kind", "status", "calls", "errors"))
                .containsExactlyInAnyOrderElementsOf(rows(lines, "bucket", "tenant", "service", "operation", "span_kind", "status", "calls",
                        "errors"));
        assertThat(Files.readAllLines(out.resolve("clickhouse").resolve("service_call_5m.csv")).get(0))
                .startsWith("bucket,tenant,caller,callee,calls,errors,p50_ms,p95_ms");
        assertThat(rows(Files.readAllLines(out.resolve("clickhouse").resolve("service_call_5m.csv")), "bucket", "tenant", "caller",
                "callee", "calls", "errors"))
                .containsExactlyInAnyOrderElementsOf(rows(Files.readAllLines(out.resolve("service_call_5m.csv")), "bucket", "tenant",
                        "caller", "callee", "calls", "errors"));
        assertThat(Files.readAllLines(out.resolve("clickhouse").resolve("log_pattern_5m.csv")).get(0))
                .isEqualTo("bucket,tenant,service,fingerprint_id,pattern,count_total,count_error,service_urn,kafka_offsets");
        assertThat(Files.readAllLines(out.resolve("clickhouse").resolve("metric_1m.csv")).get(0))
                .startsWith("bucket,tenant,service,resource,metric,labels,");
        // the ClickHouse range SQL over the whole capture: within the error of the exact values, and the
        // PostgreSQL files line for line (same columns, same merged histograms and registers, same rounding)
        checkRangeCsv(out.resolve("clickhouse"), msgs);
        for (String f : new String[] {"red_range.csv", "service_range.csv"}) {
            List<String> pg = Files.readAllLines(out.resolve(f));
            List<String> chRange = Files.readAllLines(out.resolve("clickhouse").resolve(f));
            assertThat(chRange.get(0)).as(f).isEqualTo(pg.get(0));
            assertThat(chRange.subList(1, chRange.size())).as(f).isNotEmpty().containsExactlyInAnyOrderElementsOf(pg.subList(1, pg.size()));
        }
    }

    /** The named columns of a CSV's data lines, tab-joined, in file order. */
    static List<String> rows(List<String> csv, String... columns) {
        List<String> header = parseCsvLine(csv.get(0));
        List<String> out = new java.util.ArrayList<>();
        for (String line : csv.subList(1, csv.size())) {
            List<String> f = parseCsvLine(line);
            List<String> v = new java.util.ArrayList<>();
            for (String c : columns) {
                v.add(f.get(header.indexOf(c)));
            }
            out.add(String.join("\t", v));
        }
        return out;
    }

    /**
     * red_range.csv and service_range.csv: one row per series (per service of its SERVER and
     * CONSUMER spans) over the whole capture, calls and errors exact, quantiles within the log
     * histogram's 0.5% of the exact nearest-rank value (plus the CSV's rounding to 0.001 ms), distinct
     * traces within 3 standard errors of the HLL.
     */
    private static void checkRangeCsv(Path out, List<TelemetryGenerator.Message> msgs) throws Exception {
        List<Fact> facts = new java.util.ArrayList<>();
        for (TelemetryGenerator.Message m : msgs) {
            facts.addAll(RangeData.factsOf(m.value));
        }
        checkRange(out.resolve("red_range.csv"), List.of("tenant", "service", "operation", "span_kind"),
                facts.stream().collect(Collectors.groupingBy(f -> f.tenant() + "|" + f.service() + "|" + f.operation() + "|" + f.kind())));
        checkRange(out.resolve("service_range.csv"), List.of("tenant", "service"), facts.stream()
                .filter(f -> f.kind().equals("SERVER") || f.kind().equals("CONSUMER"))
                .collect(Collectors.groupingBy(f -> f.tenant() + "|" + f.service())));
    }

    private static void checkRange(Path csv, List<String> keys, Map<String, List<Fact>> expected) throws Exception {
        List<String> lines = Files.readAllLines(csv);
        List<String> header = parseCsvLine(lines.get(0));
        List<String> cols = new java.util.ArrayList<>(keys);
        cols.addAll(List.of("calls", "errors", "p50_ms", "p95_ms", "p99_ms", "distinct_traces"));
        assertThat(header).as("%s columns", csv).containsExactlyElementsOf(cols);
        Map<String, List<String>> actual = new HashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            List<String> f = parseCsvLine(line);
            assertThat(actual.put(String.join("|", f.subList(0, keys.size())), f)).as("one row per key in %s", csv).isNull();
        }
        assertThat(actual.keySet()).as(csv.toString()).containsExactlyInAnyOrderElementsOf(expected.keySet()).isNotEmpty();
        double hll = 3 * 1.04 / Math.sqrt(2048);
        expected.forEach((k, fs) -> {
            List<String> row = actual.get(k);
            int n = keys.size();
            assertThat(Long.parseLong(row.get(n))).as("calls %s", k).isEqualTo(fs.size());
            assertThat(Long.parseLong(row.get(n + 1))).as("errors %s", k).isEqualTo(fs.stream().filter(Fact::error).count());
            double[] qs = {0.50, 0.95, 0.99};
            for (int i = 0; i < 3; i++) {
                double exact = RangeData.nearestRank(fs, qs[i]);
                assertThat(Double.parseDouble(row.get(n + 2 + i))).as("p%d %s", Math.round(qs[i] * 100), k)
                        .isCloseTo(exact, org.assertj.core.data.Offset.offset(LogHistogram.RELATIVE_ACCURACY * exact + 0.0005 + 1e-9));
            }
            long traces = fs.stream().map(f -> f.traceHi() + ":" + f.traceLo()).distinct().count();
            assertThat(Double.parseDouble(row.get(n + 5))).as("distinct traces %s", k)
                    .isCloseTo(traces, org.assertj.core.data.Offset.offset(hll * traces + 0.05));
        });
    }

    /** RFC 4180 line parser (quotes, doubled quotes, commas inside quotes). */
    static List<String> parseCsvLine(String line) {
        List<String> out = new java.util.ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (quoted) {
                if (ch == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cur.append('"');
                    i++;
                } else if (ch == '"') {
                    quoted = false;
                } else {
                    cur.append(ch);
                }
            } else if (ch == '"') {
                quoted = true;
            } else if (ch == ',') {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(ch);
            }
        }
        out.add(cur.toString());
        return out;
    }
}
