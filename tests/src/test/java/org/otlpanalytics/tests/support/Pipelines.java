package org.otlpanalytics.tests.support;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.otlpanalytics.jobs.AnalyticsJob;
import org.otlpanalytics.jobs.ClickHouseSinks;
import org.otlpanalytics.jobs.config.SinkSelection;
import org.otlpanalytics.jobs.sink.clickhouse.ClickHouseSchema;
import org.otlpanalytics.jobs.config.Environments;
import org.otlpanalytics.jobs.config.JobOptions;
import org.otlpanalytics.jobs.demo.TelemetryGenerator;
import org.otlpanalytics.jobs.embedded.EmbeddedKafka;
import org.otlpanalytics.jobs.embedded.PostgresServer;
import org.otlpanalytics.jobs.sink.postgres.SchemaMigrator;
import org.otlpanalytics.schemas.logs.LogRecordFlat;
import org.otlpanalytics.schemas.metrics.MetricPoint;
import org.otlpanalytics.schemas.traces.SpanRecord;

/** Runs the real jobs, bounded, on a local MiniCluster against the test's Kafka and PostgreSQL. */
public final class Pipelines {
    private Pipelines() {}

    public static JobOptions options(EmbeddedKafka kafka, PostgresServer pg, String... extra) {
        JobOptions o = JobOptions.defaults()
                .with(JobOptions.BOOTSTRAP, kafka.bootstrapServers())
                .with(JobOptions.JDBC_URL, pg.jdbcUrl())
                .with(JobOptions.BOUNDED, "true")
                .with(JobOptions.STARTING_OFFSETS, "earliest")
                .with(JobOptions.CHECKPOINT_INTERVAL, "500ms")
                .with(JobOptions.PARALLELISM, "2")
                .with(JobOptions.BATCH_SIZE, "500")
                .with(JobOptions.RESTART_STRATEGY, Environments.LOCAL_RESTART_STRATEGY);
        for (int i = 0; i + 1 < extra.length; i += 2) {
            o = o.with(extra[i], extra[i + 1]);
        }
        return o;
    }

    /**
     * Runs the job as the cluster entry point builds it (the pipelines of {@code --jobs}, the
     * sinks of {@code --sinks}, their schemas applied first) to the end of the topics; {@code taps}
     * may inject a failure.
     */
    public static void run(JobOptions o, AnalyticsJob.Taps taps) throws Exception {
        if (o.sinks().has(SinkSelection.Store.POSTGRES)) {
            SchemaMigrator.migrate(AnalyticsJob.postgres(o));
        }
        if (o.sinks().has(SinkSelection.Store.CLICKHOUSE)) {
            ClickHouseSchema.apply(ClickHouseSinks.config(o));
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(Environments.configuration(o));
        AnalyticsJob.build(env, o, taps);
        env.execute("test " + o.get(JobOptions.JOBS));
    }

    /** Runs the RED pipeline to the end of the topic; {@code tap} may inject a failure. */
    public static void runRed(JobOptions o, MapFunction<SpanRecord, SpanRecord> tap) throws Exception {
        run(o.with(JobOptions.JOBS, "red"), AnalyticsJob.Taps.spans(tap));
    }

    /** Runs the service-call pipeline (all its sinks) to the end of the topic; {@code tap} may inject a failure. */
    public static void runEdges(JobOptions o, MapFunction<SpanRecord, SpanRecord> tap) throws Exception {
        run(o.with(JobOptions.JOBS, "edges"), AnalyticsJob.Taps.spans(tap));
    }

    /** Runs the logs pipeline to the end of the topic; {@code tap} may inject a failure. */
    public static void runLogs(JobOptions o, MapFunction<LogRecordFlat, LogRecordFlat> tap) throws Exception {
        run(o.with(JobOptions.JOBS, "logs"), AnalyticsJob.Taps.logs(tap));
    }

    /** Runs the metrics pipeline to the end of the topic; {@code tap} may inject a failure. */
    public static void runMetrics(JobOptions o, MapFunction<MetricPoint, MetricPoint> tap) throws Exception {
        run(o.with(JobOptions.JOBS, "metrics"), AnalyticsJob.Taps.metrics(tap));
    }

    /** Sends generated trace messages round-robin over the topic's partitions; returns what was sent. */
    public static List<byte[]> sendTraces(EmbeddedKafka kafka, String topic, int partitions, List<TelemetryGenerator.Message> msgs)
            throws Exception {
        List<ProducerRecord<byte[], byte[]>> recs = new ArrayList<>();
        List<byte[]> sent = new ArrayList<>();
        int i = 0;
        for (TelemetryGenerator.Message m : msgs) {
            if (m.signal.equals("traces")) {
                recs.add(new ProducerRecord<>(topic, i++ % partitions, m.timeMillis, null, m.value));
                sent.add(m.value);
            }
        }
        kafka.send(recs);
        return sent;
    }

    /** All rows of a query as tab-joined strings, in the query's order. */
    public static List<String> rows(PostgresServer pg, String sql) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = pg.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder sb = new StringBuilder();
                for (int i = 1; i <= n; i++) {
                    if (i > 1) {
                        sb.append('\t');
                    }
                    Object v = rs.getObject(i);
                    sb.append(v instanceof byte[] ? java.util.HexFormat.of().formatHex((byte[]) v) : String.valueOf(v));
                }
                out.add(sb.toString());
            }
        }
        return out;
    }
}
