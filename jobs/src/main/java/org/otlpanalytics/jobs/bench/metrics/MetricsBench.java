package org.otlpanalytics.jobs.bench.metrics;

import org.otlpanalytics.jobs.bench.HeapPeaks;
import java.time.Instant;
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
 * of each (best of {@code --rounds}, default 3, interleaved), their ratios to decode-only and
 * RocksDB's to the heap's in the same run (the figures least affected by the machine), the output
 * row counts and the peak heap of the process.
 */
public final class MetricsBench {
    static final String POINTS = "points";
    static final String HOSTS = "hosts";
    static final String CPUS = "cpus";
    static final String ROUNDS = "rounds";
    static final int DECODE = 0;
    static final int METRICS = 1;
    static final int METRICS_PG = 2;
    static final java.nio.file.Path CHECKPOINTS = java.nio.file.Path.of(System.getProperty("java.io.tmpdir"),
            "otlp-analytics-bench-metrics-checkpoints");

    private MetricsBench() {}

    public static void main(String[] args) throws Exception {
        JobOptions given = JobOptions.parse(args, POINTS, HOSTS, CPUS, ROUNDS);
        long target = given.get(POINTS) == null ? 2_000_000L : Long.parseLong(given.get(POINTS));
        int hosts = given.get(HOSTS) == null ? 1000 : Integer.parseInt(given.get(HOSTS));
        int cpus = given.get(CPUS) == null ? 4 : Integer.parseInt(given.get(CPUS));
        int rounds = given.get(ROUNDS) == null ? 3 : Integer.parseInt(given.get(ROUNDS));
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
            JobOptions heap = o.with(JobOptions.STATE_BACKEND, "hashmap");
            JobOptions rocksdb = o.with(JobOptions.STATE_BACKEND, "rocksdb");
            // warm-up (JIT, page cache), then the best of --rounds interleaved runs of each variant
            run(heap, DECODE, pgc);
            run(heap, METRICS, pgc);
            run(rocksdb, METRICS, pgc);
            HeapPeaks.reset();
            double decode = 0;
            double metrics = 0;
            double metricsRocksDb = 0;
            double metricsPg = 0;
            for (int round = 0; round < rounds; round++) {
                decode = Math.max(decode, points / run(heap, DECODE, pgc));
                metrics = Math.max(metrics, points / run(heap, METRICS, pgc));
                metricsRocksDb = Math.max(metricsRocksDb, points / run(rocksdb, METRICS, pgc));
                metricsPg = Math.max(metricsPg, points / run(heap, METRICS_PG, pgc));
            }
            System.out.printf("decode_points_per_s=%.0f%n", decode);
            System.out.printf("metrics_points_per_s=%.0f%n", metrics);
            System.out.printf("metrics_rocksdb_points_per_s=%.0f%n", metricsRocksDb);
            System.out.printf("metrics_pg_points_per_s=%.0f%n", metricsPg);
            System.out.printf("metrics_vs_decode_ratio=%.2f%n", metrics / decode);
            System.out.printf("metrics_rocksdb_vs_decode_ratio=%.2f%n", metricsRocksDb / decode);
            System.out.printf("metrics_rocksdb_vs_heap_ratio=%.2f%n", metricsRocksDb / metrics);
            System.out.printf("metrics_pg_vs_decode_ratio=%.2f%n", metricsPg / decode);
            System.out.printf("peak_heap_mb=%.0f%n", HeapPeaks.peakBytes() / 1048576.0);
            try (var c = pg.connect(); var s = c.createStatement()) {
                for (String table : new String[] {"metric_1m", "use_1m"}) {
                    try (var rs = s.executeQuery("SELECT count(*) FROM " + table)) {
                        rs.next();
                        System.out.println(table + "_rows=" + rs.getLong(1));
                    }
                }
            }
        }
        System.exit(0);
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

    /** Runs one variant to the end of the topic; returns seconds of job runtime. */
    static double run(JobOptions o, int variant, PostgresSinkConfig pgc) throws Exception {
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
            out.metrics().sinkTo(new DiscardingSink<>()).name("discard-metrics");
            out.use().sinkTo(new DiscardingSink<>()).name("discard-use");
        } else {
            MetricsOutputs out = MetricsJob.buildPipeline(points, MetricsJob.Settings.of(o));
            out.metrics().sinkTo(new PostgresUpsertSink<>(pgc, new MetricRowMapper(topic))).name("metric-1m-sink");
            out.use().sinkTo(new PostgresUpsertSink<>(pgc, new UseRowMapper())).name("use-1m-sink");
        }
        JobExecutionResult r = env.execute("bench-metrics variant " + variant);
        return r.getNetRuntime() / 1000.0;
    }
}
