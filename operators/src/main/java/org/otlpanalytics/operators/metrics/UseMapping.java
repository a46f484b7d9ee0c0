package org.otlpanalytics.operators.metrics;

import static org.otlpanalytics.operators.metrics.ResourceKind.HOST;
import static org.otlpanalytics.operators.metrics.ResourceKind.PROCESS;
import static org.otlpanalytics.operators.metrics.ResourceKind.RUNTIME;
import static org.otlpanalytics.operators.metrics.ResourceKind.SERVICE;
import static org.otlpanalytics.operators.metrics.UseRule.Derivation.GROUP_SHARE;
import static org.otlpanalytics.operators.metrics.UseRule.Derivation.HISTOGRAM_TIME_SHARE;
import static org.otlpanalytics.operators.metrics.UseRule.Derivation.POOLED_SHARE;
import static org.otlpanalytics.operators.metrics.UseRule.Derivation.QUOTIENT;
import static org.otlpanalytics.operators.metrics.UseRule.Derivation.PER_CPU;
import static org.otlpanalytics.operators.metrics.UseRule.Derivation.RATE_MAX;
import static org.otlpanalytics.operators.metrics.UseRule.Derivation.RATE_SUM;
import static org.otlpanalytics.operators.metrics.UseRule.Derivation.RATIO;
import static org.otlpanalytics.operators.metrics.UseRule.Derivation.RATIO_SUM;
import static org.otlpanalytics.operators.metrics.UseSignal.ERRORS;
import static org.otlpanalytics.operators.metrics.UseSignal.SATURATION;
import static org.otlpanalytics.operators.metrics.UseSignal.UTILIZATION;

import java.util.List;

/**
 * Which OpenTelemetry semantic-convention metrics give which USE signal, per resource kind. The
 * table is the contract of {@link UseCalculator}; {@link #markdownTable()} prints it for READMEs.
 *
 * <p>Per resource and minute: utilization = the largest component (the busiest of CPU, memory,
 * filesystem, disk, ... bounds the resource), clamped to [0, 1]; saturation = the largest
 * component (>= 0, 1 = demand equals capacity); errors = the sum of the error components, per
 * second. Within one (signal, component), rules are alternatives tried in table order (e.g. the
 * CPU utilization gauge, else the rate of CPU time), and the first with data is used.
 *
 * <p>State attributes are matched under their current semantic-convention name and the legacy
 * {@code state} name the Collector's hostmetrics receiver still sends. Network throughput
 * ({@code system.network.io}) is not mapped: OpenTelemetry has no link-capacity metric to divide
 * by. Metrics outside the table are not used for USE; they are still aggregated in
 * {@code metric_1m}.
 */
public final class UseMapping {
    static final List<String> CPU_MODE = List.of("cpu.mode", "state");
    static final List<String> MEMORY_STATE = List.of("system.memory.state", "state");
    static final List<String> FILESYSTEM_STATE = List.of("system.filesystem.state", "state");
    static final List<String> PAGING_STATE = List.of("system.paging.state", "state");
    static final List<String> JVM_MEMORY_TYPE = List.of("jvm.memory.type");
    static final List<String> DB_CONNECTION_STATE = List.of("db.client.connection.state", "state");

    /** The metric counting logical CPUs, and the fallback: distinct {@code cpu} attribute values of these. */
    static final String CPU_COUNT = "system.cpu.logical.count";
    static final List<String> PER_CPU_METRICS = List.of("system.cpu.time", "system.cpu.utilization");

    private static final List<UseRule> RULES = List.of(
            // ---- host: utilization
            UseRule.of(HOST, UTILIZATION, "cpu", "system.cpu.utilization", POOLED_SHARE)
                    .whereNot(CPU_MODE, "idle", "wait")
                    .describe("share of CPU time not idle or waiting on I/O, over all CPUs"),
            UseRule.of(HOST, UTILIZATION, "cpu", "system.cpu.time", POOLED_SHARE)
                    .whereNot(CPU_MODE, "idle", "wait")
                    .describe("non-idle CPU seconds per second / all CPU seconds per second"),
            UseRule.of(HOST, UTILIZATION, "cpu", "system.cpu.utilization", RATIO)
                    .describe("without a cpu.mode breakdown: the busiest reported CPU utilization"),
            UseRule.of(HOST, UTILIZATION, "memory", "system.memory.utilization", RATIO)
                    .where(MEMORY_STATE, "used")
                    .describe("used share of physical memory"),
            UseRule.of(HOST, UTILIZATION, "memory", "system.memory.usage", QUOTIENT)
                    .where(MEMORY_STATE, "used").over("system.memory.limit")
                    .describe("used bytes / total memory"),
            UseRule.of(HOST, UTILIZATION, "memory", "system.memory.usage", GROUP_SHARE)
                    .where(MEMORY_STATE, "used")
                    .describe("used bytes / bytes in all states"),
            UseRule.of(HOST, UTILIZATION, "filesystem", "system.filesystem.utilization", RATIO)
                    .describe("fullest filesystem"),
            UseRule.of(HOST, UTILIZATION, "filesystem", "system.filesystem.usage", GROUP_SHARE)
                    .where(FILESYSTEM_STATE, "used")
                    .describe("fullest filesystem: used / (used + free + reserved)"),
            UseRule.of(HOST, UTILIZATION, "disk", "system.disk.io_time", RATE_MAX)
                    .describe("busiest disk: seconds active per second (%util)"),
            // ---- host: saturation
            UseRule.of(HOST, SATURATION, "cpu", "system.cpu.load_average.1m", PER_CPU).over(CPU_COUNT)
                    .describe("1-minute load average per logical CPU (run queue; > 1 = queueing)"),
            UseRule.of(HOST, SATURATION, "memory", "system.paging.utilization", RATIO)
                    .where(PAGING_STATE, "used")
                    .describe("used share of swap (memory pressure pushed to swap)"),
            UseRule.of(HOST, SATURATION, "memory", "system.paging.usage", GROUP_SHARE)
                    .where(PAGING_STATE, "used")
                    .describe("used swap bytes / swap bytes in all states"),
            UseRule.of(HOST, SATURATION, "disk", "system.disk.weighted_io_time", RATE_MAX)
                    .describe("busiest disk's average queue length (weighted I/O seconds per second)"),
            // ---- host: errors
            UseRule.of(HOST, ERRORS, "network.errors", "system.network.errors", RATE_SUM)
                    .describe("network errors per second, all interfaces and directions"),
            UseRule.of(HOST, ERRORS, "network.dropped", "system.network.dropped", RATE_SUM)
                    .describe("packets dropped per second, all interfaces and directions"),
            // ---- process (on the service resource)
            UseRule.of(PROCESS, UTILIZATION, "process.cpu", "process.cpu.utilization", RATIO_SUM)
                    .describe("process CPU share of available CPUs, summed over CPU modes"),
            UseRule.of(PROCESS, UTILIZATION, "process.memory", "process.memory.utilization", RATIO)
                    .describe("process resident memory / physical memory"),
            // ---- runtime (JVM semantic conventions)
            UseRule.of(RUNTIME, UTILIZATION, "jvm.cpu", "jvm.cpu.recent_utilization", RATIO)
                    .describe("recent CPU utilization of the JVM process"),
            UseRule.of(RUNTIME, UTILIZATION, "jvm.heap", "jvm.memory.used", QUOTIENT)
                    .where(JVM_MEMORY_TYPE, "heap").over("jvm.memory.limit")
                    .describe("heap used / heap limit, over the pools that have a limit"),
            UseRule.of(RUNTIME, SATURATION, "jvm.gc", "jvm.gc.duration", HISTOGRAM_TIME_SHARE)
                    .describe("share of the minute spent in GC pauses (1 = always paused)"),
            // ---- service: client connection pools
            UseRule.of(SERVICE, UTILIZATION, "db.pool", "db.client.connection.count", QUOTIENT)
                    .where(DB_CONNECTION_STATE, "used").over("db.client.connection.max")
                    .describe("connections in use / pool maximum"),
            UseRule.of(SERVICE, SATURATION, "db.pool", "db.client.connection.pending_requests", QUOTIENT)
                    .over("db.client.connection.max")
                    .describe("requests waiting for a connection / pool maximum"),
            UseRule.of(SERVICE, ERRORS, "db.pool.timeouts", "db.client.connection.timeouts", RATE_SUM)
                    .describe("connection-acquire timeouts per second"));

    private UseMapping() {}

    /** The table, in evaluation order. */
    public static List<UseRule> rules() {
        return RULES;
    }

    /** Every metric some rule reads (its metric, its denominator, the CPU-count fallbacks). */
    public static java.util.Set<String> metricNames() {
        java.util.Set<String> names = new java.util.HashSet<>(PER_CPU_METRICS);
        names.add(CPU_COUNT);
        for (UseRule r : RULES) {
            names.add(r.metric);
            if (r.denominator != null) {
                names.add(r.denominator);
            }
        }
        return java.util.Set.copyOf(names);
    }

    /** The table as Markdown, one row per rule. */
    public static String markdownTable() {
        StringBuilder sb = new StringBuilder(
                "| resource | signal | component | metric | filter | derivation | meaning |\n"
                        + "|---|---|---|---|---|---|---|\n");
        for (UseRule r : RULES) {
            sb.append("| ").append(r.resourceKind.name().toLowerCase(java.util.Locale.ROOT))
                    .append(" | ").append(r.signal.name().toLowerCase(java.util.Locale.ROOT))
                    .append(" | ").append(r.component)
                    .append(" | `").append(r.metric).append('`')
                    .append(r.denominator == null ? "" : " / `" + r.denominator + "`")
                    .append(" | ").append(r.filterText().isEmpty() ? "" : "`" + r.filterText().replace("|", "\\|") + "`")
                    .append(" | ").append(r.derivation.name().toLowerCase(java.util.Locale.ROOT))
                    .append(" | ").append(r.description).append(" |\n");
        }
        return sb.toString();
    }
}
