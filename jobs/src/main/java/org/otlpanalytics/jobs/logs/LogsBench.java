package org.otlpanalytics.jobs.logs;

import org.otlpanalytics.jobs.bench.HeapPeaks;
import org.otlpanalytics.jobs.bench.RoundRatios;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.resource.v1.Resource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
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
import org.otlpanalytics.jobs.ingest.IngestStage;
import org.otlpanalytics.jobs.ingest.IngestOptions;
import org.otlpanalytics.jobs.limits.LimitOptions;
import org.otlpanalytics.operators.logs.LogRecordFlatSerializer;
import org.otlpanalytics.schemas.logs.LogDecoder;
import org.otlpanalytics.schemas.logs.LogRecordFlat;

/**
 * {@code bench-logs [DIR]}: the raw lines of the Loghub samples in {@code DIR} (one service per data
 * set, default {@code ../shared/datasets/loghub-2k}), cycled to {@code --records} OTLP log records
 * (default 1,000,000) in 100-record export requests in a real (embedded) Kafka topic over one hour of
 * event time, read by bounded jobs on a local MiniCluster: decode only, and decode + fingerprinting +
 * 5-minute counts ({@link LogsJob} with discarding sinks), the latter on the heap state backend and on
 * RocksDB (production's, where every state access serializes), and on the heap with the per-tenant
 * limits at 0 (their operators pass records on at once: the baseline of the limits' cost). Prints {@code name=value} lines:
 * records/s of each (median of three interleaved rounds after a warm-up; in a round each variant runs
 * again until its runs last {@value #MIN_ROUND_SECONDS} s in all, and counts its mean run, so a short
 * decode-only run's start-up and jitter weigh less), their ratios to decode-only
 * (the figures that compare across machines and loads): each round's ratio is taken between the runs
 * of that round, which follow each other under the same load, and the median of the rounds is
 * printed with every round's value ({@code _rounds}) so their agreement shows; the same for the CPU
 * time of the whole process per record ({@code _cpu_}: decode-only's CPU over the pipeline's, which a
 * loaded machine disturbs far less than wall time; the process includes the broker and the cluster's
 * start and stop, in both variants); RocksDB's records/s to the heap's, and the peak heap of the
 * process (broker included).
 */
public final class LogsBench {
    static final String RECORDS = "records";
    static final String DIR = "dir";
    static final String DEFAULT_DIR = "../shared/datasets/loghub-2k";
    static final int ROUNDS = 3;
    /** A variant runs again within a round until its runs last this long in all. */
    static final double MIN_ROUND_SECONDS = 10.0;
    static final int RECORDS_PER_MESSAGE = 100;
    static final long EVENT_TIME_SPAN_MILLIS = 3_600_000L;
    static final String HEAP = "hashmap";
    /** The fingerprinting runs on the heap backend and on RocksDB (production's), with the same data. */
    static final String[] BACKENDS = {HEAP, "rocksdb"};

    private LogsBench() {}

    public static void main(String[] args) throws Exception {
        String[] rest = args;
        String positionalDir = null;
        if (args.length > 0 && !args[0].startsWith("--")) {
            positionalDir = args[0];
            rest = Arrays.copyOfRange(args, 1, args.length);
        }
        JobOptions given = JobOptions.parse(rest, RECORDS, DIR);
        long target = given.get(RECORDS) == null ? 1_000_000L : Long.parseLong(given.get(RECORDS));
        Path dir = Path.of(positionalDir != null ? positionalDir : given.get(DIR) != null ? given.get(DIR) : DEFAULT_DIR);
        List<Dataset> datasets = loadLines(dir);
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            int partitions = given.getInt(JobOptions.PARALLELISM);
            String topic = "bench_logs";
            kafka.createTopics(partitions, topic, "bench_deadletter");
            long records = load(kafka, topic, partitions, datasets, target);
            System.out.println("bench_log_records=" + records);
            System.out.println("bench_services=" + datasets.size());
            JobOptions o = given.with(JobOptions.BOOTSTRAP, kafka.bootstrapServers())
                    .with(JobOptions.BOUNDED, "true").with(JobOptions.STARTING_OFFSETS, "earliest")
                    .with(JobOptions.LOGS_TOPIC, topic).with(JobOptions.DEAD_LETTER_TOPIC, "bench_deadletter")
                    .with(JobOptions.CHECKPOINT_INTERVAL, "10s");
            // warm-up (JIT, page cache), then the best of ROUNDS interleaved runs of each variant and backend
            Path checkpoints = Files.createTempDirectory("bench-logs-checkpoints");
            run(o, 0, HEAP, checkpoints);
            for (String backend : BACKENDS) {
                run(o, 1, backend, checkpoints);
            }
            run(o, 2, HEAP, checkpoints);
            HeapPeaks.reset();
            double[] decodeRounds = new double[ROUNDS];
            double[] decodeCpuRounds = new double[ROUNDS];
            double[] limitsOffRounds = new double[ROUNDS];
            double[][] logs = new double[BACKENDS.length][ROUNDS];
            double[][] logsCpu = new double[BACKENDS.length][ROUNDS];
            double[][] ratios = new double[BACKENDS.length][ROUNDS];
            double[][] cpuRatios = new double[BACKENDS.length][ROUNDS];
            for (int round = 0; round < ROUNDS; round++) {
                Run d = runFor(o, 0, HEAP, checkpoints);
                decodeRounds[round] = records / d.seconds();
                decodeCpuRounds[round] = d.cpuSeconds();
                limitsOffRounds[round] = records / runFor(o, 2, HEAP, checkpoints).seconds();
                for (int b = 0; b < BACKENDS.length; b++) {
                    Run l = runFor(o, 1, BACKENDS[b], checkpoints);
                    logs[b][round] = records / l.seconds();
                    logsCpu[b][round] = l.cpuSeconds();
                    ratios[b][round] = d.seconds() / l.seconds();
                    cpuRatios[b][round] = d.cpuSeconds() / l.cpuSeconds();
                }
            }
            double[] logsMedian = new double[BACKENDS.length];
            System.out.printf(Locale.ROOT, "decode_records_per_s=%.0f%n", RoundRatios.median(decodeRounds));
            System.out.printf(Locale.ROOT, "decode_cpu_us_per_record=%.2f%n", RoundRatios.median(decodeCpuRounds) * 1e6 / records);
            for (int b = 0; b < BACKENDS.length; b++) {
                String n = BACKENDS[b].equals(HEAP) ? "" : "_" + BACKENDS[b];
                logsMedian[b] = RoundRatios.median(logs[b]);
                System.out.printf(Locale.ROOT, "logs%s_records_per_s=%.0f%n", n, logsMedian[b]);
                System.out.printf(Locale.ROOT, "logs%s_vs_decode_ratio=%.2f%n", n, RoundRatios.median(ratios[b]));
                System.out.printf(Locale.ROOT, "logs%s_vs_decode_ratio_rounds=%s%n", n, RoundRatios.format(ratios[b]));
                System.out.printf(Locale.ROOT, "logs%s_cpu_us_per_record=%.2f%n", n, RoundRatios.median(logsCpu[b]) * 1e6 / records);
                System.out.printf(Locale.ROOT, "logs%s_vs_decode_cpu_ratio=%.2f%n", n, RoundRatios.median(cpuRatios[b]));
                System.out.printf(Locale.ROOT, "logs%s_vs_decode_cpu_ratio_rounds=%s%n", n, RoundRatios.format(cpuRatios[b]));
            }
            double limitsOff = RoundRatios.median(limitsOffRounds);
            System.out.printf(Locale.ROOT, "logs_rocksdb_vs_heap_ratio=%.2f%n", logsMedian[1] / logsMedian[0]);
            System.out.printf(Locale.ROOT, "logs_limits_off_records_per_s=%.0f%n", limitsOff);
            System.out.printf(Locale.ROOT, "logs_limits_vs_limits_off_ratio=%.2f%n", logsMedian[0] / limitsOff);
            System.out.printf(Locale.ROOT, "peak_heap_mb=%.0f%n", HeapPeaks.peakBytes() / 1048576.0);
            System.out.flush();
            deleteTree(checkpoints);
        }
    }

    /** One data set's raw lines: the service name and its log lines. */
    record Dataset(String service, List<String> lines) {}

    static List<Dataset> loadLines(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("bench-logs: no data set folder " + dir.toAbsolutePath()
                    + " (pass DIR, one sub-folder per data set with <name>_2k.log)");
        }
        List<Dataset> out = new ArrayList<>();
        try (Stream<Path> subs = Files.list(dir)) {
            for (Path sub : subs.sorted().toList()) {
                Path log = sub.resolve(sub.getFileName() + "_2k.log");
                if (Files.isRegularFile(log)) {
                    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList();
                    out.add(new Dataset(sub.getFileName().toString().toLowerCase(Locale.ROOT), lines));
                }
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("bench-logs: no <name>/<name>_2k.log under " + dir.toAbsolutePath());
        }
        return out;
    }

    /**
     * Writes {@code target} records: message k holds the next 100 lines of data set k mod n, records
     * spaced evenly over an hour of event time, messages round-robin over the partitions (so each
     * partition is in time order). Returns the exact record count.
     */
    static long load(EmbeddedKafka kafka, String topic, int partitions, List<Dataset> datasets, long target) throws Exception {
        long start = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli() * 1_000_000L;
        long stepNanos = EVENT_TIME_SPAN_MILLIS * 1_000_000L / target;
        int[] cursor = new int[datasets.size()];
        long written = 0;
        int message = 0;
        try (KafkaProducer<byte[], byte[]> p = kafka.producer()) {
            while (written < target) {
                int d = message % datasets.size();
                Dataset ds = datasets.get(d);
                ScopeLogs.Builder scope = ScopeLogs.newBuilder();
                int n = (int) Math.min(RECORDS_PER_MESSAGE, target - written);
                for (int i = 0; i < n; i++) {
                    String line = ds.lines().get(cursor[d]++ % ds.lines().size());
                    String low = line.toLowerCase(Locale.ROOT);
                    boolean error = low.contains("error") || low.contains("fatal") || low.contains("fail");
                    long t = start + (written + i) * stepNanos;
                    scope.addLogRecords(LogRecord.newBuilder().setTimeUnixNano(t).setObservedTimeUnixNano(t)
                            .setSeverityNumberValue(error ? 17 : 9).setSeverityText(error ? "ERROR" : "INFO")
                            .setBody(AnyValue.newBuilder().setStringValue(line)));
                }
                Resource res = Resource.newBuilder().addAttributes(kv("service.name", ds.service()))
                        .addAttributes(kv("service.namespace", "loghub")).addAttributes(kv("tenant.id", "bench")).build();
                byte[] value = ExportLogsServiceRequest.newBuilder().addResourceLogs(ResourceLogs.newBuilder()
                        .setResource(res).addScopeLogs(scope)).build().toByteArray();
                p.send(new ProducerRecord<>(topic, message % partitions, null, value));
                written += n;
                message++;
            }
            p.flush();
        }
        return written;
    }

    private static KeyValue kv(String k, String v) {
        return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setStringValue(v)).build();
    }

    /** One run: job runtime and the CPU time the process spent meanwhile, in seconds. */
    record Run(double seconds, double cpuSeconds) {}

    /**
     * Runs a variant again until its runs last {@link #MIN_ROUND_SECONDS} in all; returns the mean run
     * (runtime and CPU per run).
     */
    static Run runFor(JobOptions o, int variant, String backend, Path checkpoints) throws Exception {
        double seconds = 0;
        double cpu = 0;
        int runs = 0;
        do {
            Run r = run(o, variant, backend, checkpoints);
            seconds += r.seconds();
            cpu += r.cpuSeconds();
            runs++;
        } while (seconds < MIN_ROUND_SECONDS);
        return new Run(seconds / runs, cpu / runs);
    }

    /**
     * Runs one variant to the end of the topic on a state backend; returns its runtime and CPU time. Checkpoints go to a
     * temporary folder: the whole topic is readable at once, so one partition can run far ahead of the
     * watermark and the fingerprinter may buffer more than the MiniCluster's default in-memory
     * checkpoint storage accepts (5 MB per subtask).
     */
    static Run run(JobOptions o, int variant, String backend, Path checkpoints) throws Exception {
        o = o.with(JobOptions.STATE_BACKEND, backend);
        Configuration conf = Environments.configuration(o);
        conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        Environments.configure(env, o);
        String topic = o.require(JobOptions.LOGS_TOPIC);
        IngestOptions in = IngestOptions.of(o).withGroupIdPrefix("bench-logs-" + variant + "-" + System.nanoTime());
        DataStream<LogRecordFlat> logs = IngestStage.fromKafka(env, in, topic, new LogDecoder(in.encoding()),
                LogRecordFlat.class, LogRecordFlatSerializer.TYPE, "logs", "logs").records();
        if (variant == 0) {
            logs.sinkTo(new DiscardingSink<>()).name("discard");
        } else {
            LogsJob.Settings settings = LogsJob.Settings.of(o);
            if (variant == 2) {
                // the per-tenant limits at 0: their operators pass everything on at once (the baseline of their cost)
                settings = new LogsJob.Settings(settings.options(), new LimitOptions(0, 0, 0, 0), settings.topic(), settings.replay());
            }
            LogsOutputs out = LogsJob.buildPipeline(logs, settings);
            out.patterns().sinkTo(new DiscardingSink<>()).name("discard-patterns");
            out.windows().sinkTo(new DiscardingSink<>()).name("discard-windows");
        }
        long cpu0 = processCpuNanos();
        JobExecutionResult r = env.execute("bench-logs variant " + variant);
        return new Run(r.getNetRuntime() / 1000.0, (processCpuNanos() - cpu0) / 1e9);
    }

    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /**
     * Deletes the checkpoint folder; what cannot be deleted stays (the cluster may still be removing
     * checkpoints it subsumed while the walk runs, which once failed the whole benchmark after its last round).
     */
    static void deleteTree(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                try {
                    Files.deleteIfExists(f);
                } catch (IOException e) {
                    // a non-empty folder whose files another thread is deleting: left for the OS
                }
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            System.err.println("bench-logs: checkpoints left in " + root + ": " + e);
        }
    }
}
