package org.otlpanalytics.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.otlpanalytics.jobs.cli.AnalyzeCommand;
import org.otlpanalytics.jobs.demo.TelemetryGenerator;
import org.otlpanalytics.tests.support.RedOracle;

/**
 * {@code analyze --dir DIR --out OUT} on a capture folder of raw OTLP/HTTP bodies: red_1m.csv has
 * a row per expected series with exactly the oracle's calls and errors, and readable names. With a
 * ClickHouse server at hand, OUT/clickhouse/ holds the same rows under the same column names.
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
        AnalyzeCommand.main(new String[] {"--dir", capture.toString(), "--out", out.toString()});

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
