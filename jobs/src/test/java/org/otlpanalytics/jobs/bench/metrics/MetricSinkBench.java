package org.otlpanalytics.jobs.bench.metrics;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.otlpanalytics.jobs.bench.PgServerCpu;
import org.otlpanalytics.jobs.embedded.PostgresServer;
import org.otlpanalytics.jobs.sink.postgres.MetricRowMapper;
import org.otlpanalytics.jobs.sink.postgres.PostgresSinkConfig;
import org.otlpanalytics.jobs.sink.postgres.PostgresUpsertSink;
import org.otlpanalytics.jobs.sink.postgres.SchemaMigrator;
import org.otlpanalytics.operators.common.KafkaRange;
import org.otlpanalytics.operators.metrics.AggregateKind;
import org.otlpanalytics.operators.metrics.MetricRow;
import org.otlpanalytics.schemas.metrics.MetricType;

/**
 * The {@code metric_1m} sink alone, without Flink: {@code HOSTS x MINUTES} minutes of bench-metrics'
 * hostmetrics series (31 per host: 24 rates, 7 levels, each with a KLL sketch of 6 samples and their
 * log histogram) written {@code WRITES} times through the sink's writer into one embedded database,
 * 2,000 rows a flush as the job does; the first write inserts, the later ones rewrite identical rows
 * (a replay). Per write: wall time, the writer thread's CPU and the server's CPU ({@link PgServerCpu})
 * per row. A {@code main} in the test classes:
 * {@code java -cp "jobs/target/test-classes:jobs/target/otlp-analytics-jobs-0.1.0-SNAPSHOT.jar:$(cat jobs/target/launcher-classpath.txt)"
 * org.otlpanalytics.jobs.bench.metrics.MetricSinkBench [HOSTS MINUTES WRITES]} (defaults 1000 5 3), once the
 * launcher has built the jar and a test build compiled the test classes.
 */
public final class MetricSinkBench {
    private static final String[] MODES = {"user", "system", "idle", "wait"};

    private MetricSinkBench() {}

    public static void main(String[] args) throws Exception {
        int hosts = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int minutes = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int writes = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        run(hosts, minutes, writes, System.out);
        System.exit(0);
    }

    /** Runs the writes; returns the rows in {@code metric_1m} at the end. */
    static long run(int hosts, int minutes, int writes, PrintStream out) throws Exception {
        try (PostgresServer pg = PostgresServer.start()) {
            PostgresSinkConfig cfg = PostgresSinkConfig.builder().jdbcUrl(pg.jdbcUrl()).batchSize(2000).build();
            SchemaMigrator.migrate(cfg);
            PgServerCpu server;
            try (Connection c = pg.connect()) {
                server = PgServerCpu.of(c);
            }
            List<MetricRow> rows = rows(hosts, minutes);
            out.println("sink_bench_rows=" + rows.size());
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            for (int w = 0; w < writes; w++) {
                double server0 = server.seconds();
                long t0 = System.nanoTime();
                long cpu0 = threads.getCurrentThreadCpuTime();
                try (SinkWriter<MetricRow> writer = new PostgresUpsertSink<>(cfg, new MetricRowMapper("bench"))
                        .standaloneWriter(new UnregisteredMetricsGroup())) {
                    for (MetricRow r : rows) {
                        writer.write(r, null);
                    }
                    writer.flush(false);
                }
                long cpu1 = threads.getCurrentThreadCpuTime();
                long t1 = System.nanoTime();
                double server1 = server.seconds();
                String name = w == 0 ? "insert" : "rewrite_" + w;
                out.printf(Locale.ROOT, "sink_bench_%s_seconds=%.2f%n", name, (t1 - t0) / 1e9);
                out.printf(Locale.ROOT, "sink_bench_%s_jvm_cpu_us_per_row=%.2f%n", name, (cpu1 - cpu0) / 1e3 / rows.size());
                out.printf(Locale.ROOT, "sink_bench_%s_server_cpu_us_per_row=%.2f%n", name, (server1 - server0) * 1e6 / rows.size());
            }
            try (Connection c = pg.connect(); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT count(*) FROM metric_1m")) {
                rs.next();
                out.println("sink_bench_metric_1m_rows=" + rs.getLong(1));
                return rs.getLong(1);
            }
        }
    }

    /** Rows like bench-metrics' (one resource's minute together, as the aggregator emits them). */
    static List<MetricRow> rows(int hosts, int minutes) {
        SplittableRandom random = new SplittableRandom(7);
        List<MetricRow> out = new ArrayList<>();
        long start = 1_767_225_600_000L;
        for (int m = 0; m < minutes; m++) {
            for (int h = 0; h < hosts; h++) {
                KafkaRange range = new KafkaRange();
                range.add(h % 2, 1000L * m + h, start + m * 60_000L);
                range.add(h % 2, 1000L * m + h + 5, start + m * 60_000L + 50_000);
                for (String[] s : series()) {
                    out.add(row(random, start + m * 60_000L, h, s, range));
                }
            }
        }
        return out;
    }

    /** Metric, up to two attribute pairs, r(ate) or l(evel). */
    private static List<String[]> series() {
        List<String[]> series = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            for (String mode : MODES) {
                series.add(new String[] {"system.cpu.time", "cpu", "cpu" + c, "cpu.mode", mode, "r"});
            }
        }
        for (String state : new String[] {"used", "free", "cached"}) {
            series.add(new String[] {"system.memory.usage", "system.memory.state", state, null, null, "l"});
        }
        for (String d : new String[] {"eth0", "eth1"}) {
            for (String dir : new String[] {"receive", "transmit"}) {
                series.add(new String[] {"system.network.io", "network.interface.name", d, "network.io.direction", dir, "r"});
                series.add(new String[] {"system.network.errors", "network.interface.name", d, "network.io.direction", dir, "r"});
            }
        }
        for (String g : new String[] {"system.cpu.utilization", "system.memory.utilization", "system.cpu.load_average.1m",
                "system.cpu.logical.count"}) {
            series.add(new String[] {g, null, null, null, null, "l"});
        }
        return series;
    }

    private static MetricRow row(SplittableRandom random, long bucket, int host, String[] s, KafkaRange range) {
        MetricRow r = new MetricRow();
        r.bucketStartMillis = bucket;
        r.tenant = "default";
        r.resourceUrn = "urn:host:host-" + host;
        r.serviceUrn = "urn:svc:bench/svc-" + (host % 50);
        r.serviceName = "svc-" + (host % 50);
        r.serviceNamespace = "bench";
        r.metric = s[0];
        r.unit = "s";
        List<String> keys = new ArrayList<>();
        List<String> values = new ArrayList<>();
        for (int i = 1; i <= 3; i += 2) {
            if (s[i] != null) {
                keys.add(s[i]);
                values.add(s[i + 1]);
            }
        }
        r.attributeKeys = keys.toArray(new String[0]);
        r.attributeValues = values.toArray(new String[0]);
        r.labelsHash = java.util.Objects.hash(s[0], s[2], s[4]) * 7919L;
        boolean rate = s[5].equals("r");
        r.type = rate ? MetricType.SUM : MetricType.GAUGE;
        r.kind = rate ? AggregateKind.RATE : AggregateKind.LEVEL;
        r.points = 6;
        KllDoublesSketch kll = KllDoublesSketch.newHeapInstance();
        double[] v = new double[6];
        for (int i = 0; i < v.length; i++) {
            v[i] = random.nextDouble() * 1000;
            kll.update(v[i]);
        }
        r.avg = v[0];
        r.min = 0.5;
        r.max = v[1];
        r.p95 = v[2];
        r.last = v[3];
        if (rate) {
            r.total = v[4];
            r.rate = v[5] / 60;
        }
        r.kll = kll.toByteArray();
        r.valueIdx = new int[] {100, 200, 300, 400, 500, 600};
        r.valueCnt = new long[] {1, 1, 1, 1, 1, 1};
        r.bucketBounds = new double[0];
        r.bucketCounts = new long[0];
        r.expPositiveCounts = new long[0];
        r.expNegativeCounts = new long[0];
        r.kafkaRange = range;
        return r;
    }
}
