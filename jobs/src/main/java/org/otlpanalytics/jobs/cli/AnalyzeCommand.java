package org.otlpanalytics.jobs.cli;

import java.nio.file.Path;
import java.sql.Connection;
import java.util.Map;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.otlpanalytics.jobs.AnalyticsJob;
import org.otlpanalytics.jobs.config.Environments;
import org.otlpanalytics.jobs.config.JobOptions;
import org.otlpanalytics.jobs.embedded.EmbeddedKafka;
import org.otlpanalytics.jobs.embedded.PostgresServer;
import org.otlpanalytics.jobs.sink.postgres.SchemaMigrator;

/**
 * {@code analyze --dir DIR --out OUT [--jdbc-url URL]}: a capture folder processed end to end on
 * embedded services (Kafka, PostgreSQL unless {@code --jdbc-url} names the user's own, MiniCluster),
 * bounded, and every output table written to {@code OUT/<table>.csv}, with {@code red_range.csv}
 * and {@code service_range.csv} over the whole capture from the dashboards' range SQL.
 */
public final class AnalyzeCommand {
    public static final String OUT = "out";

    private AnalyzeCommand() {}

    public static void main(String[] args) throws Exception {
        JobOptions given = JobOptions.parse(args, LoadCommand.DIR, OUT);
        Path dir = Path.of(given.require(LoadCommand.DIR));
        Path out = Path.of(given.require(OUT));
        // --jdbc-url: the user's own database (to open the capture in their Grafana), else an embedded one
        String userJdbc = given.get(JobOptions.JDBC_URL);
        System.err.println(userJdbc == null ? "starting embedded Kafka and PostgreSQL..." : "starting embedded Kafka...");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(); PostgresServer pg = userJdbc == null ? PostgresServer.start() : null) {
            JobOptions o = Environments.withLocalDefaults(given.with(JobOptions.BOOTSTRAP, kafka.bootstrapServers())
                    .with(JobOptions.JDBC_URL, userJdbc != null ? userJdbc : pg.jdbcUrl())
                    .with(JobOptions.BOUNDED, "true")
                    .with(JobOptions.STARTING_OFFSETS, "earliest")
                    .with(JobOptions.CHECKPOINT_INTERVAL, "2s"));
            kafka.createTopics(2, o.get(JobOptions.SPANS_TOPIC), o.get(JobOptions.LOGS_TOPIC),
                    o.get(JobOptions.METRICS_TOPIC), o.get(JobOptions.DEAD_LETTER_TOPIC));
            Map<String, Integer> loaded = LoadCommand.load(dir, kafka.bootstrapServers(), o);
            loaded.forEach((t, n) -> System.err.println("loaded " + n + " messages into " + t));
            SchemaMigrator.migrate(AnalyticsJob.postgres(o));
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(Environments.configuration(o));
            AnalyticsJob.build(env, o);
            System.err.println("running jobs " + o.get(JobOptions.JOBS) + " over the capture...");
            env.execute("otlp-analytics analyze");
            try (Connection c = AnalyticsJob.postgres(o).connect()) {
                Map<String, Integer> rows = CsvExport.exportAll(c, out);
                rows.forEach((t, n) -> System.out.println(out.resolve(t + ".csv") + "\t" + n + " rows"));
            }
        }
    }
}
