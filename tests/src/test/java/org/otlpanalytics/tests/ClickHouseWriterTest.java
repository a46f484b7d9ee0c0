package org.otlpanalytics.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonElement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.otlpanalytics.jobs.embedded.ClickHouseServer;
import org.otlpanalytics.jobs.embedded.EmbeddedKafka;
import org.otlpanalytics.jobs.sink.clickhouse.ClickHouseException;
import org.otlpanalytics.jobs.sink.clickhouse.ClickHouseSchema;
import org.otlpanalytics.jobs.sink.clickhouse.ClickHouseSink;
import org.otlpanalytics.jobs.sink.clickhouse.ClickHouseSinkConfig;
import org.otlpanalytics.jobs.sink.clickhouse.ClickHouseSinkMetrics;
import org.otlpanalytics.jobs.sink.clickhouse.LogRecordMapper;
import org.otlpanalytics.jobs.sink.clickhouse.RedRowMapper;
import org.otlpanalytics.jobs.sink.rejected.RejectedRow;
import org.otlpanalytics.jobs.sink.rejected.RejectedRowTarget;
import org.otlpanalytics.operators.common.KafkaRange;
import org.otlpanalytics.operators.logs.FingerprintedLog;
import org.otlpanalytics.operators.red.RedRow;
import org.otlpanalytics.schemas.logs.LogRecordFlat;
import org.otlpanalytics.tests.support.ClickHouseService;
import org.otlpanalytics.tests.support.CountingMetricGroup;
import org.otlpanalytics.tests.support.TopicReader;

/**
 * The ClickHouse writer against a real server (Debian's 18.16, or the one of
 * OTLP_ANALYTICS_TEST_CLICKHOUSE_URL): batches by rows and by bytes, a rewritten row sent once per
 * batch and read once with FINAL (twice without), values that need escaping in every text format
 * stored exactly, rows the server refuses as data dead-lettered while every other row lands, an
 * outage ridden out by retries, and persistent errors or exhausted retries failing the flush.
 */
class ClickHouseWriterTest {
    @RegisterExtension
    static final ClickHouseService CLICKHOUSE = new ClickHouseService();

    static final long MINUTE = Instant.parse("2026-05-01T10:00:00Z").toEpochMilli();

    private ClickHouseSinkConfig config(String db) throws Exception {
        ClickHouseSinkConfig c = CLICKHOUSE.server().config().database(db).retention(false).build();
        ClickHouseSchema.apply(c);
        return c;
    }

    static RedRow red(int minute, String operation, long calls) {
        RedRow r = new RedRow();
        r.bucketStartMillis = MINUTE + minute * 60_000L;
        r.tenant = "acme";
        r.serviceName = "cart";
        r.serviceNamespace = "shop";
        r.serviceUrn = "urn:svc:shop/cart";
        r.operation = operation;
        r.spanKind = "SERVER";
        r.status = "OK";
        r.calls = calls;
        r.p95Ms = calls / 10.0;
        r.kll = new byte[] {1, 2, (byte) calls};
        r.hll = new byte[] {0, (byte) 0xff};
        r.range = new KafkaRange();
        r.range.add(1, 100 + calls, r.bucketStartMillis);
        return r;
    }

    static FingerprintedLog log(long offset, String body) {
        LogRecordFlat r = new LogRecordFlat();
        r.timeNanos = MINUTE * 1_000_000L + offset;
        r.tenant = "acme";
        r.serviceName = "cart";
        r.serviceNamespace = "shop";
        r.serviceUrn = "urn:svc:shop/cart";
        r.severityNumber = 9;
        r.severityText = "INFO";
        r.body = body;
        r.kafkaPartition = 0;
        r.kafkaOffset = offset;
        return new FingerprintedLog(r, 42L);
    }

    @Test
    void batchesByRowsAndBytesAndSendsARewrittenRowOncePerBatch() throws Exception {
        ClickHouseSinkConfig c = config("w_batches").toBuilder().batchMaxRows(10).build();
        CountingMetricGroup m = new CountingMetricGroup();
        try (SinkWriter<RedRow> w = new ClickHouseSink<>(c, new RedRowMapper("otlp_spans")).standaloneWriter(m)) {
            for (int i = 0; i < 25; i++) {
                w.write(red(i, "GET /cart", 10), null);
            }
            assertThat(m.count(ClickHouseSinkMetrics.BATCHES_WRITTEN)).isEqualTo(2);
            w.flush(false); // a checkpoint
            assertThat(m.count(ClickHouseSinkMetrics.BATCHES_WRITTEN)).isEqualTo(3);
            // minute 0 rewritten twice in one batch (late records): one row goes out
            w.write(red(0, "GET /cart", 11), null);
            w.write(red(0, "GET /cart", 12), null);
            w.flush(false);
            // and once more in a batch of its own
            w.write(red(0, "GET /cart", 13), null);
            w.flush(false);
        }
        assertThat(m.count(ClickHouseSinkMetrics.ROWS_WRITTEN)).isEqualTo(25 + 1 + 1);
        assertThat(CLICKHOUSE.count("w_batches", "SELECT count() FROM red_1m FINAL")).isEqualTo(25);
        assertThat(CLICKHOUSE.count("w_batches", "SELECT sum(calls) FROM red_1m FINAL")).isEqualTo(24 * 10 + 13);
        // the read rule is needed: merges may not have run yet, so without FINAL the old minute-0 rows can show
        assertThat(CLICKHOUSE.count("w_batches", "SELECT count() FROM red_1m")).isBetween(25L, 27L);
        Map<String, JsonElement> row = CLICKHOUSE.rows("w_batches",
                "SELECT hex(duration_kll) AS kll, kafka_offsets, bucket FROM red_1m FINAL WHERE bucket = toDateTime('2026-05-01 10:00:00', 'UTC')")
                .get(0);
        assertThat(row.get("kll").getAsString()).isEqualTo("01020D");
        assertThat(row.get("kafka_offsets").getAsString()).isEqualTo("otlp_spans:1:113-113");

        ClickHouseSinkConfig bytes = c.toBuilder().batchMaxRows(1_000_000).batchMaxBytes(2048).build();
        CountingMetricGroup mb = new CountingMetricGroup();
        try (SinkWriter<FingerprintedLog> w = new ClickHouseSink<>(bytes, new LogRecordMapper()).standaloneWriter(mb)) {
            for (int i = 0; i < 10; i++) {
                w.write(log(i, "x".repeat(1000)), null); // about 1.1 kB per row: a batch every 2 rows
            }
            w.flush(true);
        }
        assertThat(mb.count(ClickHouseSinkMetrics.BATCHES_WRITTEN)).isEqualTo(5);
        assertThat(mb.count(ClickHouseSinkMetrics.BYTES_WRITTEN)).isGreaterThan(10_000);
        assertThat(CLICKHOUSE.count("w_batches", "SELECT count() FROM log_record FINAL")).isEqualTo(10);
    }

    @Test
    void valuesThatNeedEscapingInEveryTextFormatAreStoredExactly() throws Exception {
        ClickHouseSinkConfig c = config("w_hostile");
        String body = "quote' \"double\" back\\slash tab\tnew\nline cr\r \uFFFD replaced NUL, emoji \uD83D\uDE00 "
                + "'); DROP TABLE log_record; --";
        FingerprintedLog f = log(7, body);
        f.record.serviceName = "ca'rt\\";
        f.record.severityText = "WARN\"";
        Map<String, String> attrs = new LinkedHashMap<>();
        attrs.put("k'ey\\", "va\"l\tue\n");
        attrs.put("emoji", "\uD83D\uDE80");
        f.record.attributes = attrs;
        f.record.resourceAttributes = Map.of("service.name", "ca'rt\\");
        try (SinkWriter<FingerprintedLog> w = new ClickHouseSink<>(c, new LogRecordMapper()).standaloneWriter(new CountingMetricGroup())) {
            w.write(f, null);
            w.flush(false);
        }
        Map<String, JsonElement> row = CLICKHOUSE.rows("w_hostile",
                "SELECT body, service, severity_text, attributes.keys AS k, attributes.values AS v FROM log_record FINAL").get(0);
        assertThat(row.get("body").getAsString()).isEqualTo(body);
        assertThat(row.get("service").getAsString()).isEqualTo("ca'rt\\");
        assertThat(row.get("severity_text").getAsString()).isEqualTo("WARN\"");
        assertThat(row.get("k").getAsJsonArray().get(0).getAsString()).isEqualTo("k'ey\\");
        assertThat(row.get("v").getAsJsonArray().get(0).getAsString()).isEqualTo("va\"l\tue\n");
        assertThat(row.get("v").getAsJsonArray().get(1).getAsString()).isEqualTo("\uD83D\uDE80");
    }

    @Test
    void rowsTheServerRefusesAsDataAreDeadLetteredAndEveryOtherRowLands() throws Exception {
        ClickHouseSinkConfig c0 = config("w_data");
        // a rule of the user's: the server refuses rows whose body is 'poison' (as a CHECK constraint would)
        CLICKHOUSE.server().http("w_data").query("ALTER TABLE log_record ADD COLUMN guard UInt8 MATERIALIZED throwIf(body = 'poison')");
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopics(1, "dead");
            ClickHouseSinkConfig c = c0.toBuilder().deadLetters(RejectedRowTarget.kafka(kafka.bootstrapServers(), "dead")).build();
            CountingMetricGroup m = new CountingMetricGroup();
            try (SinkWriter<FingerprintedLog> w = new ClickHouseSink<>(c, new LogRecordMapper()).standaloneWriter(m)) {
                for (int i = 0; i < 40; i++) {
                    w.write(log(i, i == 5 || i == 31 ? "poison" : "fine " + i), null);
                }
                w.flush(false);
            }
            assertThat(CLICKHOUSE.count("w_data", "SELECT count() FROM log_record FINAL")).isEqualTo(38);
            assertThat(CLICKHOUSE.count("w_data", "SELECT countIf(body = 'poison') FROM log_record FINAL")).isZero();
            assertThat(m.count(ClickHouseSinkMetrics.ROWS_DEAD_LETTERED)).isEqualTo(2);
            List<ConsumerRecord<byte[], byte[]>> dead = TopicReader.readToEnd(kafka.bootstrapServers(), "dead");
            assertThat(dead).hasSize(2);
            for (ConsumerRecord<byte[], byte[]> d : dead) {
                assertThat(TopicReader.header(d, RejectedRow.HEADER_STORE)).isEqualTo("clickhouse");
                assertThat(TopicReader.header(d, RejectedRow.HEADER_TABLE)).isEqualTo("log_record");
                assertThat(TopicReader.header(d, RejectedRow.HEADER_CODE)).isEqualTo("395");
                assertThat(TopicReader.header(d, RejectedRow.HEADER_REASON)).contains("throwIf");
                assertThat(new String(d.value(), java.nio.charset.StandardCharsets.UTF_8)).contains("\"poison\"");
            }
        }
    }

    @Test
    void anOutageIsRiddenOutByRetries() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(ClickHouseServer.isLocal(), "skipped: the server is external, it cannot be restarted");
        ClickHouseSinkConfig c = config("w_outage").toBuilder().retryBackoff(Duration.ofMillis(250))
                .retryMaxBackoff(Duration.ofSeconds(2)).maxRetries(30).build();
        CountingMetricGroup m = new CountingMetricGroup();
        try (SinkWriter<RedRow> w = new ClickHouseSink<>(c, new RedRowMapper("otlp_spans")).standaloneWriter(m)) {
            w.write(red(0, "GET /a", 1), null);
            w.flush(false);
            CLICKHOUSE.server().stop();
            w.write(red(1, "GET /a", 2), null);
            // the server comes back while the writer retries
            CompletableFuture<Void> back = CompletableFuture.runAsync(() -> {
                try {
                    Thread.sleep(1500);
                    CLICKHOUSE.server().restart();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            w.flush(false);
            back.get();
        }
        assertThat(m.count(ClickHouseSinkMetrics.INSERTS_RETRIED)).isPositive();
        assertThat(m.count(ClickHouseSinkMetrics.INSERTS_FAILED)).isZero();
        assertThat(CLICKHOUSE.count("w_outage", "SELECT count() FROM red_1m FINAL")).isEqualTo(2);
    }

    @Test
    void persistentErrorsAndExhaustedRetriesFailTheFlush() throws Exception {
        ClickHouseSinkConfig good = config("w_fail");
        ClickHouseSinkConfig wrongTable = good.withDatabase("w_no_such_database");
        CountingMetricGroup m = new CountingMetricGroup();
        try (SinkWriter<RedRow> w = new ClickHouseSink<>(wrongTable, new RedRowMapper("otlp_spans")).standaloneWriter(m)) {
            assertThatThrownBy(() -> w.write(red(0, "GET /a", 1), null)).isInstanceOf(ClickHouseException.class)
                    .hasMessageContaining("w_no_such_database");
        }
        assertThat(m.count(ClickHouseSinkMetrics.INSERTS_RETRIED)).isZero();
        assertThat(m.count(ClickHouseSinkMetrics.INSERTS_FAILED)).isEqualTo(1);

        if (good.user() != null) {
            ClickHouseSinkConfig wrongPassword = good.toBuilder().password("wrong").build();
            try (SinkWriter<RedRow> w = new ClickHouseSink<>(wrongPassword, new RedRowMapper("otlp_spans"))
                    .standaloneWriter(new CountingMetricGroup())) {
                assertThatThrownBy(() -> w.write(red(0, "GET /a", 1), null)).isInstanceOf(ClickHouseException.class)
                        .satisfies(e -> assertThat(((ClickHouseException) e).kind()).isEqualTo(ClickHouseException.Kind.PERSISTENT));
            }
        }

        ClickHouseSinkConfig nobody = good.toBuilder().url("http://127.0.0.1:9").maxRetries(2)
                .retryBackoff(Duration.ofMillis(10)).retryMaxBackoff(Duration.ofMillis(20)).build();
        CountingMetricGroup m2 = new CountingMetricGroup();
        try (SinkWriter<RedRow> w = new ClickHouseSink<>(nobody, new RedRowMapper("otlp_spans")).standaloneWriter(m2)) {
            assertThatThrownBy(() -> w.write(red(0, "GET /a", 1), null)).isInstanceOf(ClickHouseException.class)
                    .hasMessageContaining("after 2 retries");
        }
        assertThat(m2.count(ClickHouseSinkMetrics.INSERTS_RETRIED)).isEqualTo(2);
        assertThat(m2.count(ClickHouseSinkMetrics.INSERTS_FAILED)).isEqualTo(1);
    }

    static List<String> strings(List<Map<String, JsonElement>> rows, String column) {
        List<String> out = new ArrayList<>();
        rows.forEach(r -> out.add(r.get(column).getAsString()));
        return out;
    }

    @Test
    void anEarlierTableIsUpgradedInPlaceAndTheSketchColumnsAndNewTablesAreWritten() throws Exception {
        ClickHouseSinkConfig c = CLICKHOUSE.server().config().database("w_upgrade").retention(false).build();
        org.otlpanalytics.jobs.sink.clickhouse.ClickHouseHttp http = new org.otlpanalytics.jobs.sink.clickhouse.ClickHouseHttp(c);
        http.queryWithoutDatabase("CREATE DATABASE IF NOT EXISTS w_upgrade");
        // red_1m as the previous version created it, with one row
        http.query("CREATE TABLE red_1m (bucket DateTime('UTC'), tenant String, service String, service_namespace String, "
                + "service_urn String, operation String, span_kind String, status String, calls UInt64, errors UInt64, "
                + "duration_sum_ms Float64, p50_ms Float64, p95_ms Float64, p99_ms Float64, distinct_traces Float64, "
                + "duration_kll String, trace_hll String, kafka_offsets String, version UInt64) "
                + "ENGINE = ReplacingMergeTree(version) PARTITION BY toYYYYMMDD(bucket) "
                + "ORDER BY (tenant, service_urn, bucket, operation, span_kind, status)");
        http.query("INSERT INTO red_1m (bucket, tenant, service_urn, operation, calls, version) "
                + "VALUES (toDateTime('2026-05-01 09:00:00', 'UTC'), 'acme', 'urn:svc:shop/cart', 'old', 7, 1)");
        ClickHouseSchema.apply(c);
        ClickHouseSchema.apply(c); // twice: nothing left to add
        assertThat(CLICKHOUSE.count("w_upgrade", "SELECT count() FROM system.columns WHERE database = 'w_upgrade' AND table = 'red_1m' "
                + "AND name IN ('duration_min_ms', 'duration_max_ms', 'duration_idx', 'duration_cnt', 'trace_hll_regs')")).isEqualTo(5);
        assertThat(CLICKHOUSE.count("w_upgrade", "SELECT length(duration_idx) + length(trace_hll_regs) + calls FROM red_1m FINAL")).isEqualTo(7);

        RedRow r = red(0, "GET /cart", 3);
        r.durationMinMs = 1.5;
        r.durationMaxMs = 40.0;
        r.durationIdx = new int[] {Integer.MIN_VALUE, 41, 370};
        r.durationCnt = new long[] {1, 1, 1};
        r.traceRegisters = new byte[2048];
        r.traceRegisters[0] = 1;
        r.traceRegisters[5] = 3;
        r.traceRegisters[2047] = 63;
        CountingMetricGroup m = new CountingMetricGroup();
        try (SinkWriter<RedRow> w = new ClickHouseSink<>(c, new RedRowMapper("otlp_spans")).standaloneWriter(m)) {
            w.write(r, null);
            w.flush(true);
        }
        Map<String, JsonElement> row = CLICKHOUSE.rows("w_upgrade", "SELECT toString(duration_idx) AS i, toString(duration_cnt) AS c, "
                + "toString(trace_hll_regs) AS h, duration_min_ms, duration_max_ms FROM red_1m FINAL WHERE operation = 'GET /cart'").get(0);
        assertThat(row.get("i").getAsString()).isEqualTo("[-2147483648,41,370]");
        assertThat(row.get("c").getAsString()).isEqualTo("[1,1,1]");
        assertThat(row.get("h").getAsString()).isEqualTo("[1,323,131071]");
        assertThat(row.get("duration_min_ms").getAsDouble()).isEqualTo(1.5);
        assertThat(row.get("duration_max_ms").getAsDouble()).isEqualTo(40.0);

        org.otlpanalytics.operators.red.SpanAttrRow a = new org.otlpanalytics.operators.red.SpanAttrRow();
        a.bucketStartMillis = MINUTE;
        a.tenant = "acme";
        a.serviceName = "cart";
        a.serviceNamespace = "shop";
        a.serviceUrn = "urn:svc:shop/cart";
        a.attribute = "error.type";
        a.spans = 9;
        a.items = new String[] {"timeout", "it's \\ \"odd\"\t"};
        a.counts = new long[] {6, 3};
        a.maxError = 0;
        a.distinctValues = 2;
        a.hllRegisters = new byte[2048];
        a.hllRegisters[7] = 2;
        a.hll = new byte[] {1};
        a.itemsSketch = new byte[] {2};
        try (SinkWriter<org.otlpanalytics.operators.red.SpanAttrRow> w = new ClickHouseSink<>(c,
                new org.otlpanalytics.jobs.sink.clickhouse.SpanAttrRowMapper("otlp_spans")).standaloneWriter(new CountingMetricGroup())) {
            w.write(a, null);
            w.flush(true);
        }
        Map<String, JsonElement> attr = CLICKHOUSE.rows("w_upgrade", "SELECT items, toString(counts) AS c, toString(hll_regs) AS h, spans "
                + "FROM span_attr_1m FINAL").get(0);
        assertThat(attr.get("items").getAsJsonArray().get(1).getAsString()).isEqualTo(a.items[1]);
        assertThat(attr.get("c").getAsString()).isEqualTo("[6,3]");
        assertThat(attr.get("h").getAsString()).isEqualTo("[450]");
        assertThat(attr.get("spans").getAsLong()).isEqualTo(9);

        // dead-letter totals only grow: the greatest total of a minute stays, whatever the order of writes
        try (SinkWriter<org.otlpanalytics.operators.ingest.DeadLetterCount> w = new ClickHouseSink<>(c,
                new org.otlpanalytics.jobs.sink.clickhouse.DeadLetterCountRowMapper()).standaloneWriter(new CountingMetricGroup())) {
            for (long n : new long[] {4, 9, 5}) {
                org.otlpanalytics.operators.ingest.DeadLetterCount d = new org.otlpanalytics.operators.ingest.DeadLetterCount();
                d.bucketStartMillis = MINUTE;
                d.sourceTopic = "otlp_spans";
                d.stage = "red";
                d.kind = "late";
                d.deadLetters = n;
                w.write(d, null);
                w.flush(false);
            }
        }
        assertThat(CLICKHOUSE.count("w_upgrade", "SELECT dead_letters FROM dead_letter_1m FINAL")).isEqualTo(9);
        assertThat(CLICKHOUSE.count("w_upgrade", "SELECT count() FROM dead_letter_1m FINAL")).isEqualTo(1);
    }
}
