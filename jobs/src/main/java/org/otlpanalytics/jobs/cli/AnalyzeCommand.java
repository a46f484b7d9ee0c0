package org.otlpanalytics.jobs.cli;

import java.nio.file.Path;
import java.sql.Connection;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.otlpanalytics.jobs.AnalyticsJob;
import org.otlpanalytics.jobs.ClickHouseSinks;
import org.otlpanalytics.jobs.config.Environments;
import org.otlpanalytics.jobs.config.JobOptions;
import org.otlpanalytics.jobs.embedded.ClickHouseServer;
import org.otlpanalytics.jobs.embedded.EmbeddedKafka;
import org.otlpanalytics.jobs.embedded.PostgresServer;
import org.otlpanalytics.jobs.sink.clickhouse.ClickHouseHttp;
import org.otlpanalytics.jobs.sink.clickhouse.ClickHouseSchema;
import org.otlpanalytics.jobs.sink.postgres.SchemaMigrator;

/**
 * {@code analyze --dir DIR --out OUT [--jdbc-url URL]}: a capture folder processed end to end on
 * embedded services (Kafka, PostgreSQL unless {@code --jdbc-url} names the user's own, MiniCluster),
 * bounded, and every output table written to {@code OUT/<table>.csv}, with {@code red_range.csv}
 * and {@code service_range.csv} over the whole capture from the dashboards' range SQL. When a
 * ClickHouse server is available ({@code --clickhouse auto}, the default: a {@code clickhouse-server}
 * binary is installed, or {@value ClickHouseServer#URL_ENV} or {@code --clickhouse-url} names a server;
 * {@code true} requires one, {@code false} skips it) the same run also writes to ClickHouse, and its
 * tables, read duplicate-free, go to {@code OUT/clickhouse/<table>.csv}, with {@code red_range.csv} and
 * {@code service_range.csv} from the ClickHouse range SQL ({@link ClickHouseRangeCsv}). {@code --clickhouse-url}
 * writes into the user's own server (its database: {@code --clickhouse-database}).
 */
public final class AnalyzeCommand {
    public static final String OUT = "out";
    /** {@code auto} (default), {@code true} or {@code false}: also write and export the ClickHouse side. */
    public static final String CLICKHOUSE = "clickhouse";

    private AnalyzeCommand() {}

    public static void main(String[] args) throws Exception {
        JobOptions given = JobOptions.parse(args, LoadCommand.DIR, OUT, CLICKHOUSE);
        Path dir = Path.of(given.require(LoadCommand.DIR));
        Path out = Path.of(given.require(OUT));
        String mode = given.get(CLICKHOUSE) == null ? "auto" : given.get(CLICKHOUSE);
        if (!List.of("auto", "true", "false").contains(mode)) {
            throw new IllegalArgumentException("--" + CLICKHOUSE + " must be auto, true or false, got " + mode);
        }
        boolean userServer = Arrays.asList(args).stream().anyMatch(a -> a.startsWith("--" + JobOptions.CLICKHOUSE_URL));
        String unavailable = userServer ? null : ClickHouseServer.unavailableReason();
        if (mode.equals("true") && unavailable != null) {
            throw new IllegalStateException("--clickhouse true, but " + unavailable);
        }
        boolean clickhouse = !mode.equals("false") && unavailable == null;
        // --jdbc-url: the user's own database (to open the capture in their Grafana), else an embedded one
        String userJdbc = given.get(JobOptions.JDBC_URL);
        System.err.println("starting embedded Kafka" + (userJdbc == null ? " and PostgreSQL" : "")
                + (clickhouse && !userServer ? " and ClickHouse" : "") + "...");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(); PostgresServer pg = userJdbc == null ? PostgresServer.start() : null;
                ClickHouseServer ch = clickhouse && !userServer ? ClickHouseServer.start() : null) {
            JobOptions o = Environments.withLocalDefaults(given.with(JobOptions.BOOTSTRAP, kafka.bootstrapServers())
                    .with(JobOptions.JDBC_URL, userJdbc != null ? userJdbc : pg.jdbcUrl())
                    .with(JobOptions.BOUNDED, "true")
                    .with(JobOptions.STARTING_OFFSETS, "earliest")
                    .with(JobOptions.CHECKPOINT_INTERVAL, "2s"));
            if (clickhouse) {
                o = o.with(JobOptions.SINKS, "postgres,clickhouse");
                if (ch != null) {
                    o = withServer(o, ch);
                }
                if (!Arrays.asList(args).contains("--" + JobOptions.CLICKHOUSE_RETENTION)) {
                    o = o.with(JobOptions.CLICKHOUSE_RETENTION, "false"); // a capture may be older than any TTL
                }
            }
            kafka.createTopics(2, o.get(JobOptions.SPANS_TOPIC), o.get(JobOptions.LOGS_TOPIC),
                    o.get(JobOptions.METRICS_TOPIC), o.get(JobOptions.DEAD_LETTER_TOPIC));
            Map<String, Integer> loaded = LoadCommand.load(dir, kafka.bootstrapServers(), o);
            loaded.forEach((t, n) -> System.err.println("loaded " + n + " messages into " + t));
            SchemaMigrator.migrate(AnalyticsJob.postgres(o));
            if (clickhouse) {
                ClickHouseSchema.Result r = ClickHouseSchema.apply(ClickHouseSinks.config(o));
                System.err.println("ClickHouse " + r.version + " at " + ClickHouseSinks.config(o).url() + ", database "
                        + ClickHouseSinks.config(o).database());
            } else {
                System.err.println("no ClickHouse side: " + (mode.equals("false") ? "--clickhouse false" : unavailable));
            }
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(Environments.configuration(o));
            AnalyticsJob.build(env, o);
            System.err.println("running jobs " + o.get(JobOptions.JOBS) + " over the capture...");
            env.execute("otlp-analytics analyze");
            try (Connection c = AnalyticsJob.postgres(o).connect()) {
                Map<String, Integer> rows = CsvExport.exportAll(c, out);
                rows.forEach((t, n) -> System.out.println(out.resolve(t + ".csv") + "\t" + n + " rows"));
            }
            if (clickhouse) {
                Path chOut = out.resolve("clickhouse");
                ClickHouseHttp http = new ClickHouseHttp(ClickHouseSinks.config(o));
                Map<String, Integer> rows = new java.util.LinkedHashMap<>(ClickHouseCsvExport.exportAll(http, chOut));
                rows.putAll(ClickHouseRangeCsv.exportAll(http, chOut));
                rows.forEach((t, n) -> System.out.println(chOut.resolve(t + ".csv") + "\t" + n + " rows"));
            }
        }
    }

    /** {@code o} pointed at server {@code ch} (its URL, credentials and database). */
    static JobOptions withServer(JobOptions o, ClickHouseServer ch) {
        return o.with(JobOptions.CLICKHOUSE_URL, ch.url()).with(JobOptions.CLICKHOUSE_USER, ch.user() == null ? "" : ch.user())
                .with(JobOptions.CLICKHOUSE_PASSWORD, ch.password() == null ? "" : ch.password())
                .with(JobOptions.CLICKHOUSE_DATABASE, ch.database());
    }
}
