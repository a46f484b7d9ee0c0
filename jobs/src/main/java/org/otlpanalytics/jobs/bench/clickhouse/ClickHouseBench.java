package org.otlpanalytics.jobs.bench.clickhouse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.otlpanalytics.jobs.ClickHouseSinks;
import org.otlpanalytics.jobs.bench.HeapPeaks;
import org.otlpanalytics.jobs.config.Environments;
import org.otlpanalytics.jobs.config.JobOptions;
import org.otlpanalytics.jobs.demo.TelemetryGenerator;
import org.otlpanalytics.jobs.embedded.ClickHouseServer;
import org.otlpanalytics.jobs.embedded.EmbeddedKafka;
import org.otlpanalytics.jobs.ingest.IngestOptions;
import org.otlpanalytics.jobs.ingest.IngestStage;
import org.otlpanalytics.jobs.logs.LogsJob;
import org.otlpanalytics.jobs.logs.LogsOutputs;
import org.otlpanalytics.jobs.red.RedJob;
import org.otlpanalytics.jobs.sink.clickhouse.ClickHouseHttp;
import org.otlpanalytics.jobs.sink.clickhouse.ClickHouseSchema;
import org.otlpanalytics.jobs.sink.clickhouse.ClickHouseSinkConfig;
import org.otlpanalytics.operators.logs.LogRecordFlatSerializer;
import org.otlpanalytics.schemas.AttributeLimits;
import org.otlpanalytics.schemas.Encoding;
import org.otlpanalytics.schemas.logs.LogDecoder;
import org.otlpanalytics.schemas.logs.LogRecordFlat;
import org.otlpanalytics.schemas.traces.SpanDecoder;
import org.otlpanalytics.schemas.traces.SpanRecord;

/**
 * {@code bench-clickhouse}: shop traffic (spans, and the logs that go with them) in real (embedded)
 * Kafka topics, read by bounded jobs on a local MiniCluster writing to a real ClickHouse server (the
 * installed {@code clickhouse-server}, started on a free port, or {@value ClickHouseServer#URL_ENV}):
 * spans decode-only, and decode + RED + the ClickHouse {@code red_1m} sink; log records decode-only,
 * and decode (with attributes) + fingerprinting + {@code log_pattern}, {@code log_pattern_5m} and
 * {@code log_record} into ClickHouse. Every run writes into a fresh database, dropped after it. Prints
 * {@code name=value} lines: records/s of each (best of {@value #ROUNDS} interleaved rounds after a
 * warm-up), the ratios to decode-only (the figure the machine's noise leaves alone), the rows the server
 * holds after a run, and the peak heap.
 */
public final class ClickHouseBench {
    static final String SPANS = "spans";
    static final int ROUNDS = 3;
    static final String SPANS_TOPIC = "bench_spans";
    static final String LOGS_TOPIC = "bench_logs";

    private ClickHouseBench() {}

    public static void main(String[] args) throws Exception {
        JobOptions given = JobOptions.parse(args, SPANS);
        long target = given.get(SPANS) == null ? 1_000_000L : Long.parseLong(given.get(SPANS));
        String unavailable = ClickHouseServer.unavailableReason();
        if (unavailable != null) {
            throw new IllegalStateException("bench-clickhouse needs a ClickHouse server: " + unavailable);
        }
        Path checkpoints = Files.createTempDirectory("bench-clickhouse-checkpoints");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(); ClickHouseServer ch = ClickHouseServer.start()) {
            int partitions = given.getInt(JobOptions.PARALLELISM);
            kafka.createTopics(partitions, SPANS_TOPIC, LOGS_TOPIC, "bench_deadletter");
            long[] loaded = load(kafka, partitions, target);
            long spans = loaded[0];
            long logs = loaded[1];
            System.out.println("clickhouse_version=" + ch.http(null).version());
            System.out.println("bench_spans=" + spans);
            System.out.println("bench_log_records=" + logs);
            JobOptions o = given.with(JobOptions.BOOTSTRAP, kafka.bootstrapServers()).with(JobOptions.BOUNDED, "true")
                    .with(JobOptions.STARTING_OFFSETS, "earliest").with(JobOptions.SPANS_TOPIC, SPANS_TOPIC)
                    .with(JobOptions.LOGS_TOPIC, LOGS_TOPIC).with(JobOptions.DEAD_LETTER_TOPIC, "bench_deadletter")
                    .with(JobOptions.CHECKPOINT_INTERVAL, "10s").with(JobOptions.CLICKHOUSE_RETENTION, "false");
            Bench b = new Bench(o, ch, checkpoints);
            // warm-up (JIT, page cache, the server's caches), then the best of ROUNDS interleaved runs of each variant
            for (Variant v : Variant.values()) {
                b.run(v);
            }
            HeapPeaks.reset();
            double[] best = new double[Variant.values().length];
            for (int round = 0; round < ROUNDS; round++) {
                for (Variant v : Variant.values()) {
                    best[v.ordinal()] = Math.max(best[v.ordinal()], (v.spans ? spans : logs) / b.run(v));
                }
            }
            double decodeSpans = best[Variant.DECODE_SPANS.ordinal()];
            double red = best[Variant.RED_CLICKHOUSE.ordinal()];
            double decodeLogs = best[Variant.DECODE_LOGS.ordinal()];
            double logsCh = best[Variant.LOGS_CLICKHOUSE.ordinal()];
            double patternsCh = best[Variant.PATTERNS_CLICKHOUSE.ordinal()];
            System.out.printf(Locale.ROOT, "decode_spans_per_s=%.0f%n", decodeSpans);
            System.out.printf(Locale.ROOT, "red_clickhouse_spans_per_s=%.0f%n", red);
            System.out.printf(Locale.ROOT, "red_clickhouse_vs_decode_ratio=%.2f%n", red / decodeSpans);
            System.out.printf(Locale.ROOT, "decode_log_records_per_s=%.0f%n", decodeLogs);
            System.out.printf(Locale.ROOT, "patterns_clickhouse_records_per_s=%.0f%n", patternsCh);
            System.out.printf(Locale.ROOT, "patterns_clickhouse_vs_decode_ratio=%.2f%n", patternsCh / decodeLogs);
            System.out.printf(Locale.ROOT, "logs_clickhouse_records_per_s=%.0f%n", logsCh);
            System.out.printf(Locale.ROOT, "logs_clickhouse_vs_decode_ratio=%.2f%n", logsCh / decodeLogs);
            b.lastRows.forEach((k, n) -> System.out.println("rows_" + k + "=" + n));
            System.out.printf(Locale.ROOT, "peak_heap_mb=%.0f%n", HeapPeaks.peakBytes() / 1048576.0);
        } finally {
            deleteTree(checkpoints);
        }
    }

    /** What one bounded job does. */
    enum Variant {
        DECODE_SPANS(true), RED_CLICKHOUSE(true), DECODE_LOGS(false), PATTERNS_CLICKHOUSE(false), LOGS_CLICKHOUSE(false);

        final boolean spans;

        Variant(boolean spans) {
            this.spans = spans;
        }
    }

    /**
     * Generates shop traffic until {@code target} spans are in the spans topic, its logs in the logs
     * topic; returns the exact span and log record counts.
     */
    static long[] load(EmbeddedKafka kafka, int partitions, long target) throws Exception {
        long start = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
        long spans = 0;
        long logs = 0;
        int i = 0;
        SpanDecoder spanCounter = new SpanDecoder(Encoding.OTLP_PROTO);
        LogDecoder logCounter = new LogDecoder(Encoding.OTLP_PROTO);
        List<SpanRecord> spanScratch = new ArrayList<>();
        List<LogRecordFlat> logScratch = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> p = kafka.producer()) {
            TelemetryGenerator g = new TelemetryGenerator(1, "default").withMetrics(false).incident(start + 300_000, start + 360_000);
            long t = start;
            while (spans < target) {
                for (TelemetryGenerator.Message m : g.generate(t, 60_000, 400)) {
                    if (m.signal.equals("traces")) {
                        p.send(new ProducerRecord<>(SPANS_TOPIC, i++ % partitions, null, m.value));
                        spanScratch.clear();
                        spans += spanCounter.decode(m.value, 0, 0, spanScratch);
                    } else if (m.signal.equals("logs")) {
                        p.send(new ProducerRecord<>(LOGS_TOPIC, i++ % partitions, null, m.value));
                        logScratch.clear();
                        logs += logCounter.decode(m.value, 0, 0, logScratch);
                    }
                }
                t += 60_000;
            }
            p.flush();
        }
        return new long[] {spans, logs};
    }

    /** The runs, each into a fresh database. */
    static final class Bench {
        final JobOptions options;
        final ClickHouseServer server;
        final Path checkpoints;
        final java.util.Map<String, Long> lastRows = new java.util.LinkedHashMap<>();
        int runs;

        Bench(JobOptions options, ClickHouseServer server, Path checkpoints) {
            this.options = options;
            this.server = server;
            this.checkpoints = checkpoints;
        }

        /** Runs one variant to the end of its topic; returns seconds of job runtime. */
        double run(Variant v) throws Exception {
            JobOptions o = options.with(JobOptions.CLICKHOUSE_URL, server.url())
                    .with(JobOptions.CLICKHOUSE_DATABASE, server.database() + "_run" + (++runs))
                    .with(JobOptions.CLICKHOUSE_USER, server.user() == null ? "" : server.user())
                    .with(JobOptions.CLICKHOUSE_PASSWORD, server.password() == null ? "" : server.password());
            ClickHouseSinkConfig c = ClickHouseSinks.config(o);
            ClickHouseSinks sinks = ClickHouseSinks.of(o);
            if (v != Variant.DECODE_SPANS && v != Variant.DECODE_LOGS) {
                ClickHouseSchema.apply(c);
            }
            Configuration conf = Environments.configuration(o);
            conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
            conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
            Environments.configure(env, o);
            IngestOptions in = IngestOptions.of(o).withGroupIdPrefix("bench-ch-" + runs);
            if (v.spans) {
                DataStream<SpanRecord> spans = IngestStage.fromKafka(env, in, SPANS_TOPIC, new SpanDecoder(in.encoding()),
                        SpanRecord.class, TypeInformation.of(SpanRecord.class), "spans", "spans").records();
                if (v == Variant.DECODE_SPANS) {
                    spans.sinkTo(new DiscardingSink<>()).name("discard");
                } else {
                    sinks.red(RedJob.buildPipeline(spans, RedJob.Settings.of(o)));
                }
            } else {
                boolean records = v == Variant.LOGS_CLICKHOUSE;
                DataStream<LogRecordFlat> logs = IngestStage.fromKafka(env, in, LOGS_TOPIC,
                        new LogDecoder(in.encoding(), records ? AttributeLimits.DEFAULT : null), LogRecordFlat.class,
                        LogRecordFlatSerializer.TYPE, "logs", "logs").records();
                if (v == Variant.DECODE_LOGS) {
                    logs.sinkTo(new DiscardingSink<>()).name("discard");
                } else {
                    LogsOutputs out = LogsJob.buildPipeline(logs, LogsJob.Settings.of(o).withFingerprintedLogs(records));
                    sinks.logs(out);
                    if (records) {
                        sinks.logRecords(out.fingerprintedLogs());
                    }
                }
            }
            JobExecutionResult r = env.execute("bench-clickhouse " + v);
            if (v == Variant.RED_CLICKHOUSE || v == Variant.LOGS_CLICKHOUSE) {
                ClickHouseHttp http = new ClickHouseHttp(c);
                for (String t : v.spans ? List.of("red_1m") : List.of("log_pattern", "log_pattern_5m", "log_record")) {
                    lastRows.put(t, Long.parseLong(http.query("SELECT count() FROM " + t + " FINAL").trim()));
                }
            }
            new ClickHouseHttp(c).queryWithoutDatabase("DROP DATABASE IF EXISTS " + c.database());
            return r.getNetRuntime() / 1000.0;
        }
    }

    static void deleteTree(Path root) throws java.io.IOException {
        try (java.util.stream.Stream<Path> files = Files.walk(root)) {
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }
}
