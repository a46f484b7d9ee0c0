package org.otlpanalytics.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.otlpanalytics.jobs.embedded.PostgresServer;
import org.otlpanalytics.jobs.sink.postgres.PostgresSinkConfig;
import org.otlpanalytics.jobs.sink.postgres.PostgresUpsertSink;
import org.otlpanalytics.jobs.sink.postgres.RedRowMapper;
import org.otlpanalytics.jobs.sink.postgres.SchemaMigrator;
import org.otlpanalytics.jobs.sink.rejected.RejectedRow;
import org.otlpanalytics.jobs.sink.rejected.RejectedRowPublisher;
import org.otlpanalytics.jobs.sink.rejected.RejectedRowTarget;
import org.otlpanalytics.operators.common.KafkaRange;
import org.otlpanalytics.operators.red.RedRow;
import org.otlpanalytics.tests.support.CountingMetricGroup;
import org.otlpanalytics.tests.support.Pipelines;
import org.otlpanalytics.tests.support.Services;
import org.otlpanalytics.tests.support.TopicReader;

/**
 * Rows that PostgreSQL rejects as data (a NUL in text, a time out of range, a NULL in a NOT NULL
 * column, a NUL in a dimension row) between good rows, on a real PostgreSQL and Kafka: every good
 * row lands, each bad row is in the dead-letter topic with the database's reason, its table and
 * the Kafka records behind it, the counter counts them, and the job finishes without a restart.
 * An outage (the database stopped, the connection killed) still fails the flush, and dead-letters
 * nothing.
 */
class PostgresRejectedRowsTest {
    @RegisterExtension
    static final Services SERVICES = new Services();

    private static final String SPANS = "otlp_spans";
    private static final long MINUTE = Instant.parse("2026-05-01T10:00:00Z").toEpochMilli();
    /** A time after PostgreSQL's last timestamptz (294276 AD). */
    private static final long YEAR_299820 = 9_400_000_000_000_000L;
    private static final byte[] SKETCH = {1, 2, 3};

    @Test
    void rowsTheDatabaseRejectsAsDataAreDeadLetteredWhileEveryGoodRowLands() throws Exception {
        String deadTopic = "dead_writer";
        SERVICES.kafka().createTopics(1, deadTopic);
        PostgresSinkConfig pg = config(SERVICES.postgres(), deadTopic);
        SchemaMigrator.migrate(pg);
        CountingMetricGroup metrics = new CountingMetricGroup();
        try (SinkWriter<RedRow> w = new PostgresUpsertSink<>(pg, new RedRowMapper(SPANS)).standaloneWriter(metrics)) {
            for (RedRow r : mixedRows("writer")) {
                w.write(r, null);
            }
            w.flush(false);
        }

        assertGoodRowsLanded("writer");
        Map<String, ConsumerRecord<byte[], byte[]>> dead = byOperationOrTable(
                TopicReader.readToEnd(SERVICES.kafka().bootstrapServers(), deadTopic));
        assertThat(dead).containsOnlyKeys("nul", "far-future", "no-sketch", "dim_resource");
        assertThat(metrics.count(RejectedRowPublisher.ROWS_DEAD_LETTERED)).isEqualTo(4);
        // 41 red_1m rows, 1 tenant, 2 resources, 10 locators (4 minutes of cart and of frontend, the far-future
        // minute, the service with the rejected dimension row): the rejected rows are not counted as written
        assertThat(metrics.count("rowsWritten")).isEqualTo(41 + 1 + 2 + 10);

        ConsumerRecord<byte[], byte[]> nul = dead.get("nul");
        assertThat(TopicReader.header(nul, RejectedRow.HEADER_TABLE)).isEqualTo("red_1m");
        assertThat(TopicReader.header(nul, RejectedRow.HEADER_STORE)).isEqualTo("postgresql");
        assertThat(TopicReader.header(nul, RejectedRow.HEADER_CODE)).startsWith("22");
        assertThat(TopicReader.header(nul, RejectedRow.HEADER_REASON)).contains("0x00");
        assertThat(TopicReader.header(nul, RejectedRow.HEADER_OFFSETS)).isEqualTo(SPANS + ":2:100-104");
        assertThat(TopicReader.header(nul, RejectedRow.HEADER_TOPIC)).isEqualTo(SPANS);
        assertThat(TopicReader.header(nul, RejectedRow.HEADER_PARTITION)).isEqualTo("2");
        assertThat(TopicReader.header(nul, RejectedRow.HEADER_OFFSET)).isEqualTo("-1");
        assertThat(new String(nul.value(), java.nio.charset.StandardCharsets.UTF_8))
                .startsWith("{\"store\":\"postgresql\",\"table\":\"red_1m\",\"params\":[\"2026-05-01T10:00Z\",")
                .contains("\"GET /a\\u0000b\"");

        ConsumerRecord<byte[], byte[]> future = dead.get("far-future");
        assertThat(TopicReader.header(future, RejectedRow.HEADER_CODE)).startsWith("22");
        assertThat(TopicReader.header(future, RejectedRow.HEADER_REASON)).containsIgnoringCase("out of range");

        ConsumerRecord<byte[], byte[]> noSketch = dead.get("no-sketch");
        assertThat(TopicReader.header(noSketch, RejectedRow.HEADER_CODE)).isEqualTo("23502");
        assertThat(TopicReader.header(noSketch, RejectedRow.HEADER_REASON)).contains("duration_kll");
        assertThat(TopicReader.header(noSketch, RejectedRow.HEADER_OFFSET)).isEqualTo("7");

        ConsumerRecord<byte[], byte[]> dim = dead.get("dim_resource");
        assertThat(TopicReader.header(dim, RejectedRow.HEADER_CODE)).startsWith("22");
        assertThat(new String(dim.value(), java.nio.charset.StandardCharsets.UTF_8)).contains("urn:svc:shop/ca\\u0000rt");
    }

    @Test
    void aJobWithRejectedRowsFinishesWithoutARestart() throws Exception {
        String deadTopic = "dead_job";
        SERVICES.kafka().createTopics(1, deadTopic);
        PostgresSinkConfig pg = config(SERVICES.postgres(), deadTopic);
        SchemaMigrator.migrate(pg);
        Configuration conf = new Configuration();
        // any failed flush would fail the job: nothing may loop
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(1);
        env.fromData(RedRow.class, mixedRows("job").toArray(new RedRow[0])).name("rows")
                .sinkTo(new PostgresUpsertSink<>(pg, new RedRowMapper(SPANS))).name("red_1m");
        env.execute("rejected rows");

        assertGoodRowsLanded("job");
        assertThat(byOperationOrTable(TopicReader.readToEnd(SERVICES.kafka().bootstrapServers(), deadTopic)))
                .containsOnlyKeys("nul", "far-future", "no-sketch", "dim_resource");
    }

    @Test
    void aStoppedDatabaseFailsTheFlushAndDeadLettersNothing() throws Exception {
        String deadTopic = "dead_outage";
        SERVICES.kafka().createTopics(1, deadTopic);
        CountingMetricGroup metrics = new CountingMetricGroup();
        PostgresServer own = PostgresServer.start();
        PostgresSinkConfig pg = config(own, deadTopic);
        SchemaMigrator.migrate(pg);
        try (SinkWriter<RedRow> w = new PostgresUpsertSink<>(pg, new RedRowMapper(SPANS)).standaloneWriter(metrics)) {
            w.write(row("outage", "cart", "GET /1", MINUTE, 1, 0, 10, 10), null);
            w.flush(false);
            own.close();
            w.write(row("outage", "cart", "GET /2", MINUTE, 1, 0, 11, 11), null);
            w.write(row("outage", "cart", "GET /\u0000", MINUTE, 1, 0, 12, 12), null);
            assertThatThrownBy(() -> w.flush(false)).isInstanceOf(IOException.class)
                    .hasMessageContaining("PostgreSQL upsert failed");
        }
        assertThat(metrics.count(RejectedRowPublisher.ROWS_DEAD_LETTERED)).isZero();
        assertThat(TopicReader.readToEnd(SERVICES.kafka().bootstrapServers(), deadTopic)).isEmpty();
    }

    @Test
    void aKilledConnectionIsReplacedAndTheFlushWritesTheRows() throws Exception {
        String deadTopic = "dead_killed";
        SERVICES.kafka().createTopics(1, deadTopic);
        CountingMetricGroup metrics = new CountingMetricGroup();
        PostgresSinkConfig pg = config(SERVICES.postgres(), deadTopic);
        SchemaMigrator.migrate(pg);
        try (SinkWriter<RedRow> w = new PostgresUpsertSink<>(pg, new RedRowMapper(SPANS)).standaloneWriter(metrics)) {
            w.write(row("killed", "cart", "GET /1", MINUTE, 1, 0, 10, 10), null);
            w.flush(false);
            try (Connection c = SERVICES.postgres().connect(); Statement s = c.createStatement()) {
                s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        + "WHERE application_name = 'otlp-analytics' AND pid <> pg_backend_pid()");
            }
            w.write(row("killed", "cart", "GET /2", MINUTE, 2, 0, 11, 11), null);
            // the connection kept since the first flush is dead: this flush opens a new one and writes
            w.flush(false);
        }
        assertThat(metrics.count("reconnects")).as("flushes written again on a new connection").isEqualTo(1);
        assertThat(metrics.count(RejectedRowPublisher.ROWS_DEAD_LETTERED)).isZero();
        assertThat(Pipelines.rows(SERVICES.postgres(), "SELECT r.operation, r.calls FROM red_1m r JOIN dim_tenant t "
                + "USING (tenant_id) WHERE t.code = 'killed' ORDER BY 1")).containsExactly("GET /1\t1", "GET /2\t2");
        assertThat(TopicReader.readToEnd(SERVICES.kafka().bootstrapServers(), deadTopic)).isEmpty();
    }

    @Test
    void everyConnectionHasTheSocketTimeout() throws Exception {
        PostgresSinkConfig pg = config(SERVICES.postgres(), "unused");
        try (Connection c = pg.connect()) {
            assertThat(c.getNetworkTimeout()).isEqualTo(300_000);
        }
        String url = SERVICES.postgres().jdbcUrl();
        PostgresSinkConfig own = PostgresSinkConfig.builder().jdbcUrl(url + (url.contains("?") ? "&" : "?") + "socketTimeout=7")
                .build();
        try (Connection c = own.connect()) {
            assertThat(c.getNetworkTimeout()).isEqualTo(7_000);
        }
    }

    private static PostgresSinkConfig config(PostgresServer server, String deadTopic) {
        return PostgresSinkConfig.builder().jdbcUrl(server.jdbcUrl()).batchSize(500)
                .deadLetters(RejectedRowTarget.kafka(SERVICES.kafka().bootstrapServers(), deadTopic)).build();
    }

    /** 40 good rows with four bad ones between them; the bad ones' operation names their defect. */
    private static List<RedRow> mixedRows(String tenant) {
        List<RedRow> rows = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            rows.add(row(tenant, i % 3 == 0 ? "frontend" : "cart", "GET /" + i, MINUTE + (i % 4) * 60_000L, 10 + i, i % 5,
                    1000 + i, 1000 + i));
            if (i == 5) {
                rows.add(row(tenant, "cart", "GET /a\u0000b", MINUTE, 5, 0, 100, 104, 2));
            } else if (i == 17) {
                RedRow far = row(tenant, "cart", "far-future", YEAR_299820, 5, 0, 200, 201);
                rows.add(far);
            } else if (i == 23) {
                RedRow noSketch = row(tenant, "frontend", "no-sketch", MINUTE, 5, 0, 7, 7);
                noSketch.kll = null;
                rows.add(noSketch);
            } else if (i == 31) {
                // a NUL in the service: its dim_resource row is rejected, its red_1m row is good
                rows.add(row(tenant, "ca\u0000rt", "GET /dim", MINUTE, 3, 1, 300, 300));
            }
        }
        return rows;
    }

    private static RedRow row(String tenant, String service, String op, long bucket, long calls, long errors, long from,
            long to) {
        return row(tenant, service, op, bucket, calls, errors, from, to, 0);
    }

    private static RedRow row(String tenant, String service, String op, long bucket, long calls, long errors, long from,
            long to, int partition) {
        RedRow r = new RedRow();
        r.bucketStartMillis = bucket;
        r.tenant = tenant;
        r.serviceName = service;
        r.serviceNamespace = "shop";
        r.serviceUrn = "urn:svc:shop/" + service;
        r.operation = op;
        r.spanKind = "SERVER";
        r.status = "UNSET";
        r.calls = calls;
        r.errors = errors;
        r.durationSumMs = calls * 2.5;
        r.p50Ms = 1;
        r.p95Ms = 2;
        r.p99Ms = 3;
        r.distinctTraces = calls;
        r.kll = SKETCH;
        r.hll = SKETCH;
        r.range = new KafkaRange();
        r.range.add(partition, from, MINUTE);
        r.range.add(partition, to, MINUTE + 1);
        return r;
    }

    /** The 40 good rows with their calls, and the good fact of the service whose dimension row was rejected. */
    private static void assertGoodRowsLanded(String tenant) throws Exception {
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            expected.add("GET /" + i + "\t" + (10 + i) + "\t" + (i % 5));
        }
        expected.add("GET /dim\t3\t1");
        assertThat(Pipelines.rows(SERVICES.postgres(), "SELECT r.operation, r.calls, r.errors FROM red_1m r "
                + "JOIN dim_tenant t USING (tenant_id) WHERE t.code = '" + tenant + "'"))
                .containsExactlyInAnyOrderElementsOf(expected);
        assertThat(Pipelines.rows(SERVICES.postgres(), "SELECT d.name FROM dim_resource d JOIN dim_tenant t "
                + "USING (tenant_id) WHERE t.code = '" + tenant + "' ORDER BY 1")).containsExactly("cart", "frontend");
    }

    /** Dead letters by the rejected row's operation (red_1m) or table (dimensions); fails on duplicates. */
    private static Map<String, ConsumerRecord<byte[], byte[]>> byOperationOrTable(List<ConsumerRecord<byte[], byte[]>> dead) {
        return dead.stream().collect(Collectors.toMap(r -> {
            String table = TopicReader.header(r, RejectedRow.HEADER_TABLE);
            String json = new String(r.value(), java.nio.charset.StandardCharsets.UTF_8);
            if (!table.equals("red_1m")) {
                return table;
            }
            return json.contains("far-future") ? "far-future" : json.contains("no-sketch") ? "no-sketch"
                    : json.contains("\\u0000") ? "nul" : json;
        }, r -> r));
    }
}
