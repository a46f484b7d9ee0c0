package org.otlpanalytics.jobs;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.otlpanalytics.jobs.config.Environments;
import org.otlpanalytics.jobs.config.JobOptions;
import org.otlpanalytics.jobs.config.SinkSelection;
import org.otlpanalytics.jobs.edges.EdgesJob;
import org.otlpanalytics.jobs.incidents.IncidentsJob;
import org.otlpanalytics.jobs.incidents.IncidentsOutputs;
import org.otlpanalytics.jobs.edges.EdgesOutputs;
import org.otlpanalytics.jobs.ingest.DeadLetterStream;
import org.otlpanalytics.jobs.ingest.DeadLetterTallies;
import org.otlpanalytics.jobs.ingest.IngestOptions;
import org.otlpanalytics.jobs.ingest.IngestStage;
import org.otlpanalytics.jobs.ingest.OffsetReplay;
import org.otlpanalytics.jobs.ingest.OtlpKafkaSources;
import org.otlpanalytics.jobs.logs.LogsJob;
import org.otlpanalytics.jobs.logs.LogsOutputs;
import org.otlpanalytics.jobs.metrics.MetricsJob;
import org.otlpanalytics.jobs.metrics.MetricsOutputs;
import org.otlpanalytics.jobs.red.RedJob;
import org.otlpanalytics.jobs.red.RedOutputs;
import org.otlpanalytics.jobs.sink.UserCodeJdbcDrivers;
import org.otlpanalytics.jobs.sink.postgres.PostgresSinkConfig;
import org.otlpanalytics.jobs.sink.clickhouse.ClickHouseSchema;
import org.otlpanalytics.jobs.sink.postgres.SchemaMigrator;
import org.otlpanalytics.operators.ingest.DeadLetterCount;
import org.otlpanalytics.operators.logs.LogRecordFlatSerializer;
import org.otlpanalytics.operators.metrics.MetricPointTypeInfo;
import org.otlpanalytics.schemas.kafka.DeadLetter;
import org.otlpanalytics.schemas.logs.LogDecoder;
import org.otlpanalytics.schemas.logs.LogRecordFlat;
import org.otlpanalytics.schemas.metrics.MetricDecoder;
import org.otlpanalytics.schemas.metrics.MetricPoint;
import org.otlpanalytics.schemas.traces.SpanDecoder;
import org.otlpanalytics.schemas.traces.SpanRecord;

/**
 * The cluster entry point (the shaded jar's main class): migrates the schema, then builds the
 * pipelines named by {@code --jobs} into one Flink job and runs it. Options are parsed here, once,
 * into typed settings; one ingest stage per topic feeds the pipelines that read it (one span
 * stage for both {@code red} and {@code edges}); each pipeline returns its typed rows and dead
 * letters, and this class attaches the dead-letter topic and the stores chosen by {@code --sinks}.
 */
public final class AnalyticsJob {
    public static final String JOB_NAME = "otlp-analytics";
    /** Every pipeline this build knows, for {@code --jobs}. */
    public static final String ALL_JOBS = "red,edges,metrics,logs,incidents";

    private AnalyticsJob() {}

    /**
     * Functions applied to each signal's records right after decoding (null = none); tests use
     * them to inject a failure or to slow a run down.
     */
    public record Taps(MapFunction<SpanRecord, SpanRecord> spans, MapFunction<LogRecordFlat, LogRecordFlat> logs,
            MapFunction<MetricPoint, MetricPoint> metrics) {
        public static final Taps NONE = new Taps(null, null, null);

        public static Taps spans(MapFunction<SpanRecord, SpanRecord> tap) {
            return new Taps(tap, null, null);
        }

        public static Taps logs(MapFunction<LogRecordFlat, LogRecordFlat> tap) {
            return new Taps(null, tap, null);
        }

        public static Taps metrics(MapFunction<MetricPoint, MetricPoint> tap) {
            return new Taps(null, null, tap);
        }
    }

    public static void main(String[] args) throws Exception {
        run(JobOptions.parse(args));
    }

    /** Migrates the schema, builds the chosen pipelines and runs them until they end. */
    public static void run(JobOptions o) throws Exception {
        try {
            if (o.sinks().has(SinkSelection.Store.POSTGRES)) {
                SchemaMigrator.migrate(postgres(o));
            }
            if (o.sinks().has(SinkSelection.Store.CLICKHOUSE)) {
                ClickHouseSchema.apply(ClickHouseSinks.config(o));
            }
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(Environments.configuration(o));
            build(env, o);
            env.execute(JOB_NAME + " " + o.get(JobOptions.JOBS));
        } finally {
            // main() submitted over REST runs in the JobManager in a user-code class loader of its
            // own: the PostgreSQL driver Flyway and the sinks loaded there must not pin it
            UserCodeJdbcDrivers.deregister();
        }
    }

    /** Starts the job without waiting (for the launcher's local runs). */
    public static JobClient start(StreamExecutionEnvironment env, JobOptions o) throws Exception {
        build(env, o);
        return env.executeAsync(JOB_NAME + " " + o.get(JobOptions.JOBS));
    }

    public static PostgresSinkConfig postgres(JobOptions o) {
        return PostgresSinks.config(o);
    }

    public static Set<String> jobs(JobOptions o) {
        Set<String> s = new LinkedHashSet<>();
        for (String j : o.require(JobOptions.JOBS).split(",")) {
            String t = j.trim();
            if (t.isEmpty()) {
                continue;
            }
            if (!Set.of(ALL_JOBS.split(",")).contains(t)) {
                throw new IllegalArgumentException("--" + JobOptions.JOBS + ": unknown job '" + t + "' (known: " + ALL_JOBS + ")");
            }
            s.add(t);
        }
        return s;
    }

    public static void build(StreamExecutionEnvironment env, JobOptions o) {
        build(env, o, Taps.NONE);
    }

    /** Builds the chosen pipelines and their sinks into {@code env}; {@code taps} see the decoded records. */
    @VisibleForTesting
    public static void build(StreamExecutionEnvironment env, JobOptions options, Taps taps) {
        // a backfill by --offsets reads the event times of its records here, once
        JobOptions o = OffsetReplay.resolve(options);
        Environments.configure(env, o);
        // every option parsed here, once, into typed settings
        Set<String> jobs = jobs(o);
        SinkSelection stores = o.sinks();
        IngestOptions ingest = IngestOptions.of(o);
        PostgresSinks postgres = stores.has(SinkSelection.Store.POSTGRES) ? PostgresSinks.of(o) : null;
        ClickHouseSinks clickhouse = stores.has(SinkSelection.Store.CLICKHOUSE) ? ClickHouseSinks.of(o) : null;
        // only the raw span table needs span attributes: the aggregate-only path does not decode them
        boolean rawSpans = clickhouse != null && clickhouse.writesSpans();
        // likewise only log_record needs log attributes and the whole records through the fingerprinter
        boolean rawLogs = clickhouse != null && clickhouse.writesLogRecords();
        Sink<DeadLetter> deadLetters = OtlpKafkaSources.deadLetterSink(ingest);
        // every dead-letter stream, also counted per minute for the pipeline-health dashboards
        List<DeadLetterStream> written = new java.util.ArrayList<>();

        Optional<RedOutputs> redOut = Optional.empty();
        Optional<EdgesOutputs> edgesOut = Optional.empty();
        Optional<MetricsOutputs> metricsOut = Optional.empty();
        Optional<LogsOutputs> logsOut = Optional.empty();
        boolean red = jobs.contains(RedJob.JOB);
        boolean edges = jobs.contains(EdgesJob.JOB);
        if (red || edges) {
            // one span source for both pipelines; its uids and consumer group stay those of the pipeline
            // that owned it alone (edges alone: its own group, so a separate red job's commits never mix in)
            IngestOptions spanIngest = red ? ingest : ingest.withGroupIdPrefix(ingest.groupIdPrefix() + "-" + EdgesJob.JOB);
            RedJob.Settings redSettings = red ? RedJob.Settings.of(o) : null;
            // the decoder keeps the span attributes RED counts as dimensions (--red-attributes), no others
            List<String> keptAttributes = red ? redSettings.red().dimensions().attributeKeys() : List.of();
            IngestStage.Output<SpanRecord> in = IngestStage.fromKafka(env, spanIngest, o.require(JobOptions.SPANS_TOPIC),
                    new SpanDecoder(spanIngest.encoding(), keptAttributes, rawSpans ? ClickHouseSinks.attributeLimits() : null),
                    SpanRecord.class, TypeInformation.of(SpanRecord.class),
                    "spans", red ? "spans" : "edge-spans");
            sinkDeadLetters(List.of(in.deadLetters()), deadLetters, written);
            DataStream<SpanRecord> spans = tap(in.records(), taps.spans(), "spans-tap");
            if (rawSpans) {
                clickhouse.spans(spans);
            }
            if (red) {
                RedOutputs out = RedJob.buildPipeline(spans, redSettings);
                redOut = Optional.of(out);
                sinkDeadLetters(out.deadLetters(), deadLetters, written);
                if (postgres != null) {
                    postgres.red(out);
                }
                if (clickhouse != null) {
                    clickhouse.red(out);
                }
            }
            if (edges) {
                EdgesOutputs out = EdgesJob.buildPipeline(spans, EdgesJob.Settings.of(o));
                edgesOut = Optional.of(out);
                sinkDeadLetters(out.deadLetters(), deadLetters, written);
                if (postgres != null) {
                    postgres.edges(out);
                }
                if (clickhouse != null) {
                    clickhouse.edges(out);
                }
            }
        }
        if (jobs.contains(MetricsJob.JOB)) {
            // the compact serializer instead of the POJO one for the shuffle by resource
            IngestStage.Output<MetricPoint> in = IngestStage.fromKafka(env, ingest, o.require(JobOptions.METRICS_TOPIC),
                    new MetricDecoder(ingest.encoding()), MetricPoint.class, MetricPointTypeInfo.INSTANCE, "metrics", "metrics");
            sinkDeadLetters(List.of(in.deadLetters()), deadLetters, written);
            MetricsOutputs out = MetricsJob.buildPipeline(tap(in.records(), taps.metrics(), "metrics-tap"),
                    MetricsJob.Settings.of(o));
            metricsOut = Optional.of(out);
            sinkDeadLetters(out.deadLetters(), deadLetters, written);
            if (postgres != null) {
                postgres.metrics(out);
            }
            if (clickhouse != null) {
                clickhouse.metrics(out);
            }
        }
        if (jobs.contains(LogsJob.JOB)) {
            IngestStage.Output<LogRecordFlat> in = IngestStage.fromKafka(env, ingest, o.require(JobOptions.LOGS_TOPIC),
                    new LogDecoder(ingest.encoding(), rawLogs ? ClickHouseSinks.attributeLimits() : null), LogRecordFlat.class,
                    LogRecordFlatSerializer.TYPE, "logs", "logs");
            sinkDeadLetters(List.of(in.deadLetters()), deadLetters, written);
            LogsOutputs out = LogsJob.buildPipeline(tap(in.records(), taps.logs(), "logs-tap"),
                    LogsJob.Settings.of(o).withFingerprintedLogs(rawLogs));
            logsOut = Optional.of(out);
            sinkDeadLetters(out.deadLetters(), deadLetters, written);
            if (postgres != null) {
                postgres.logs(out);
            }
            if (clickhouse != null) {
                clickhouse.logs(out);
            }
            if (rawLogs) {
                clickhouse.logRecords(out.fingerprintedLogs());
            }
        }
        if (!written.isEmpty() && (postgres != null || clickhouse != null)) {
            DataStream<DeadLetterCount> counts = DeadLetterTallies.count(written);
            if (postgres != null) {
                postgres.deadLetterCounts(counts);
            }
            if (clickhouse != null) {
                clickhouse.deadLetterCounts(counts);
            }
        }
        // incidents from the rows above; not in a replay (baselines need everything before the range)
        if (jobs.contains(IncidentsJob.JOB) && !o.replayRange().isSet()) {
            Optional<IncidentsOutputs> out = IncidentsJob.buildPipeline(redOut, edgesOut, logsOut, metricsOut,
                    IncidentsJob.Settings.of(o));
            if (postgres != null) {
                out.ifPresent(postgres::incidents);
            }
            if (clickhouse != null) {
                out.ifPresent(clickhouse::incidents);
            }
        }
    }

    private static <T> DataStream<T> tap(DataStream<T> records, MapFunction<T, T> tap, String uid) {
        return tap == null ? records : records.map(tap).returns(records.getType()).name(uid).uid(uid);
    }

    private static void sinkDeadLetters(List<DeadLetterStream> streams, Sink<DeadLetter> sink, List<DeadLetterStream> written) {
        streams.forEach(s -> s.sinkTo(sink));
        written.addAll(streams);
    }
}
