package org.otlpanalytics.operators.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class UseCalculatorTest {
    private static final double EPS = 1e-9;
    private static final String HOST = "urn:host:node-1";
    private static final String SVC = "urn:svc:shop/checkout";

    private final UseCalculator calc = new UseCalculator();

    /** A level row (avg) with attributes key, value, ... */
    static MetricRow level(String metric, double avg, String... kv) {
        return row(metric, AggregateKind.LEVEL, avg, null, kv);
    }

    /** A delta-sum row with its per-second rate. */
    static MetricRow rate(String metric, double perSecond, String... kv) {
        return row(metric, AggregateKind.RATE, perSecond, perSecond, kv);
    }

    static MetricRow row(String metric, AggregateKind kind, Double avg, Double rate, String... kv) {
        TreeMap<String, String> m = new TreeMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        MetricRow r = new MetricRow();
        r.metric = metric;
        r.kind = kind;
        r.avg = avg;
        r.rate = rate;
        r.attributeKeys = m.keySet().toArray(new String[0]);
        r.attributeValues = m.values().toArray(new String[0]);
        return r;
    }

    private static List<MetricRow> cpuTime() {
        // 2 CPUs, seconds per second per state: busy (user+system) 0.4 + 0.6 = 1.0 of 2.0 -> 0.5
        return new ArrayList<>(List.of(
                rate("system.cpu.time", 0.3, "cpu", "0", "state", "user"),
                rate("system.cpu.time", 0.1, "cpu", "0", "state", "system"),
                rate("system.cpu.time", 0.6, "cpu", "0", "state", "idle"),
                rate("system.cpu.time", 0.5, "cpu", "1", "state", "user"),
                rate("system.cpu.time", 0.1, "cpu", "1", "state", "system"),
                rate("system.cpu.time", 0.4, "cpu", "1", "state", "idle")));
    }

    @Test
    void hostUseFromCpuTimeMemoryLoadAndNetworkErrors() {
        List<MetricRow> rows = cpuTime();
        // memory: used 6 GiB of 8 GiB in all states -> 0.75
        rows.add(level("system.memory.usage", 6.0, "state", "used"));
        rows.add(level("system.memory.usage", 2.0, "state", "free"));
        // load 3.0 on 2 logical CPUs -> saturation 1.5
        rows.add(level("system.cpu.load_average.1m", 3.0));
        rows.add(level("system.cpu.logical.count", 2.0));
        // errors 0.5/s (two interfaces) + dropped 0.25/s
        rows.add(rate("system.network.errors", 0.2, "device", "eth0", "network.io.direction", "receive"));
        rows.add(rate("system.network.errors", 0.3, "device", "eth1", "network.io.direction", "transmit"));
        rows.add(rate("system.network.dropped", 0.25, "device", "eth0"));
        rows.add(level("system.unmapped.metric", 99.0));

        UseRow u = calc.compute("acme", HOST, 60_000, 60_000, rows);

        assertThat(u.tenant).isEqualTo("acme");
        assertThat(u.resourceUrn).isEqualTo(HOST);
        assertThat(u.bucketStartMillis).isEqualTo(60_000);
        assertThat(u.utilization).isCloseTo(0.75, within(EPS));
        assertThat(u.utilizationComponent).isEqualTo("memory");
        assertThat(u.saturation).isCloseTo(1.5, within(EPS));
        assertThat(u.saturationComponent).isEqualTo("cpu");
        assertThat(u.errorsPerSecond).isCloseTo(0.75, within(EPS));
        assertThat(u.contributors).containsExactly(
                "errors/network.dropped=system.network.dropped:0.2500",
                "errors/network.errors=system.network.errors:0.5000",
                "saturation/cpu=system.cpu.load_average.1m:1.5000",
                "utilization/cpu=system.cpu.time:0.5000",
                "utilization/memory=system.memory.usage:0.7500");
    }

    @Test
    void cpuUtilizationGaugeWinsOverCpuTimeAndCpuCountFallsBackToCpuAttributes() {
        List<MetricRow> rows = cpuTime();
        rows.add(level("system.cpu.utilization", 0.2, "cpu", "0", "cpu.mode", "user"));
        rows.add(level("system.cpu.utilization", 0.8, "cpu", "0", "cpu.mode", "idle"));
        rows.add(level("system.cpu.load_average.1m", 1.0)); // no logical count: 2 distinct cpu values

        UseRow u = calc.compute("acme", HOST, 0, 60_000, rows);

        assertThat(u.utilization).isCloseTo(0.2, within(EPS));
        assertThat(u.contributors).contains("utilization/cpu=system.cpu.utilization:0.2000");
        assertThat(u.contributors).noneMatch(c -> c.contains("system.cpu.time"));
        assertThat(u.saturation).isCloseTo(0.5, within(EPS));
    }

    @Test
    void fullestFilesystemAndBusiestDisk() {
        UseRow u = calc.compute("acme", HOST, 0, 60_000, List.of(
                level("system.filesystem.usage", 80, "device", "sda", "mountpoint", "/", "state", "used"),
                level("system.filesystem.usage", 20, "device", "sda", "mountpoint", "/", "state", "free"),
                level("system.filesystem.usage", 10, "device", "sdb", "mountpoint", "/data", "state", "used"),
                level("system.filesystem.usage", 90, "device", "sdb", "mountpoint", "/data", "state", "free"),
                rate("system.disk.io_time", 0.3, "device", "sda"),
                rate("system.disk.io_time", 0.6, "device", "sdb"),
                rate("system.disk.weighted_io_time", 2.5, "device", "sdb")));

        assertThat(u.utilization).isCloseTo(0.8, within(EPS));
        assertThat(u.utilizationComponent).isEqualTo("filesystem");
        assertThat(u.contributors).contains("utilization/disk=system.disk.io_time:0.6000");
        assertThat(u.saturation).isCloseTo(2.5, within(EPS));
        assertThat(u.errorsPerSecond).isNull();
    }

    @Test
    void jvmHeapOverLimitedPoolsAndGcTimeShare() {
        MetricRow gc = row("jvm.gc.duration", AggregateKind.HISTOGRAM, 0.1, null, "jvm.gc.name", "G1 Young");
        gc.sum = 2.0;
        MetricRow gcOld = row("jvm.gc.duration", AggregateKind.HISTOGRAM, 0.5, null, "jvm.gc.name", "G1 Old");
        gcOld.sum = 1.0;
        UseRow u = calc.compute("acme", SVC, 0, 60_000, List.of(
                level("jvm.memory.used", 50, "jvm.memory.type", "heap", "jvm.memory.pool.name", "eden"),
                level("jvm.memory.limit", 100, "jvm.memory.type", "heap", "jvm.memory.pool.name", "eden"),
                level("jvm.memory.used", 300, "jvm.memory.type", "heap", "jvm.memory.pool.name", "old"),
                level("jvm.memory.limit", 400, "jvm.memory.type", "heap", "jvm.memory.pool.name", "old"),
                level("jvm.memory.used", 10, "jvm.memory.type", "heap", "jvm.memory.pool.name", "survivor"),
                level("jvm.memory.used", 90, "jvm.memory.type", "non_heap", "jvm.memory.pool.name", "metaspace"),
                level("jvm.memory.limit", 100, "jvm.memory.type", "non_heap", "jvm.memory.pool.name", "metaspace"),
                gc, gcOld));

        // (50 + 300) / (100 + 400); the survivor pool has no limit, metaspace is not heap
        assertThat(u.utilization).isCloseTo(0.7, within(EPS));
        assertThat(u.utilizationComponent).isEqualTo("jvm.heap");
        // 3 s of GC in a 60 s minute
        assertThat(u.saturation).isCloseTo(0.05, within(EPS));
        assertThat(u.saturationComponent).isEqualTo("jvm.gc");
    }

    @Test
    void connectionPoolAndProcessCpu() {
        UseRow u = calc.compute("acme", SVC, 0, 60_000, List.of(
                level("db.client.connection.count", 8, "db.client.connection.pool.name", "main",
                        "db.client.connection.state", "used"),
                level("db.client.connection.count", 2, "db.client.connection.pool.name", "main",
                        "db.client.connection.state", "idle"),
                level("db.client.connection.max", 10, "db.client.connection.pool.name", "main"),
                level("db.client.connection.pending_requests", 15, "db.client.connection.pool.name", "main"),
                rate("db.client.connection.timeouts", 0.1, "db.client.connection.pool.name", "main"),
                level("process.cpu.utilization", 0.25, "cpu.mode", "user"),
                level("process.cpu.utilization", 0.05, "cpu.mode", "system")));

        assertThat(u.utilization).isCloseTo(0.8, within(EPS)); // 8 of 10 connections
        assertThat(u.contributors).contains("utilization/process.cpu=process.cpu.utilization:0.3000");
        assertThat(u.saturation).isCloseTo(1.5, within(EPS)); // 15 waiting per 10 connections
        assertThat(u.errorsPerSecond).isCloseTo(0.1, within(EPS));
    }

    @Test
    void utilizationIsClampedAndUnmappedMetricsGiveNoRow() {
        UseRow u = calc.compute("acme", HOST, 0, 60_000, List.of(level("system.filesystem.utilization", 1.2)));
        assertThat(u.utilization).isEqualTo(1.0);
        assertThat(calc.compute("acme", HOST, 0, 60_000, List.of(level("http.server.active_requests", 4)))).isNull();
        assertThat(calc.compute("acme", HOST, 0, 60_000, List.of())).isNull();
    }

    @Test
    void tableIsPrintableAndEachComponentBelongsToOneResourceKind() {
        List<UseRule> rules = UseMapping.rules();
        String md = UseMapping.markdownTable();
        assertThat(md.lines().count()).isEqualTo(rules.size() + 2);
        // a '|' inside a cell is escaped, so every row has exactly the header's 7 cells
        md.lines().forEach(l -> assertThat(l.replace("\\|", "").chars().filter(c -> c == '|').count()).as(l).isEqualTo(8));
        assertThat(md).contains("| host | utilization | cpu | `system.cpu.time` | `cpu.mode\\|state not in (idle, wait)` "
                + "| pooled_share |");
        Map<String, ResourceKind> kindOf = new HashMap<>();
        for (UseRule r : rules) {
            assertThat(r.description).as(r.toString()).isNotEmpty();
            ResourceKind k = kindOf.putIfAbsent(r.signal + "/" + r.component, r.resourceKind);
            assertThat(k == null || k == r.resourceKind).as(r.toString()).isTrue();
            if (r.derivation == UseRule.Derivation.QUOTIENT || r.derivation == UseRule.Derivation.PER_CPU) {
                assertThat(r.denominator).as(r.toString()).isNotNull();
            }
        }
    }

    @Test
    void cpuUtilizationWithoutModeBreakdownIsTakenAsTheBusyShare() {
        UseRow u = calc.compute("t", HOST, 0, 60_000, List.of(level("system.cpu.utilization", 0.42),
                level("system.memory.utilization", 0.3, "state", "used")));
        assertThat(u.utilization).isCloseTo(0.42, within(EPS));
        assertThat(u.utilizationComponent).isEqualTo("cpu");
        // with a mode breakdown the pooled share wins over the fallback
        UseRow m = calc.compute("t", HOST, 0, 60_000, List.of(level("system.cpu.utilization", 0.2, "cpu.mode", "user"),
                level("system.cpu.utilization", 0.7, "cpu.mode", "idle")));
        assertThat(m.utilization).isCloseTo(0.2 / 0.9, within(EPS));
    }

    @Test
    void contributorValuesAreFormattedAsStringFormatDoes() {
        java.util.Random r = new java.util.Random(11);
        java.util.List<Double> values = new java.util.ArrayList<>(java.util.List.of(0.0, -0.0, 0.15, 0.00005, 0.00015, 0.99995,
                1.0, 1e-9, 123456789.123456, 1e20, 2.5e-5, -0.00005, -1.23455, Double.NaN, Double.POSITIVE_INFINITY,
                Double.MIN_VALUE, Double.MAX_VALUE));
        for (int i = 0; i < 20_000; i++) {
            values.add(r.nextDouble());
            values.add(Math.round(r.nextDouble() * 1e6) / 1e6 + 0.00005);
            values.add(r.nextDouble() * Math.pow(10, r.nextInt(30) - 10));
        }
        for (double v : values) {
            assertThat(UseCalculator.fixed4(v)).as("%s", v).isEqualTo(String.format(java.util.Locale.ROOT, "%.4f", v));
        }
    }
}
