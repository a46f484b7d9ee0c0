package org.otlpanalytics.jobs;

import org.otlpanalytics.jobs.config.JobOptions;
import org.otlpanalytics.jobs.edges.EdgesOutputs;
import org.otlpanalytics.jobs.logs.LogsOutputs;
import org.otlpanalytics.jobs.metrics.MetricsOutputs;
import org.otlpanalytics.jobs.red.RedOutputs;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.otlpanalytics.jobs.sink.postgres.AgeGraph;
import org.otlpanalytics.jobs.sink.postgres.DeadLetterCountRowMapper;
import org.otlpanalytics.operators.ingest.DeadLetterCount;
import org.otlpanalytics.jobs.sink.postgres.LiveGraphSink;
import org.otlpanalytics.jobs.sink.postgres.LogPatternRowMapper;
import org.otlpanalytics.jobs.sink.postgres.LogPatternWindowRowMapper;
import org.otlpanalytics.jobs.sink.postgres.MetricRowMapper;
import org.otlpanalytics.jobs.sink.postgres.PostgresSinkConfig;
import org.otlpanalytics.jobs.sink.postgres.PostgresUpsertSink;
import org.otlpanalytics.jobs.sink.postgres.RedRowMapper;
import org.otlpanalytics.jobs.sink.postgres.ServiceCallRowMapper;
import org.otlpanalytics.jobs.sink.postgres.SpanAttrRowMapper;
import org.otlpanalytics.jobs.sink.postgres.TopoEdgeRowMapper;
import org.otlpanalytics.jobs.sink.postgres.UseRowMapper;

/**
 * Attaches the PostgreSQL (and AGE) sinks to the pipelines' outputs, one upsert sink per table.
 * The sink names and uids never change (the sinks hold pending writes in checkpointed state).
 *
 * <pre>{@code
 * PostgresSinks pg = PostgresSinks.of(options);
 * pg.red(RedJob.buildPipeline(spans, RedJob.Settings.of(options)));
 * }</pre>
 */
public final class PostgresSinks {
    private final PostgresSinkConfig config;
    private final AgeGraph.Mode ageMode;
    private final String ageGraph;
    private final String spansTopic;
    private final String logsTopic;
    private final String metricsTopic;

    PostgresSinks(PostgresSinkConfig config, AgeGraph.Mode ageMode, String ageGraph, String spansTopic, String logsTopic,
            String metricsTopic) {
        this.config = config;
        this.ageMode = ageMode;
        this.ageGraph = ageGraph;
        this.spansTopic = spansTopic;
        this.logsTopic = logsTopic;
        this.metricsTopic = metricsTopic;
    }

    /** The sinks' settings from the job options (the topics name the Kafka ranges behind each row). */
    public static PostgresSinks of(JobOptions o) {
        return new PostgresSinks(config(o), AgeGraph.Mode.parse(o.require(JobOptions.EDGES_LIVE_AGE)),
                o.require(JobOptions.EDGES_LIVE_AGE_GRAPH), o.require(JobOptions.SPANS_TOPIC),
                o.require(JobOptions.LOGS_TOPIC), o.require(JobOptions.METRICS_TOPIC));
    }

    public static PostgresSinkConfig config(JobOptions o) {
        // rows PostgreSQL rejects as data go to the dead-letter topic
        return PostgresSinkConfig.builder().jdbcUrl(o.require(JobOptions.JDBC_URL))
                .batchSize(o.getInt(JobOptions.BATCH_SIZE))
                .deadLetters(org.otlpanalytics.jobs.sink.rejected.RejectedRowTarget.kafka(o.require(JobOptions.BOOTSTRAP),
                        o.require(JobOptions.DEAD_LETTER_TOPIC)))
                .build();
    }

    public PostgresSinkConfig config() {
        return config;
    }

    /** {@code red_1m} and {@code span_attr_1m}. */
    public void red(RedOutputs out) {
        out.rows().sinkTo(new PostgresUpsertSink<>(config, new RedRowMapper(spansTopic))).name("red-1m-sink").uid("red-1m-sink");
        out.attributes().sinkTo(new PostgresUpsertSink<>(config, new SpanAttrRowMapper(spansTopic)))
                .name("span-attr-1m-sink").uid("span-attr-1m-sink");
    }

    /** {@code service_call_5m}, {@code topo_edge_time} and, outside replays, the live graph ({@code live_edge}, AGE). */
    public void edges(EdgesOutputs out) {
        out.serviceCalls().sinkTo(new PostgresUpsertSink<>(config, new ServiceCallRowMapper(spansTopic)))
                .name("service-call-5m-sink").uid("service-call-5m-sink");
        out.topology().sinkTo(new PostgresUpsertSink<>(config, new TopoEdgeRowMapper()))
                .name("topo-edge-time-sink").uid("topo-edge-time-sink");
        // one writer: AGE's MERGE is not safe against a concurrent MERGE of the same vertex
        out.liveEdges().ifPresent(live -> live.sinkTo(new LiveGraphSink(config, ageMode, ageGraph))
                .name("live-graph-sink").uid("live-graph-sink").setParallelism(1));
    }

    /** {@code dead_letter_1m}: the dead letters the job wrote, counted per minute, topic, stage and kind. */
    public void deadLetterCounts(DataStream<DeadLetterCount> counts) {
        counts.sinkTo(new PostgresUpsertSink<>(config, new DeadLetterCountRowMapper()))
                .name("dead-letter-1m-sink").uid("dead-letter-1m-sink");
    }

    /** {@code event_envelope} and {@code evidence_link}. */
    public void incidents(org.otlpanalytics.jobs.incidents.IncidentsOutputs out) {
        out.incidents().sinkTo(new PostgresUpsertSink<>(config, new org.otlpanalytics.jobs.sink.postgres.IncidentRowMapper()))
                .name("event-envelope-sink").uid("event-envelope-sink");
        out.evidence().sinkTo(new PostgresUpsertSink<>(config, new org.otlpanalytics.jobs.sink.postgres.EvidenceRowMapper()))
                .name("evidence-link-sink").uid("evidence-link-sink");
    }

    /** {@code log_pattern} and {@code log_pattern_5m}. */
    public void logs(LogsOutputs out) {
        out.patterns().sinkTo(new PostgresUpsertSink<>(config, new LogPatternRowMapper()))
                .name("log-pattern-sink").uid("log-pattern-sink");
        out.windows().sinkTo(new PostgresUpsertSink<>(config, new LogPatternWindowRowMapper(logsTopic)))
                .name("log-pattern-5m-sink").uid("log-pattern-5m-sink");
    }

    /** {@code metric_1m} and {@code use_1m}. */
    public void metrics(MetricsOutputs out) {
        // a sink per aggregator, chained to it (MetricsOutputs#eachPart)
        MetricsOutputs.eachPart(out.metricParts(), "metric-1m-sink", (rows, uid) -> rows
                .sinkTo(new PostgresUpsertSink<>(config, new MetricRowMapper(metricsTopic))).name(uid).uid(uid));
        MetricsOutputs.eachPart(out.useParts(), "use-1m-sink", (rows, uid) -> rows
                .sinkTo(new PostgresUpsertSink<>(config, new UseRowMapper())).name(uid).uid(uid));
    }
}
