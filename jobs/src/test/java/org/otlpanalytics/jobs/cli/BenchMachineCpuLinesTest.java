package org.otlpanalytics.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.otlpanalytics.jobs.bench.MachineCpu;

/**
 * A {@code bench*} command, run as a user runs it (its own JVM, through {@link Main}), ends with
 * where the machine's CPU went meanwhile: one {@code machine_cpu_<group>_share} line per group, the
 * launcher's JVM named {@code benchmark}. They are printed by a shutdown hook when {@link Main} ends
 * the JVM with {@code System.exit}. Every benchmark returns to {@link Main} (none calls
 * {@code System.exit} itself any more: bench, bench-edges, bench-logs, bench-metrics and
 * bench-clickhouse did, before {@link Main} printed the lines, so they never appeared), so this one,
 * the quickest, takes the same way out as the others; {@link #noBenchmarkEndsTheJvmItself} keeps it so.
 */
class BenchMachineCpuLinesTest {
    @Test
    void aBenchmarkEndsWithTheMachinesCpuShares() throws Exception {
        Assumptions.assumeTrue(Files.isReadable(Path.of("/proc/stat")), "skipped: no /proc/stat (not Linux)");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "bench-state", "--patterns", "300", "--streams", "3", "--spans", "400",
                "--repetitions", "1", "--rocksdb", "false")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        List<String> expected = new ArrayList<>();
        for (String group : MachineCpu.GROUPS) {
            if (!group.equals(MachineCpu.TASKMANAGER)) {
                expected.add("machine_cpu_" + (group.equals(MachineCpu.LAUNCHER) ? "benchmark" : group) + "_share");
            }
        }
        List<String> printed = out.lines().filter(l -> l.startsWith("machine_cpu_")).toList();
        assertThat(printed.stream().map(l -> l.substring(0, l.indexOf('=')))).as(out).containsExactlyElementsOf(expected);
        double sum = 0;
        for (String l : printed) {
            double share = Double.parseDouble(l.substring(l.indexOf('=') + 1));
            assertThat(share).isBetween(0.0, 1.0);
            sum += share;
        }
        // the benchmark's own JVM did work, and the shares of all groups cover the machine (two decimals each)
        assertThat(Double.parseDouble(printed.get(0).substring(printed.get(0).indexOf('=') + 1))).isPositive();
        assertThat(sum).isBetween(0.95, 1.05);
    }

    /** A benchmark that called {@code System.exit} itself would end before {@link Main}'s lines were printed. */
    @Test
    void noBenchmarkEndsTheJvmItself() throws Exception {
        Path sources = Path.of("src/main/java/org/otlpanalytics/jobs");
        assertThat(sources).as("the jobs module's sources (surefire runs in the module's folder)").isDirectory();
        List<String> exiting = new ArrayList<>();
        for (String benchmark : List.of("bench/RedBench.java", "bench/edges/EdgePairingBenchmark.java",
                "bench/clickhouse/ClickHouseBench.java", "bench/metrics/MetricsBench.java",
                "bench/state/StateCostBench.java", "logs/LogsBench.java")) {
            if (Files.readString(sources.resolve(benchmark)).contains("System.exit(0)")) {
                exiting.add(benchmark);
            }
        }
        assertThat(exiting).isEmpty();
    }
}
