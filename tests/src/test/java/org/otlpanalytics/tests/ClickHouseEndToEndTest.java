package org.otlpanalytics.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.otlpanalytics.jobs.AnalyticsJob;
import org.otlpanalytics.jobs.cli.ClickHouseCsvExport;
import org.otlpanalytics.jobs.config.JobOptions;
import org.otlpanalytics.jobs.demo.TelemetryGenerator;
import org.otlpanalytics.jobs.embedded.ClickHouseServer;
import org.otlpanalytics.jobs.embedded.PostgresServer;
import org.otlpanalytics.jobs.sink.clickhouse.ClickHouseHttp;
import org.otlpanalytics.jobs.sink.clickhouse.ClickHouseSqlFiles;
import org.otlpanalytics.schemas.logs.LogRecordFlat;
import org.otlpanalytics.schemas.metrics.MetricPoint;
import org.otlpanalytics.schemas.traces.SpanRecord;
import org.otlpanalytics.tests.support.ClickHouseService;
import org.otlpanalytics.tests.support.ClickHouseTwins;
import org.otlpanalytics.tests.support.FailOnce;
import org.otlpanalytics.tests.support.PauseOnce;
import org.otlpanalytics.tests.support.Pipelines;
import org.otlpanalytics.tests.support.Services;
import org.otlpanalytics.tests.support.Throttle;

/**
 * All four pipelines on a real Kafka broker and a MiniCluster, writing to PostgreSQL and to a real
 * ClickHouse (Debian's 18.16 server, or OTLP_ANALYTICS_TEST_CLICKHOUSE_URL) from the same streams.
 * A clean run is the reference: every ClickHouse aggregate read with the documented rule (FINAL,
 * and the collapsing view for log_pattern) equals its PostgreSQL twin row for row, every span is in
 * {@code span} exactly once (against the spans counted straight from the generated messages), and
 * every shipped query runs. Then, into other databases: a run with a failure injected mid-run, the
 * same after a range is replayed twice, and a run during which the ClickHouse server restarts, each
 * read duplicate-free, equal the clean run row for row; and a naive read (no FINAL) of the replayed
 * range counts its calls at least three times, which is why the rule is needed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClickHouseEndToEndTest {
    @RegisterExtension
    @Order(2)
    static final Services SERVICES = new Services();
    /** First: without a ClickHouse server the class is skipped before Kafka and PostgreSQL start. */
    @RegisterExtension
    @Order(1)
    static final ClickHouseService CLICKHOUSE = new ClickHouseService();

    static final long START = Instant.parse("2026-03-05T09:00:00Z").toEpochMilli();
    /** A whole 5-minute window inside the data: replayed twice. */
    static final String REPLAY_FROM = "2026-03-05T09:05:00Z";
    static final String REPLAY_TO = "2026-03-05T09:10:00Z";
    static final String[] TABLES = {"red_1m", "service_call_5m", "log_pattern_5m", "log_pattern", "metric_1m", "use_1m",
        "event_envelope", "evidence_link"};

    /** Fewer rows than the default 20 expected of a table. */
    static final Map<String, Integer> MIN_ROWS = Map.of("log_pattern", 5, "event_envelope", 0, "evidence_link", 0);

    static Set<String> spanIds;
    /** body | trace id | span id of every generated log record, sorted (a multiset). */
    static List<String> logRecords;

    @BeforeAll
    static void cleanRun() throws Exception {
        SERVICES.kafka().createTopics(2, "otlp_spans", "otlp_logs", "otlp_metrics", "otlp_deadletter");
        List<TelemetryGenerator.Message> msgs = new ArrayList<>();
        msgs.addAll(new TelemetryGenerator(21, "default").incident(START + 360_000, START + 600_000)
                .generate(START, Duration.ofMinutes(12).toMillis(), 4));
        msgs.addAll(new TelemetryGenerator(22, "acme").errorRate(0.08).generate(START, Duration.ofMinutes(12).toMillis(), 2));
        msgs.sort((a, b) -> Long.compare(a.timeMillis, b.timeMillis)); // as live exporters would send them
        List<ProducerRecord<byte[], byte[]>> recs = new ArrayList<>();
        int i = 0;
        spanIds = new HashSet<>();
        logRecords = new ArrayList<>();
        for (TelemetryGenerator.Message m : msgs) {
            recs.add(new ProducerRecord<>("otlp_" + (m.signal.equals("traces") ? "spans" : m.signal), i++ % 2, m.timeMillis, null,
                    m.value));
            if (m.signal.equals("traces")) {
                spanIds.addAll(spanIds(m.value));
            } else if (m.signal.equals("logs")) {
                logRecords.addAll(logRecords(m.value));
            }
        }
        java.util.Collections.sort(logRecords);
        SERVICES.kafka().send(recs);
        Pipelines.run(options("clean", "postgres,clickhouse"), taps(new Throttle<>(), new Throttle<>(), new Throttle<>()));
    }

    static JobOptions options(String database, String sinks, String... extra) {
        ClickHouseServer ch = CLICKHOUSE.server();
        JobOptions o = Pipelines.options(SERVICES.kafka(), SERVICES.postgres(), JobOptions.GROUP_ID, database,
                JobOptions.JOBS, AnalyticsJob.ALL_JOBS, JobOptions.SINKS, sinks, JobOptions.CLICKHOUSE_URL, ch.url(),
                JobOptions.CLICKHOUSE_USER, ch.user() == null ? "" : ch.user(),
                JobOptions.CLICKHOUSE_PASSWORD, ch.password() == null ? "" : ch.password(),
                JobOptions.CLICKHOUSE_DATABASE, ch.database() + "_" + database,
                // the test data is from 2026-03: a current server's TTL would drop it
                JobOptions.CLICKHOUSE_RETENTION, "false", JobOptions.CLICKHOUSE_SPANS, "true",
                JobOptions.CLICKHOUSE_BATCH_MAX_ROWS, "2000",
                // baselines learnt in 3 minutes, so payment's latency incident (minutes 6 to 10) opens in 12 minutes of data
                JobOptions.INCIDENTS_WARMUP, "3m");
        for (int i = 0; i + 1 < extra.length; i += 2) {
            o = o.with(extra[i], extra[i + 1]);
        }
        return o;
    }

    static AnalyticsJob.Taps taps(MapFunction<SpanRecord, SpanRecord> spans, MapFunction<LogRecordFlat, LogRecordFlat> logs,
            MapFunction<MetricPoint, MetricPoint> metrics) {
        return new AnalyticsJob.Taps(spans, logs, metrics);
    }

    static ClickHouseHttp db(String name) {
        return CLICKHOUSE.server().http(CLICKHOUSE.server().database() + "_" + name);
    }

    /** (trace id, span id) of every span of a generated message, read with protobuf alone. */
    static List<String> spanIds(byte[] message) throws Exception {
        List<String> out = new ArrayList<>();
        for (ResourceSpans rs : ExportTraceServiceRequest.parseFrom(message).getResourceSpansList()) {
            for (ScopeSpans ss : rs.getScopeSpansList()) {
                for (Span s : ss.getSpansList()) {
                    out.add(HexFormat.of().formatHex(s.getTraceId().toByteArray()) + "/"
                            + HexFormat.of().formatHex(s.getSpanId().toByteArray()));
                }
            }
        }
        return out;
    }

    /** body | trace id | span id (lower-case hex, '' when absent) of every log record of a message, read with protobuf alone. */
    static List<String> logRecords(byte[] message) throws Exception {
        List<String> out = new ArrayList<>();
        for (ResourceLogs rl : ExportLogsServiceRequest.parseFrom(message).getResourceLogsList()) {
            for (ScopeLogs sl : rl.getScopeLogsList()) {
                for (LogRecord r : sl.getLogRecordsList()) {
                    out.add(r.getBody().getStringValue() + " | " + HexFormat.of().formatHex(r.getTraceId().toByteArray()) + " | "
                            + HexFormat.of().formatHex(r.getSpanId().toByteArray()));
                }
            }
        }
        return out;
    }

    /** Every aggregate table of database {@code name}, read duplicate-free, as comparable rows. */
    static Map<String, List<String>> aggregates(String name) throws Exception {
        Map<String, List<String>> out = new java.util.LinkedHashMap<>();
        for (String t : TABLES) {
            out.put(t, ClickHouseTwins.clickhouse(db(name), ClickHouseTwins.table(t)));
        }
        return out;
    }

    /** Every column but the writer's version, duplicate-free, sorted: raw rows compared whole. */
    static List<String> raw(String name, String table) throws Exception {
        ClickHouseHttp http = db(name);
        List<String> columns = new ArrayList<>();
        for (String line : http.query("DESCRIBE TABLE " + table).split("\n")) {
            String c = line.split("\t")[0];
            if (!c.isEmpty() && !c.equals("version")) {
                columns.add("`" + c + "`");
            }
        }
        List<String> rows = new ArrayList<>(List.of(http.query("SELECT " + String.join(", ", columns) + " FROM " + table
                + " FINAL FORMAT TabSeparated").split("\n")));
        rows.removeIf(String::isEmpty);
        java.util.Collections.sort(rows);
        return rows;
    }

    @Test
    @Order(1)
    void everyClickHouseAggregateEqualsItsPostgresTwin() throws Exception {
        for (ClickHouseTwins.Twin t : ClickHouseTwins.TABLES) {
            List<String> pg = ClickHouseTwins.postgres(SERVICES.postgres(), t);
            assertThat(pg).as(t.table()).hasSizeGreaterThan(MIN_ROWS.getOrDefault(t.table(), 20));
            assertThat(ClickHouseTwins.clickhouse(db("clean"), t)).as(t.table()).containsExactlyElementsOf(pg);
        }
    }

    @Test
    @Order(2)
    void everySpanIsStoredExactlyOnce() throws Exception {
        ClickHouseHttp http = db("clean");
        assertThat(Long.parseLong(http.query("SELECT count() FROM span FINAL").trim())).isEqualTo(spanIds.size());
        Set<String> stored = new HashSet<>(List.of(http.query(
                "SELECT concat(trace_id, '/', span_id) FROM span FINAL FORMAT TabSeparated").split("\n")));
        assertThat(stored).isEqualTo(spanIds);
    }

    @Test
    @Order(2)
    void everyLogRecordIsStoredOnceWithTheFingerprintItsPatternCounts() throws Exception {
        ClickHouseHttp http = db("clean");
        assertThat(logRecords).hasSizeGreaterThan(1_000);
        List<String> stored = new ArrayList<>();
        for (Map<String, com.google.gson.JsonElement> r : ClickHouseService.rows(http,
                "SELECT body, trace_id, span_id FROM log_record FINAL")) {
            stored.add(r.get("body").getAsString() + " | " + r.get("trace_id").getAsString() + " | " + r.get("span_id").getAsString());
        }
        java.util.Collections.sort(stored);
        assertThat(stored).isEqualTo(logRecords);
        // each record's fingerprint is the one its 5-minute count went to: counted back from log_record, the
        // counts are log_pattern_5m's (itself equal to PostgreSQL's), and every fingerprint is in the dictionary
        String byRecords = "SELECT toUnixTimestamp(toStartOfFiveMinute(time)) AS b, tenant, service_urn, fingerprint_id, "
                + "count() AS total, sum(is_error) AS errors FROM log_record FINAL GROUP BY b, tenant, service_urn, fingerprint_id";
        String byWindows = "SELECT toUnixTimestamp(bucket) AS b, tenant, service_urn, fingerprint_id, count_total AS total, "
                + "count_error AS errors FROM log_pattern_5m FINAL";
        List<String> fromRecords = tsv(http.query(byRecords + " FORMAT TabSeparated"));
        assertThat(fromRecords).hasSizeGreaterThan(20).isEqualTo(tsv(http.query(byWindows + " FORMAT TabSeparated")));
        assertThat(http.query("SELECT count() FROM log_record FINAL WHERE fingerprint_id NOT IN "
                + "(SELECT fingerprint_id FROM log_pattern_current) AND fingerprint_id NOT IN "
                + "(SELECT arrayJoin(aliases) FROM log_pattern_current)").trim()).isEqualTo("0");
    }

    static List<String> tsv(String answer) {
        List<String> rows = new ArrayList<>(List.of(answer.split("\n")));
        rows.removeIf(String::isEmpty);
        java.util.Collections.sort(rows);
        return rows;
    }

    @Test
    @Order(3)
    void everyShippedQueryRunsAndAnswers(@TempDir Path tmp) throws Exception {
        Map<String, String> queries = ClickHouseSqlFiles.queries();
        assertThat(queries).isNotEmpty();
        for (Map.Entry<String, String> q : queries.entrySet()) {
            String sql = ClickHouseSqlFiles.withoutComments(q.getValue()).strip();
            sql = sql.endsWith(";") ? sql.substring(0, sql.length() - 1) : sql;
            String answer = db("clean").query(sql + " FORMAT TabSeparated");
            assertThat(answer.strip()).as(q.getKey()).isNotEmpty();
        }
        // and analyze's CSV queries
        Map<String, Integer> rows = ClickHouseCsvExport.exportAll(db("clean"), tmp);
        assertThat(rows.keySet()).containsExactlyInAnyOrder("red_1m", "service_call_5m", "log_pattern", "log_pattern_5m",
                "metric_1m", "use_1m", "log_record", "span", "event_envelope", "evidence_link");
        for (Map.Entry<String, Integer> r : rows.entrySet()) {
            assertThat(Files.readAllLines(tmp.resolve(r.getKey() + ".csv"))).as(r.getKey()).hasSize(r.getValue() + 1);
            assertThat(r.getValue()).as(r.getKey()).isPositive();
        }
    }

    @Test
    @Order(4)
    void aFailureMidRunAndAReplayedRangeReadLikeTheCleanRun(@TempDir Path tmp) throws Exception {
        Map<String, List<String>> clean = aggregates("clean");
        List<String> cleanSpans = raw("clean", "span");
        List<String> cleanLogs = raw("clean", "log_record");
        assertThat(cleanLogs).hasSameSizeAs(logRecords);

        Path marker = tmp.resolve("failed-once");
        Pipelines.run(options("failing", "clickhouse"), taps(new FailOnce<>(marker, 3_000, true), new Throttle<>(), new Throttle<>()));
        assertThat(Files.exists(marker)).as("the failure was injected").isTrue();
        assertThat(aggregates("failing")).isEqualTo(clean);
        assertThat(raw("failing", "span")).isEqualTo(cleanSpans);
        assertThat(raw("failing", "log_record")).isEqualTo(cleanLogs);

        // the range replayed twice, merges stopped so that the copies stay visible to a naive read
        ClickHouseHttp failing = db("failing");
        for (String t : new String[] {"red_1m", "service_call_5m", "metric_1m", "use_1m", "span"}) {
            failing.query("SYSTEM STOP MERGES " + t);
        }
        String inRange = " WHERE bucket >= toDateTime('2026-03-05 09:05:00', 'UTC') AND bucket < toDateTime('2026-03-05 09:10:00', 'UTC')";
        long trueCalls = Long.parseLong(failing.query("SELECT sum(calls) FROM red_1m FINAL" + inRange).trim());
        for (int round = 0; round < 2; round++) {
            Pipelines.run(options("failing", "clickhouse", JobOptions.GROUP_ID, "replay-" + round, JobOptions.JOBS, "red,edges,metrics",
                    JobOptions.FROM, REPLAY_FROM, JobOptions.TO, REPLAY_TO), taps(new Throttle<>(), null, new Throttle<>()));
        }
        Map<String, List<String>> replayed = aggregates("failing");
        assertThat(replayed).isEqualTo(clean);
        assertThat(raw("failing", "span")).isEqualTo(cleanSpans);
        // a naive read of the replayed range sees every copy: the failing run's rows and two replays' rows
        long naiveCalls = Long.parseLong(failing.query("SELECT sum(calls) FROM red_1m" + inRange).trim());
        long naiveRows = Long.parseLong(failing.query("SELECT count() FROM red_1m" + inRange).trim());
        long rows = Long.parseLong(failing.query("SELECT count() FROM red_1m FINAL" + inRange).trim());
        assertThat(trueCalls).isPositive();
        assertThat(naiveCalls).isGreaterThanOrEqualTo(3 * trueCalls);
        assertThat(naiveRows).isGreaterThanOrEqualTo(3 * rows);
        assertThat(Long.parseLong(failing.query("SELECT count() FROM span").trim())).isGreaterThan(spanIds.size());
    }

    @Test
    @Order(5)
    void aClickHouseRestartMidRunLosesAndDuplicatesNothing(@TempDir Path tmp) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(ClickHouseServer.isLocal(),
                "skipped: the ClickHouse server is external (" + ClickHouseServer.URL_ENV + "), it cannot be restarted");
        Map<String, List<String>> clean = aggregates("clean");
        JobOptions o = options("restarted", "clickhouse");
        Path ready = tmp.resolve("ready");
        Path resume = tmp.resolve("resume");
        // the spans stop once, mid-run (after a checkpoint and 3,000 more spans), until the server is down
        CompletableFuture<Void> job = CompletableFuture.runAsync(() -> {
            try {
                Pipelines.run(o, taps(new PauseOnce<>(ready, resume, 3_000), new Throttle<>(), new Throttle<>()));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        while (!Files.exists(ready) && !job.isDone()) {
            Thread.sleep(20);
        }
        assertThat(Files.exists(ready)).as("the job paused mid-run").isTrue();
        CLICKHOUSE.server().stop();
        Files.createFile(resume);
        // the job goes on with the server down: batches and the checkpoints' flushes fail and are retried, and a
        // bounded job cannot end before its last flush is acknowledged, so the server comes back mid-run
        Thread.sleep(3_000);
        CLICKHOUSE.server().restart();
        job.get();
        assertThat(aggregates("restarted")).isEqualTo(clean);
        assertThat(raw("restarted", "span")).isEqualTo(raw("clean", "span"));
        assertThat(raw("restarted", "log_record")).isEqualTo(raw("clean", "log_record"));
    }
}
