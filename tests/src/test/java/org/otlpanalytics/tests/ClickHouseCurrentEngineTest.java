package org.otlpanalytics.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.otlpanalytics.jobs.AnalyticsJob;
import org.otlpanalytics.jobs.cli.ClickHouseCsvExport;
import org.otlpanalytics.jobs.config.JobOptions;
import org.otlpanalytics.jobs.demo.TelemetryGenerator;
import org.otlpanalytics.jobs.sink.clickhouse.ClickHouseDdl;
import org.otlpanalytics.jobs.sink.clickhouse.ClickHouseHttp;
import org.otlpanalytics.jobs.sink.clickhouse.ClickHouseSchema;
import org.otlpanalytics.jobs.sink.clickhouse.ClickHouseSinkConfig;
import org.otlpanalytics.jobs.sink.clickhouse.ClickHouseSqlFiles;
import org.otlpanalytics.jobs.sink.clickhouse.ClickHouseVersion;
import org.otlpanalytics.tests.support.Chdb;
import org.otlpanalytics.tests.support.ChdbHttpServer;
import org.otlpanalytics.tests.support.ClickHouseTwins;
import org.otlpanalytics.tests.support.Pipelines;
import org.otlpanalytics.tests.support.Services;
import org.otlpanalytics.tests.support.Throttle;

/**
 * The ClickHouse side on a current ClickHouse (26.x, the engine of the npm package chdb, run by node;
 * {@link ChdbHttpServer} puts the HTTP interface the sink speaks in front of it). The committed DDL
 * files run unchanged, as {@code clickhouse-client --multiquery < file} would run them, and give the
 * same tables as the job's schema step; the whole job (all pipelines, every span) writes through the
 * real sinks, so the engine receives the sink's real RowBinary payloads; every table then equals its
 * PostgreSQL twin read with the documented rule; a copy of every row leaves the duplicate-free read
 * unchanged and doubles the naive one; and every query the project ships (sql/clickhouse/queries and
 * the analyze exports) runs and answers. Skipped, with the reason, without node and npm.
 */
class ClickHouseCurrentEngineTest {
    /** Skips the class, with the reason, before Kafka and PostgreSQL start. */
    @RegisterExtension
    @Order(1)
    static final BeforeAllCallback CHDB_AVAILABLE = context -> {
        String reason = Chdb.unavailableReason();
        Assumptions.assumeTrue(reason == null, "skipped: " + reason);
    };
    @RegisterExtension
    @Order(2)
    static final Services SERVICES = new Services();

    static final long START = Instant.parse("2026-03-07T09:00:00Z").toEpochMilli();
    static final String DB = "otlp_current";
    static Chdb chdb;
    static ChdbHttpServer server;

    @BeforeAll
    static void runTheJobIntoACurrentEngine() throws Exception {
        chdb = Chdb.start();
        server = ChdbHttpServer.start(chdb);
        SERVICES.kafka().createTopics(2, "otlp_spans", "otlp_logs", "otlp_metrics", "otlp_deadletter");
        List<TelemetryGenerator.Message> msgs = new ArrayList<>(new TelemetryGenerator(31, "default")
                .incident(START + 300_000, START + 540_000).generate(START, Duration.ofMinutes(10).toMillis(), 3));
        msgs.addAll(new TelemetryGenerator(32, "acme").errorRate(0.08).generate(START, Duration.ofMinutes(10).toMillis(), 1));
        msgs.sort((a, b) -> Long.compare(a.timeMillis, b.timeMillis));
        List<ProducerRecord<byte[], byte[]>> recs = new ArrayList<>();
        int i = 0;
        for (TelemetryGenerator.Message m : msgs) {
            recs.add(new ProducerRecord<>("otlp_" + (m.signal.equals("traces") ? "spans" : m.signal), i++ % 2, m.timeMillis, null,
                    m.value));
        }
        SERVICES.kafka().send(recs);
        JobOptions o = Pipelines.options(SERVICES.kafka(), SERVICES.postgres(), JobOptions.GROUP_ID, "current",
                JobOptions.JOBS, AnalyticsJob.ALL_JOBS, JobOptions.SINKS, "postgres,clickhouse",
                JobOptions.CLICKHOUSE_URL, server.url(), JobOptions.CLICKHOUSE_DATABASE, DB,
                // the data is from 2026-03: the committed TTL would let a current server drop it
                JobOptions.CLICKHOUSE_RETENTION, "false", JobOptions.CLICKHOUSE_SPANS, "true",
                JobOptions.CLICKHOUSE_BATCH_MAX_ROWS, "2000", JobOptions.INCIDENTS_WARMUP, "3m");
        Pipelines.run(o, new AnalyticsJob.Taps(new Throttle<>(), new Throttle<>(), new Throttle<>()));
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (chdb != null) {
            chdb.close();
        }
    }

    static ClickHouseHttp http(String db) {
        return new ClickHouseHttp(ClickHouseSinkConfig.builder().url(server.url()).database(db).build());
    }

    @Test
    void theCommittedDdlRunsUnchangedAndIsWhatTheJobCreates() throws Exception {
        assertThat(http(DB).version()).isEqualTo(ClickHouseVersion.CURRENT);
        // as clickhouse-client --multiquery < file: every file as committed, comments and all
        chdb.query("CREATE DATABASE IF NOT EXISTS ddl_files");
        chdb.query("USE ddl_files");
        for (Map.Entry<String, String> f : ClickHouseSqlFiles.schema().entrySet()) {
            chdb.query(f.getValue());
        }
        // the job's schema step (with retention) sends the committed statements unchanged to a current server
        List<String> committed = new ArrayList<>();
        for (String text : ClickHouseSqlFiles.schema().values()) {
            committed.addAll(ClickHouseDdl.statements(text));
        }
        assertThat(ClickHouseSchema.statements(ClickHouseVersion.CURRENT, true)).isEqualTo(committed);
        ClickHouseSchema.apply(ClickHouseSinkConfig.builder().url(server.url()).database("ddl_job").build());
        List<String> tables = List.of(chdb.query("SELECT name FROM system.tables WHERE database = 'ddl_files' ORDER BY name")
                .split("\n"));
        assertThat(tables).contains("red_1m", "service_call_5m", "log_pattern", "log_pattern_5m", "metric_1m", "use_1m",
                "log_record", "span", "event_envelope", "evidence_link", "log_pattern_current");
        for (String t : tables) {
            assertThat(chdb.query("SHOW CREATE TABLE ddl_job.`" + t + "`").replace("ddl_job.", ""))
                    .as(t).isEqualTo(chdb.query("SHOW CREATE TABLE ddl_files.`" + t + "`").replace("ddl_files.", ""));
        }
        String red = chdb.query("SHOW CREATE TABLE ddl_files.red_1m");
        assertThat(red).contains("LowCardinality(String)", "CODEC(ZSTD(1))", "TTL", "ReplacingMergeTree(version)");
        assertThat(chdb.query("SHOW CREATE TABLE ddl_files.log_record")).contains("DateTime64(9, \\'UTC\\')", "Map(LowCardinality(String), String)");
        // the forms derived for an 18.16 server are valid on a current one too (a server upgraded under its tables)
        ClickHouseHttp old = http("ddl_old");
        old.queryWithoutDatabase("CREATE DATABASE IF NOT EXISTS ddl_old");
        for (String s : ClickHouseSchema.statements(ClickHouseVersion.DEBIAN_18_16, true)) {
            old.query(s);
        }
    }

    @Test
    void everyTableEqualsItsPostgresTwinAndTheReadRuleHolds() throws Exception {
        ClickHouseHttp db = http(DB);
        for (ClickHouseTwins.Twin t : ClickHouseTwins.TABLES) {
            List<String> pg = ClickHouseTwins.postgres(SERVICES.postgres(), t);
            assertThat(pg).as(t.table()).hasSizeGreaterThan(t.table().equals("event_envelope") || t.table().equals("evidence_link") ? 0 : 5);
            assertThat(ClickHouseTwins.clickhouse(db, t)).as(t.table()).containsExactlyElementsOf(pg);
        }
        long spans = Long.parseLong(db.query("SELECT count() FROM span FINAL").trim());
        assertThat(spans).isPositive();
        // every log record under the fingerprint its 5-minute count went to (DateTime64(9) and Map on this engine)
        String byRecords = "SELECT toUnixTimestamp(toStartOfFiveMinute(time)) AS b, tenant, service_urn, fingerprint_id, "
                + "count() AS total, sum(is_error) AS errors FROM log_record FINAL GROUP BY b, tenant, service_urn, fingerprint_id "
                + "ORDER BY b, tenant, service_urn, fingerprint_id FORMAT TabSeparated";
        String byWindows = "SELECT toUnixTimestamp(bucket) AS b, tenant, service_urn, fingerprint_id, count_total, count_error "
                + "FROM log_pattern_5m FINAL ORDER BY b, tenant, service_urn, fingerprint_id FORMAT TabSeparated";
        assertThat(db.query(byRecords).split("\n")).hasSizeGreaterThan(5).containsExactly(db.query(byWindows).split("\n"));
        assertThat(db.query("SELECT count() FROM log_record FINAL WHERE length(resource_attributes) > 0 "
                + "AND toUnixTimestamp64Nano(time) % 1000000000 != 0").trim()).isNotEqualTo("0");
        // every row written once more, as a replay would: the rule's read is unchanged, a naive read doubles
        for (String t : List.of("red_1m", "span")) {
            long rows = Long.parseLong(db.query("SELECT count() FROM " + t + " FINAL").trim());
            db.query("SYSTEM STOP MERGES " + t);
            db.query("INSERT INTO " + t + " SELECT * FROM " + t);
            assertThat(Long.parseLong(db.query("SELECT count() FROM " + t).trim())).as(t).isEqualTo(2 * rows);
            assertThat(Long.parseLong(db.query("SELECT count() FROM " + t + " FINAL").trim())).as(t).isEqualTo(rows);
        }
        for (ClickHouseTwins.Twin t : ClickHouseTwins.TABLES) {
            assertThat(ClickHouseTwins.clickhouse(db, t)).as(t.table()).containsExactlyElementsOf(ClickHouseTwins.postgres(SERVICES.postgres(), t));
        }
    }

    @Test
    void everyShippedQueryRunsAndAnswers(@TempDir Path tmp) throws Exception {
        ClickHouseHttp db = http(DB);
        for (Map.Entry<String, String> q : ClickHouseSqlFiles.queries().entrySet()) {
            String sql = ClickHouseSqlFiles.withoutComments(q.getValue()).strip();
            sql = sql.endsWith(";") ? sql.substring(0, sql.length() - 1) : sql;
            assertThat(db.query(sql + " FORMAT TabSeparated").strip()).as(q.getKey()).isNotEmpty();
        }
        Map<String, Integer> rows = ClickHouseCsvExport.exportAll(db, tmp);
        assertThat(rows).containsKeys("red_1m", "service_call_5m", "log_pattern", "log_pattern_5m", "metric_1m", "use_1m",
                "log_record", "span", "event_envelope", "evidence_link");
        for (Map.Entry<String, Integer> r : rows.entrySet()) {
            assertThat(Files.readAllLines(tmp.resolve(r.getKey() + ".csv"))).as(r.getKey()).hasSize(r.getValue() + 1);
            assertThat(r.getValue()).as(r.getKey()).isPositive();
        }
    }
}
