package org.otlpanalytics.jobs;

import java.util.LinkedHashSet;
import java.util.Set;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.otlpanalytics.jobs.config.Environments;
import org.otlpanalytics.jobs.config.JobOptions;
import org.otlpanalytics.jobs.edges.EdgesJob;
import org.otlpanalytics.jobs.ingest.OtlpKafkaSources;
import org.otlpanalytics.jobs.red.RedJob;
import org.otlpanalytics.jobs.sink.postgres.PostgresSinkConfig;
import org.otlpanalytics.jobs.sink.postgres.PostgresUpsertSink;
import org.otlpanalytics.jobs.sink.postgres.RedRowMapper;
import org.otlpanalytics.jobs.sink.postgres.SchemaMigrator;
import org.otlpanalytics.schemas.kafka.DeadLetter;
import org.otlpanalytics.schemas.traces.SpanDecoder;
import org.otlpanalytics.schemas.traces.SpanRecord;

/**
 * The cluster entry point (the shaded jar's main class): migrates the schema, then builds the
 * pipelines named by {@code --jobs} (red, ...) into one Flink job reading Kafka and writing
 * PostgreSQL, and runs it.
 */
public final class AnalyticsJob {
    public static final String JOB_NAME = "otlp-analytics";
    /** Every pipeline this build knows, for {@code --jobs}. */
    public static final String ALL_JOBS = "red,edges,metrics,logs";

    private AnalyticsJob() {}

    public static void main(String[] args) throws Exception {
        run(JobOptions.parse(args));
    }

    /** Migrates the schema, builds the chosen pipelines and runs them until they end. */
    public static void run(JobOptions o) throws Exception {
        SchemaMigrator.migrate(postgres(o));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(Environments.configuration(o));
        build(env, o);
        env.execute(JOB_NAME + " " + o.get(JobOptions.JOBS));
    }

    /** Starts the job without waiting (for the launcher's local runs). */
    public static JobClient start(StreamExecutionEnvironment env, JobOptions o) throws Exception {
        build(env, o);
        return env.executeAsync(JOB_NAME + " " + o.get(JobOptions.JOBS));
    }

    public static PostgresSinkConfig postgres(JobOptions o) {
        return PostgresSinkConfig.builder().jdbcUrl(o.require(JobOptions.JDBC_URL))
                .batchSize(o.getInt(JobOptions.BATCH_SIZE))
                .deadLetters(org.otlpanalytics.jobs.sink.rejected.RejectedRowTarget.kafka(o.require(JobOptions.BOOTSTRAP),
                        o.require(JobOptions.DEAD_LETTER_TOPIC)))
                .build();
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
        Environments.configure(env, o);
        PostgresSinkConfig pg = postgres(o);
        Sink<DeadLetter> deadLetters = OtlpKafkaSources.deadLetterSink(o);
        Set<String> jobs = jobs(o);
        if (jobs.contains("red")) {
            String topic = o.require(JobOptions.SPANS_TOPIC);
            RedJob.buildPipeline(env,
                    OtlpKafkaSources.source(o, topic, new SpanDecoder(o.encoding()), SpanRecord.class), o, deadLetters,
                    new PostgresUpsertSink<>(pg, new RedRowMapper(topic)), null);
        }
        if (jobs.contains(EdgesJob.JOB)) {
            JobOptions eo = EdgesJob.sourceOptions(o);
            EdgesJob.buildPipeline(env, OtlpKafkaSources.source(eo, eo.require(JobOptions.SPANS_TOPIC),
                    new SpanDecoder(o.encoding()), SpanRecord.class), o, deadLetters, EdgesJob.postgresSinks(pg, o), null);
        }
        if (jobs.contains("metrics")) {
            String topic = o.require(JobOptions.METRICS_TOPIC);
            org.otlpanalytics.jobs.metrics.MetricsJob.buildPipeline(env, OtlpKafkaSources.source(o, topic,
                    new org.otlpanalytics.schemas.metrics.MetricDecoder(o.encoding()),
                    org.otlpanalytics.schemas.metrics.MetricPoint.class), o, deadLetters,
                    new PostgresUpsertSink<>(pg, new org.otlpanalytics.jobs.sink.postgres.MetricRowMapper(topic)),
                    new PostgresUpsertSink<>(pg, new org.otlpanalytics.jobs.sink.postgres.UseRowMapper()), null);
        }
        if (jobs.contains(org.otlpanalytics.jobs.logs.LogsJob.JOB)) {
            String topic = o.require(JobOptions.LOGS_TOPIC);
            org.otlpanalytics.jobs.logs.LogsJob.buildPipeline(env, OtlpKafkaSources.source(o, topic,
                    new org.otlpanalytics.schemas.logs.LogDecoder(o.encoding()), org.otlpanalytics.schemas.logs.LogRecordFlat.class),
                    o, deadLetters, new PostgresUpsertSink<>(pg, new org.otlpanalytics.jobs.sink.postgres.LogPatternRowMapper()),
                    new PostgresUpsertSink<>(pg, new org.otlpanalytics.jobs.sink.postgres.LogPatternWindowRowMapper(topic)), null);
        }
    }
}
