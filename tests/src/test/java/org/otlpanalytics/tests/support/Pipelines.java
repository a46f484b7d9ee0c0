package org.otlpanalytics.tests.support;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.otlpanalytics.jobs.config.Environments;
import org.otlpanalytics.jobs.config.JobOptions;
import org.otlpanalytics.jobs.demo.TelemetryGenerator;
import org.otlpanalytics.jobs.embedded.EmbeddedKafka;
import org.otlpanalytics.jobs.embedded.PostgresServer;
import org.otlpanalytics.jobs.ingest.OtlpKafkaSources;
import org.otlpanalytics.jobs.red.RedJob;
import org.otlpanalytics.jobs.sink.postgres.PostgresSinkConfig;
import org.otlpanalytics.jobs.sink.postgres.PostgresUpsertSink;
import org.otlpanalytics.jobs.sink.postgres.RedRowMapper;
import org.otlpanalytics.jobs.sink.postgres.SchemaMigrator;
import org.otlpanalytics.schemas.traces.SpanDecoder;
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
                .with(JobOptions.PARALLELISM, "2");
        for (int i = 0; i + 1 < extra.length; i += 2) {
            o = o.with(extra[i], extra[i + 1]);
        }
        return o;
    }

    /** Runs the RED pipeline to the end of the topic; {@code tap} may inject a failure. */
    public static void runRed(JobOptions o, MapFunction<SpanRecord, SpanRecord> tap) throws Exception {
        PostgresSinkConfig pg = PostgresSinkConfig.builder().jdbcUrl(o.require(JobOptions.JDBC_URL)).batchSize(500).build();
        SchemaMigrator.migrate(pg);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(Environments.configuration(o));
        Environments.configure(env, o);
        String topic = o.require(JobOptions.SPANS_TOPIC);
        RedJob.buildPipeline(env, OtlpKafkaSources.source(o, topic, new SpanDecoder(o.encoding()), SpanRecord.class), o,
                OtlpKafkaSources.deadLetterSink(o), new PostgresUpsertSink<>(pg, new RedRowMapper(topic)), tap);
        env.execute("test red");
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
