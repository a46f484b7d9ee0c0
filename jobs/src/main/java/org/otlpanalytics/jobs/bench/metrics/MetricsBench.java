package org.otlpanalytics.jobs.bench.metrics;

import org.otlpanalytics.jobs.bench.HeapPeaks;
import org.otlpanalytics.jobs.bench.PgServerCpu;
import java.time.Instant;
import java.util.Locale;
import org.otlpanalytics.jobs.bench.RoundRatios;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.otlpanalytics.jobs.config.Environments;
import org.otlpanalytics.jobs.config.JobOptions;
import org.otlpanalytics.jobs.embedded.EmbeddedKafka;
import org.otlpanalytics.jobs.embedded.PostgresServer;
import org.otlpanalytics.jobs.ingest.IngestStage;
import org.otlpanalytics.jobs.ingest.IngestOptions;
import org.otlpanalytics.jobs.metrics.MetricsOutputs;
import org.otlpanalytics.operators.metrics.MetricPointTypeInfo;
import org.otlpanalytics.jobs.metrics.MetricsJob;
import org.otlpanalytics.jobs.sink.postgres.MetricRowMapper;
import org.otlpanalytics.jobs.sink.postgres.PostgresSinkConfig;
import org.otlpanalytics.jobs.sink.postgres.PostgresUpsertSink;
import org.otlpanalytics.jobs.sink.postgres.SchemaMigrator;
import org.otlpanalytics.jobs.sink.postgres.UseRowMapper;
import org.otlpanalytics.schemas.Encoding;
import org.otlpanalytics.schemas.metrics.MetricDecoder;
import org.otlpanalytics.schemas.metrics.MetricPoint;

/**
 * {@code bench-metrics}: hostmetrics-like exports of {@code --hosts} hosts (default 1000) with
 * {@code --cpus} CPUs each (default 4; 4 cumulative series per CPU, so 128 gives over 500 series
 * per resource) in a real (embedded) Kafka topic, read by bounded jobs on a local MiniCluster:
 * decode only (the baseline), decode + pre-aggregation + cumulative-to-delta + metric_1m/USE with
 * discarding sinks on the heap state backend and on RocksDB (production's, where every state
 * access serializes), and the heap run into PostgreSQL. Prints {@code name=value} lines: points/s
 * of each (median of {@code --rounds}, default 3, interleaved), their ratios to decode-only and
 * RocksDB's to the heap's in the same run (the figures least affected by the machine), the output
 * row counts and the peak heap of the process.
 *
 * <p>A round's decode-only baseline is repeated until it lasts about ten seconds (5,000,000 points
 * decode in three to nine on a two-core machine; at 700k points one run lasted one to three, and
 * the ratios spread from 0.22 to 0.60), its mean run taken as the round's. Each
 * round runs every variant once; its ratios are between its own runs and the median round is
 * printed beside every round's value ({@code _rounds}) and the ratio of process CPU time.
 * {@code --rocksdb false} leaves out the RocksDB variant (the slowest) to shorten a run.
 *
 * <p>Every PostgreSQL run (warm-up included) starts from empty {@code metric_1m}, {@code use_1m}
 * and {@code kafka_locator} tables, so that it inserts its minutes as a live job does (a later run
 * into the same rows would measure a replay's rewrites). The server's CPU time during those runs
 * ({@link PgServerCpu}, the embedded server's processes) is printed beside the JVM's, and so are the
 * rows written per point and how many of them rewrote a row the same run had written.
 */
public final class MetricsBench {
    static final String POINTS = "points";
    static final String HOSTS = "hosts";
    static final String CPUS = "cpus";
    static final String ROUNDS = "rounds";
    static final String ROCKSDB = "rocksdb";
    static final int DECODE = 0;
    static final int METRICS = 1;
    static final int METRICS_ROCKSDB = 2;
    static final int METRICS_PG = 3;
    /** Variant names, indexed by {@link #DECODE} and the others, as printed ({@code <name>_points_per_s}). */
    static final String[] VARIANTS = {"decode", "metrics", "metrics_rocksdb", "metrics_pg"};
    static final java.nio.file.Path CHECKPOINTS = java.nio.file.Path.of(System.getProperty("java.io.tmpdir"),
            "otlp-analytics-bench-metrics-checkpoints");

    private MetricsBench() {}

    public static void main(String[] args) throws Exception {
        JobOptions given = JobOptions.parse(args, POINTS, HOSTS, CPUS, ROUNDS, ROCKSDB);
        long target = given.get(POINTS) == null ? 5_000_000L : Long.parseLong(given.get(POINTS));
        int hosts = given.get(HOSTS) == null ? 1000 : Integer.parseInt(given.get(HOSTS));
        int cpus = given.get(CPUS) == null ? 4 : Integer.parseInt(given.get(CPUS));
        int rounds = given.get(ROUNDS) == null ? 3 : Integer.parseInt(given.get(ROUNDS));
        boolean withRocksDb = given.get(ROCKSDB) == null || Boolean.parseBoolean(given.get(ROCKSDB));
        double loadAtStart = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        try (EmbeddedKafka kafka = EmbeddedKafka.start(); PostgresServer pg = PostgresServer.start()) {
            int partitions = given.getInt(JobOptions.PARALLELISM);
            String topic = "bench_metrics";
            kafka.createTopics(partitions, topic, "bench_deadletter");
            long points = load(kafka, topic, partitions, target, hosts, cpus);
            System.out.println("bench_metric_points=" + points);
            System.out.println("bench_hosts=" + hosts);
            System.out.println("bench_cpus_per_host=" + cpus);
            JobOptions o = given.with(JobOptions.BOOTSTRAP, kafka.bootstrapServers()).with(JobOptions.JDBC_URL, pg.jdbcUrl())
                    .with(JobOptions.BOUNDED, "true").with(JobOptions.STARTING_OFFSETS, "earliest")
                    .with(JobOptions.METRICS_TOPIC, topic).with(JobOptions.DEAD_LETTER_TOPIC, "bench_deadletter")
                    .with(JobOptions.CHECKPOINT_INTERVAL, "10s");
            PostgresSinkConfig pgc = PostgresSinkConfig.builder().jdbcUrl(pg.jdbcUrl()).batchSize(2000).build();
            SchemaMigrator.migrate(pgc);
            try (var c = pg.connect()) {
                server = PgServerCpu.of(c);
            }
            JobOptions heap = o.with(JobOptions.STATE_BACKEND, "hashmap");
            JobOptions rocksdb = o.with(JobOptions.STATE_BACKEND, "rocksdb");
            // warm-up (JIT, page cache), then --rounds rounds, each running every variant once, one after the other:
            // a round's ratios are taken between its own runs (under the same load) and the median round is reported
            Run warmDecode = run(heap, DECODE, pgc);
            run(heap, METRICS, pgc);
            run(heap, METRICS_PG, pgc);
            // decoding alone is several times faster: repeated within a round until it lasts about
            // MIN_BASELINE_SECONDS, so the baseline is not a few seconds of whatever else runs
            int decodeRepeats = decodeRepeats(warmDecode.seconds());
            System.out.println("decode_repeats_per_round=" + decodeRepeats);
            if (withRocksDb) {
                run(rocksdb, METRICS, pgc);
            }
            HeapPeaks.reset();
            Run[][] runs = new Run[VARIANTS.length][rounds];
            for (int round = 0; round < rounds; round++) {
                runs[DECODE][round] = repeated(heap, pgc, decodeRepeats);
                runs[METRICS][round] = run(heap, METRICS, pgc);
                runs[METRICS_ROCKSDB][round] = withRocksDb ? run(rocksdb, METRICS, pgc) : null;
                runs[METRICS_PG][round] = run(heap, METRICS_PG, pgc);
            }
            for (int v = 0; v < VARIANTS.length; v++) {
                if (v == METRICS_ROCKSDB && !withRocksDb) {
                    continue;
                }
                String n = VARIANTS[v];
                System.out.printf(Locale.ROOT, "%s_points_per_s=%.0f%n", n, points / RoundRatios.median(seconds(runs[v])));
                System.out.printf(Locale.ROOT, "%s_seconds_rounds=%s%n", n, RoundRatios.format(seconds(runs[v])));
                System.out.printf(Locale.ROOT, "%s_cpu_us_per_point=%.2f%n", n,
                        RoundRatios.median(cpuSeconds(runs[v])) * 1e6 / points);
            }
            double[] serverCpu = serverCpuSeconds(runs[METRICS_PG]);
            System.out.printf(Locale.ROOT, "metrics_pg_server_cpu_us_per_point=%.2f%n", RoundRatios.median(serverCpu) * 1e6 / points);
            double[] withServer = new double[rounds];
            for (int round = 0; round < rounds; round++) {
                withServer[round] = runs[DECODE][round].cpuSeconds()
                        / (runs[METRICS_PG][round].cpuSeconds() + runs[METRICS_PG][round].serverCpuSeconds());
            }
            System.out.printf(Locale.ROOT, "metrics_pg_with_server_vs_decode_cpu_ratio=%.2f%n", RoundRatios.median(withServer));
            System.out.printf(Locale.ROOT, "metrics_pg_with_server_vs_decode_cpu_ratio_rounds=%s%n", RoundRatios.format(withServer));
            for (int v = METRICS; v < VARIANTS.length; v++) {
                if (v == METRICS_ROCKSDB && !withRocksDb) {
                    continue;
                }
                double[] ratios = roundRatios(seconds(runs[DECODE]), seconds(runs[v]));
                double[] cpuRatios = roundRatios(cpuSeconds(runs[DECODE]), cpuSeconds(runs[v]));
                String n = VARIANTS[v];
                System.out.printf(Locale.ROOT, "%s_vs_decode_ratio=%.2f%n", n, RoundRatios.median(ratios));
                System.out.printf(Locale.ROOT, "%s_vs_decode_ratio_rounds=%s%n", n, RoundRatios.format(ratios));
                System.out.printf(Locale.ROOT, "%s_vs_decode_cpu_ratio=%.2f%n", n, RoundRatios.median(cpuRatios));
                System.out.printf(Locale.ROOT, "%s_vs_decode_cpu_ratio_rounds=%s%n", n, RoundRatios.format(cpuRatios));
            }
            if (withRocksDb) {
                double[] rocksVsHeap = roundRatios(seconds(runs[METRICS]), seconds(runs[METRICS_ROCKSDB]));
                System.out.printf(Locale.ROOT, "metrics_rocksdb_vs_heap_ratio=%.2f%n", RoundRatios.median(rocksVsHeap));
            }
            System.out.printf(Locale.ROOT, "peak_heap_mb=%.0f%n", HeapPeaks.peakBytes() / 1048576.0);
            System.out.printf(Locale.ROOT, "load_average_start=%.1f%n", loadAtStart);
            System.out.printf(Locale.ROOT, "load_average_end=%.1f%n",
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            try (var c = pg.connect(); var s = c.createStatement()) {
                for (String table : new String[] {"metric_1m", "use_1m", "kafka_locator"}) {
                    try (var rs = s.executeQuery("SELECT count(*) FROM " + table)) {
                        rs.next();
                        System.out.println(table + "_rows=" + rs.getLong(1));
                    }
                }
                // rows each PostgreSQL run wrote: inserts, and updates of a row the same run had written
                // (every run starts from empty tables); the servers' statistics, once the sinks' sessions ended
                Thread.sleep(2000);
                int pgRuns = rounds + 1;
                try (var rs = s.executeQuery("SELECT relname, n_tup_ins, n_tup_upd FROM pg_stat_user_tables "
                        + "WHERE relname IN ('metric_1m', 'use_1m', 'kafka_locator') ORDER BY relname")) {
                    while (rs.next()) {
                        System.out.printf(Locale.ROOT, "%s_inserts_per_run=%d%n", rs.getString(1), rs.getLong(2) / pgRuns);
                        System.out.printf(Locale.ROOT, "%s_rewrites_per_run=%d%n", rs.getString(1), rs.getLong(3) / pgRuns);
                    }
                }
            }
        }
    }

    /** Writes exports of every host, 10 s apart, until {@code target} points are in the topic; returns the exact count. */
    static long load(EmbeddedKafka kafka, String topic, int partitions, long target, int hosts, int cpus) throws Exception {
        HostMetricsLoad gen = new HostMetricsLoad(Instant.parse("2026-01-01T00:00:00Z").toEpochMilli(), cpus);
        MetricDecoder counter = new MetricDecoder(Encoding.OTLP_PROTO);
        List<MetricPoint> scratch = new ArrayList<>();
        long points = 0;
        int i = 0;
        try (KafkaProducer<byte[], byte[]> p = kafka.producer()) {
            for (int step = 0; points < target; step++) {
                for (int h = 0; h < hosts && points < target; h++) {
                    byte[] m = gen.export(h, step);
                    // null key: the exporter's default, so a host's exports spread over the partitions
                    p.send(new ProducerRecord<>(topic, i++ % partitions, null, m));
                    scratch.clear();
                    points += counter.decode(m, 0, 0, scratch);
                }
            }
            p.flush();
        }
        return points;
    }

    /**
     * One run: job runtime and the CPU time the whole process spent meanwhile, in seconds, and the
     * PostgreSQL server's (NaN for the runs without it).
     */
    record Run(double seconds, double cpuSeconds, double serverCpuSeconds) {
        Run(double seconds, double cpuSeconds) {
            this(seconds, cpuSeconds, Double.NaN);
        }
    }

    /** The embedded PostgreSQL server's CPU time (set once it runs). */
    private static PgServerCpu server = PgServerCpu.none();

    /** How long a round's decode-only baseline should last, at least (its runs repeated to reach it). */
    static final double MIN_BASELINE_SECONDS = 10;
    /** Decode-only runs per round, at most. */
    static final int MAX_DECODE_REPEATS = 8;

    /** Runs of decoding per round for a baseline of at least {@link #MIN_BASELINE_SECONDS}, given one run's time. */
    static int decodeRepeats(double oneRunSeconds) {
        if (!(oneRunSeconds > 0)) {
            return 1;
        }
        return (int) Math.max(1, Math.min(MAX_DECODE_REPEATS, Math.ceil(MIN_BASELINE_SECONDS / oneRunSeconds)));
    }

    /** {@code times} decode-only runs one after the other, as one run of their mean time and CPU. */
    static Run repeated(JobOptions o, PostgresSinkConfig pgc, int times) throws Exception {
        double seconds = 0;
        double cpu = 0;
        for (int i = 0; i < times; i++) {
            Run r = run(o, DECODE, pgc);
            seconds += r.seconds();
            cpu += r.cpuSeconds();
        }
        return new Run(seconds / times, cpu / times);
    }

    /** Per round, the baseline's time over the variant's (above 1 when the variant is the faster). */
    static double[] roundRatios(double[] baseline, double[] variant) {
        if (baseline.length != variant.length) {
            throw new IllegalArgumentException(baseline.length + " baseline rounds, " + variant.length + " variant rounds");
        }
        double[] ratios = new double[baseline.length];
        for (int round = 0; round < ratios.length; round++) {
            ratios[round] = baseline[round] / variant[round];
        }
        return ratios;
    }

    static double[] seconds(Run[] runs) {
        return java.util.Arrays.stream(runs).mapToDouble(Run::seconds).toArray();
    }

    static double[] cpuSeconds(Run[] runs) {
        return java.util.Arrays.stream(runs).mapToDouble(Run::cpuSeconds).toArray();
    }

    static double[] serverCpuSeconds(Run[] runs) {
        return java.util.Arrays.stream(runs).mapToDouble(Run::serverCpuSeconds).toArray();
    }

    /** Runs one variant to the end of the topic; returns its runtime and the process CPU time it took. */
    static Run run(JobOptions o, int variant, PostgresSinkConfig pgc) throws Exception {
        Configuration conf = Environments.configuration(o);
        // metric state outgrows the 5 MB of the default in-memory checkpoint storage: checkpoints go to files
        conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, CHECKPOINTS.toUri().toString());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        Environments.configure(env, o);
        String topic = o.require(JobOptions.METRICS_TOPIC);
        IngestOptions in = IngestOptions.of(o).withGroupIdPrefix("bench-" + variant + "-" + System.nanoTime());
        DataStream<MetricPoint> points = IngestStage.fromKafka(env, in, topic, new MetricDecoder(in.encoding()),
                MetricPoint.class, MetricPointTypeInfo.INSTANCE, "metrics", "metrics").records();
        if (variant == DECODE) {
            points.sinkTo(new DiscardingSink<>()).name("discard");
        } else if (variant == METRICS) {
            MetricsOutputs out = MetricsJob.buildPipeline(points, MetricsJob.Settings.of(o));
            // a sink per aggregator, chained to it, as the job's (MetricsOutputs#eachPart)
            MetricsOutputs.eachPart(out.metricParts(), "discard-metrics", (rows, uid) -> rows.sinkTo(new DiscardingSink<>()).name(uid));
            MetricsOutputs.eachPart(out.useParts(), "discard-use", (rows, uid) -> rows.sinkTo(new DiscardingSink<>()).name(uid));
        } else {
            MetricsOutputs out = MetricsJob.buildPipeline(points, MetricsJob.Settings.of(o));
            MetricsOutputs.eachPart(out.metricParts(), "metric-1m-sink",
                    (rows, uid) -> rows.sinkTo(new PostgresUpsertSink<>(pgc, new MetricRowMapper(topic))).name(uid));
            MetricsOutputs.eachPart(out.useParts(), "use-1m-sink",
                    (rows, uid) -> rows.sinkTo(new PostgresUpsertSink<>(pgc, new UseRowMapper())).name(uid));
            // new minutes, as a live job writes them (not a replay's rewrites of the last run's rows)
            try (var c = pgc.connect(); var s = c.createStatement()) {
                s.execute("TRUNCATE metric_1m, use_1m, kafka_locator");
            }
        }
        double server0 = variant == METRICS_PG ? server.seconds() : Double.NaN;
        long cpu0 = processCpuNanos();
        JobExecutionResult r = env.execute("bench-metrics variant " + variant);
        double cpu = (processCpuNanos() - cpu0) / 1e9;
        return new Run(r.getNetRuntime() / 1000.0, cpu, variant == METRICS_PG ? server.seconds() - server0 : Double.NaN);
    }

    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
