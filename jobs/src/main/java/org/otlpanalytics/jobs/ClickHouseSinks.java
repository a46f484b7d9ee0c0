package org.otlpanalytics.jobs;

import org.apache.flink.streaming.api.datastream.DataStream;
import org.otlpanalytics.jobs.config.JobOptions;
import org.otlpanalytics.jobs.config.ReplayRange;
import org.otlpanalytics.jobs.edges.EdgesOutputs;
import org.otlpanalytics.jobs.incidents.IncidentsOutputs;
import org.otlpanalytics.jobs.logs.LogsOutputs;
import org.otlpanalytics.jobs.metrics.MetricsOutputs;
import org.otlpanalytics.jobs.red.RedOutputs;
import org.otlpanalytics.jobs.sink.clickhouse.ClickHouseSink;
import org.otlpanalytics.jobs.sink.clickhouse.ClickHouseSinkConfig;
import org.otlpanalytics.jobs.sink.clickhouse.DeadLetterCountRowMapper;
import org.otlpanalytics.jobs.sink.clickhouse.EvidenceRowMapper;
import org.otlpanalytics.jobs.sink.clickhouse.IncidentRowMapper;
import org.otlpanalytics.jobs.sink.clickhouse.LogPatternRowMapper;
import org.otlpanalytics.jobs.sink.clickhouse.LogPatternWindowRowMapper;
import org.otlpanalytics.jobs.sink.clickhouse.LogRecordMapper;
import org.otlpanalytics.jobs.sink.clickhouse.MetricRowMapper;
import org.otlpanalytics.jobs.sink.clickhouse.RedRowMapper;
import org.otlpanalytics.jobs.sink.clickhouse.ServiceCallRowMapper;
import org.otlpanalytics.jobs.sink.clickhouse.SpanAttrRowMapper;
import org.otlpanalytics.jobs.sink.clickhouse.SpanRowMapper;
import org.otlpanalytics.jobs.sink.clickhouse.UseRowMapper;
import org.otlpanalytics.jobs.sink.rejected.RejectedRowTarget;
import org.otlpanalytics.operators.ingest.DeadLetterCount;
import org.otlpanalytics.operators.logs.FingerprintedLog;
import org.otlpanalytics.schemas.AttributeLimits;
import org.otlpanalytics.schemas.traces.SpanRecord;

/**
 * Attaches the ClickHouse sinks to the pipelines' outputs, one sink per table, the mirror of
 * {@link PostgresSinks}; both may run on the same streams. The sink names and uids never change
 * (they end in {@code -clickhouse-sink}, which {@code run}'s status line counts per pipeline). Settings are parsed once, here, from the
 * job options ({@code --clickhouse-*}).
 *
 * <pre>{@code
 * ClickHouseSinks ch = ClickHouseSinks.of(options);
 * ch.red(RedJob.buildPipeline(spans, RedJob.Settings.of(options)));
 * }</pre>
 */
public final class ClickHouseSinks {
    /** Environment variable read when {@code --clickhouse-password} is empty. */
    public static final String PASSWORD_ENV = "OTLP_ANALYTICS_CLICKHOUSE_PASSWORD";

    private final ClickHouseSinkConfig config;
    private final boolean logRecords;
    private final boolean spans;
    private final ReplayRange replay;
    private final String spansTopic;
    private final String logsTopic;
    private final String metricsTopic;

    ClickHouseSinks(ClickHouseSinkConfig config, boolean logRecords, boolean spans, ReplayRange replay, String spansTopic,
            String logsTopic, String metricsTopic) {
        this.config = config;
        this.logRecords = logRecords;
        this.spans = spans;
        this.replay = replay;
        this.spansTopic = spansTopic;
        this.logsTopic = logsTopic;
        this.metricsTopic = metricsTopic;
    }

    public static ClickHouseSinks of(JobOptions o) {
        return new ClickHouseSinks(config(o), o.getBool(JobOptions.CLICKHOUSE_LOG_RECORDS), o.getBool(JobOptions.CLICKHOUSE_SPANS),
                o.replayRange(), o.require(JobOptions.SPANS_TOPIC), o.require(JobOptions.LOGS_TOPIC),
                o.require(JobOptions.METRICS_TOPIC));
    }

    /** The sink settings from the job options; rows ClickHouse rejects as data go to the dead-letter topic. */
    public static ClickHouseSinkConfig config(JobOptions o) {
        String password = o.get(JobOptions.CLICKHOUSE_PASSWORD);
        if ((password == null || password.isEmpty()) && System.getenv(PASSWORD_ENV) != null) {
            password = System.getenv(PASSWORD_ENV);
        }
        return ClickHouseSinkConfig.builder().url(o.require(JobOptions.CLICKHOUSE_URL))
                .user(o.get(JobOptions.CLICKHOUSE_USER)).password(password)
                .database(o.require(JobOptions.CLICKHOUSE_DATABASE))
                .batchMaxRows(o.getInt(JobOptions.CLICKHOUSE_BATCH_MAX_ROWS))
                .batchMaxBytes(o.getLong(JobOptions.CLICKHOUSE_BATCH_MAX_BYTES))
                .maxRetries(o.getInt(JobOptions.CLICKHOUSE_MAX_RETRIES))
                .retryBackoff(o.getDuration(JobOptions.CLICKHOUSE_RETRY_BACKOFF))
                .retryMaxBackoff(o.getDuration(JobOptions.CLICKHOUSE_RETRY_MAX_BACKOFF))
                .retention(o.getBool(JobOptions.CLICKHOUSE_RETENTION))
                .deadLetters(RejectedRowTarget.kafka(o.require(JobOptions.BOOTSTRAP), o.require(JobOptions.DEAD_LETTER_TOPIC)))
                .build();
    }

    public ClickHouseSinkConfig config() {
        return config;
    }

    /** Whether the log decoder must keep attributes: {@code log_record} is written. */
    public boolean writesLogRecords() {
        return logRecords;
    }

    /** Whether the span decoder must keep attributes: {@code span} is written. */
    public boolean writesSpans() {
        return spans;
    }

    /** The attribute bounds of the raw-record tables (null when neither is written). */
    public static AttributeLimits attributeLimits() {
        return AttributeLimits.DEFAULT;
    }

    /** {@code red_1m} and {@code span_attr_1m}. */
    public void red(RedOutputs out) {
        out.rows().sinkTo(new ClickHouseSink<>(config, new RedRowMapper(spansTopic))).name("red-1m-clickhouse-sink")
                .uid("red-1m-clickhouse-sink");
        out.attributes().sinkTo(new ClickHouseSink<>(config, new SpanAttrRowMapper(spansTopic)))
                .name("span-attr-1m-clickhouse-sink").uid("span-attr-1m-clickhouse-sink");
    }

    /** {@code dead_letter_1m}: the dead letters the job wrote, counted per minute, topic, stage and kind. */
    public void deadLetterCounts(DataStream<DeadLetterCount> counts) {
        counts.sinkTo(new ClickHouseSink<>(config, new DeadLetterCountRowMapper())).name("dead-letter-1m-clickhouse-sink")
                .uid("dead-letter-1m-clickhouse-sink");
    }

    /** {@code service_call_5m} (topology and the live graph stay in PostgreSQL/AGE). */
    public void edges(EdgesOutputs out) {
        out.serviceCalls().sinkTo(new ClickHouseSink<>(config, new ServiceCallRowMapper(spansTopic)))
                .name("service-call-5m-clickhouse-sink").uid("service-call-5m-clickhouse-sink");
    }

    /** {@code log_pattern} and {@code log_pattern_5m}. */
    public void logs(LogsOutputs out) {
        out.patterns().sinkTo(new ClickHouseSink<>(config, new LogPatternRowMapper()))
                .name("log-pattern-clickhouse-sink").uid("log-pattern-clickhouse-sink");
        out.windows().sinkTo(new ClickHouseSink<>(config, new LogPatternWindowRowMapper(logsTopic)))
                .name("log-pattern-5m-clickhouse-sink").uid("log-pattern-5m-clickhouse-sink");
    }

    /**
     * {@code log_record}: every fingerprinted record (a replay writes only the records inside its
     * range, as it rewrites only the windows inside it).
     */
    public void logRecords(DataStream<FingerprintedLog> records) {
        DataStream<FingerprintedLog> in = records;
        if (replay.isSet()) {
            ReplayRange r = replay;
            in = records.filter(f -> r.containsWindow(f.record.timeMillis(), 1)).name("log-record-replay-range")
                    .uid("log-record-replay-range");
        }
        in.sinkTo(new ClickHouseSink<>(config, new LogRecordMapper())).name("log-record-clickhouse-sink").uid("log-record-clickhouse-sink");
    }

    /** {@code span}: every decoded span (within the replay range for a replay). */
    public void spans(DataStream<SpanRecord> spans) {
        DataStream<SpanRecord> in = spans;
        if (replay.isSet()) {
            ReplayRange r = replay;
            in = spans.filter(s -> r.containsWindow(s.startMillis(), 1)).name("span-replay-range").uid("span-replay-range");
        }
        in.sinkTo(new ClickHouseSink<>(config, new SpanRowMapper())).name("span-clickhouse-sink").uid("span-clickhouse-sink");
    }

    /** {@code event_envelope} and {@code evidence_link}. */
    public void incidents(IncidentsOutputs out) {
        out.incidents().sinkTo(new ClickHouseSink<>(config, new IncidentRowMapper())).name("event-envelope-clickhouse-sink")
                .uid("event-envelope-clickhouse-sink");
        out.evidence().sinkTo(new ClickHouseSink<>(config, new EvidenceRowMapper())).name("evidence-link-clickhouse-sink")
                .uid("evidence-link-clickhouse-sink");
    }

    /** {@code metric_1m} and {@code use_1m}. */
    public void metrics(MetricsOutputs out) {
        // a sink per aggregator, chained to it (MetricsOutputs#eachPart)
        MetricsOutputs.eachPart(out.metricParts(), "metric-1m-clickhouse-sink", (rows, uid) -> rows
                .sinkTo(new ClickHouseSink<>(config, new MetricRowMapper(metricsTopic))).name(uid).uid(uid));
        MetricsOutputs.eachPart(out.useParts(), "use-1m-clickhouse-sink", (rows, uid) -> rows
                .sinkTo(new ClickHouseSink<>(config, new UseRowMapper())).name(uid).uid(uid));
    }
}
