package org.otlpanalytics.jobs.soak;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.otlpanalytics.jobs.bench.MachineCpu;
import org.otlpanalytics.jobs.embedded.ClickHouseServer;

/**
 * A short real soak: embedded Kafka and PostgreSQL, the TaskManager in its own JVM, every
 * pipeline, 30 s of load at a low rate with event time starting just before a minute boundary
 * (so the first 1-minute windows close and their rows land within the run).
 */
class SoakCommandSmokeTest {
    @Test
    void shortSoakPrintsTheSummaryAndRowsLand() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int code = new SoakCommand(new PrintStream(buf, true, StandardCharsets.UTF_8)).execute(new String[] {
            "--minutes", "0.5", "--spans-per-s", "500", "--logs-per-s", "300", "--points-per-s", "200",
            "--report-interval", "5s", "--align-minute", "--out-of-orderness", "1s", "--checkpoint-interval", "2s",
            "--taskmanager-heap", "512"});
        String out = buf.toString(StandardCharsets.UTF_8);
        System.out.println(out);
        Map<String, String> summary = new LinkedHashMap<>();
        Arrays.stream(out.split("\n")).filter(l -> l.matches("[a-z0-9_]+=.*")).forEach(l -> summary.put(l.substring(0, l.indexOf('=')),
                l.substring(l.indexOf('=') + 1)));
        assertThat(summary).containsKeys("sustained", "max_lag_s", "checkpoint_p99_ms", "heap_max_mb", "spans_offered_per_s",
                "spans_processed_per_s", "logs_offered_per_s", "points_offered_per_s", "taskmanager_heap_mb", "state_backend");
        assertThat(summary.get("sustained")).isIn("true", "false");
        assertThat(code).isEqualTo(summary.get("sustained").equals("true") ? 0 : 1);
        assertThat(summary.get("state_backend")).isEqualTo("rocksdb");
        assertThat(summary.get("taskmanager_heap_mb")).isEqualTo("512");
        assertThat(Long.parseLong(summary.get("checkpoints"))).isPositive();
        assertThat(Long.parseLong(summary.get("heap_max_mb"))).isBetween(1L, 512L);
        assertThat(Double.parseDouble(summary.get("spans_offered_per_s"))).isBetween(400.0, 600.0);
        assertThat(Double.parseDouble(summary.get("spans_processed_per_s"))).isPositive();
        assertThat(Long.parseLong(summary.get("rows_red_1m"))).isPositive();
        assertThat(Long.parseLong(summary.get("rows_metric_1m"))).isPositive();
        assertThat(out).contains(" | spans ").contains(" | checkpoint #").contains(" | heap after GC ").contains(" | busiest ");
        // the machine's CPU by group, each line and over the judged part: the TaskManager worked, and the shares add up
        assertThat(out).contains(" | cpu taskmanager ");
        assertThat(Double.parseDouble(summary.get("cpu_taskmanager_share"))).isPositive();
        assertThat(Double.parseDouble(summary.get("taskmanager_cpu_us_per_record"))).isPositive();
        assertThat(MachineCpu.GROUPS.stream().mapToDouble(g -> Double.parseDouble(summary.get("cpu_" + g + "_share"))).sum())
                .isBetween(0.95, 1.05);
        // Flink's task metrics name the busiest task (a chain of the job's operators)
        assertThat(summary.get("busiest_task")).matches("[^ =]+");
        assertThat(Double.parseDouble(summary.get("busiest_task_busy_ms_per_s"))).isBetween(0.0, 1000.0);
        if (ClickHouseServer.unavailableReason() == null) {
            // ClickHouse attached beside PostgreSQL: its tables fill too
            assertThat(Long.parseLong(summary.get("clickhouse_rows_red_1m"))).isPositive();
            assertThat(Long.parseLong(summary.get("clickhouse_rows_metric_1m"))).isPositive();
            assertThat(Long.parseLong(summary.get("clickhouse_rows_log_record"))).isPositive();
        } else {
            assertThat(summary).doesNotContainKey("clickhouse_rows_red_1m");
            assertThat(out).contains("no ClickHouse: ");
        }
    }
}
