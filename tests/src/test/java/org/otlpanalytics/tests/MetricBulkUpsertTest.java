package org.otlpanalytics.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.otlpanalytics.jobs.sink.postgres.MetricRowMapper;
import org.otlpanalytics.jobs.sink.postgres.PostgresSinkConfig;
import org.otlpanalytics.jobs.sink.postgres.PostgresUpsertSink;
import org.otlpanalytics.jobs.sink.postgres.SchemaMigrator;
import org.otlpanalytics.jobs.sink.rejected.RejectedRow;
import org.otlpanalytics.jobs.sink.rejected.RejectedRowTarget;
import org.otlpanalytics.operators.common.KafkaRange;
import org.otlpanalytics.operators.metrics.AggregateKind;
import org.otlpanalytics.operators.metrics.MetricRow;
import org.otlpanalytics.schemas.metrics.MetricType;
import org.otlpanalytics.tests.support.CountingMetricGroup;
import org.otlpanalytics.tests.support.Pipelines;
import org.otlpanalytics.tests.support.Services;
import org.otlpanalytics.tests.support.TopicReader;

/**
 * {@code metric_1m} rows written in bulk (COPY into a staging table, one upsert from it) on a real
 * PostgreSQL: every column lands exactly as the bound statements write it (texts with tabs,
 * newlines, backslashes and quotes, doubles including NaN and infinities, sketches, histogram
 * buckets), a replayed flush updates rather than duplicates, and rows the database rejects make
 * the flush fall back to bound statements that dead-letter each bad row with its reason while
 * every good row lands.
 */
class MetricBulkUpsertTest {
    @RegisterExtension
    static final Services SERVICES = new Services();

    private static final String TOPIC = "otlp_metrics";
    private static final long MINUTE = Instant.parse("2026-05-01T10:00:00Z").toEpochMilli();
    private static final String COLUMNS = "to_char(m.bucket AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'), m.metric, m.labels_hash, "
            + "m.labels::text, m.unit, m.metric_type, m.kind, m.points, m.avg, m.min, m.max, m.p95, m.last, m.total, m.rate, "
            + "m.count, m.sum, encode(m.value_kll, 'hex'), m.buckets::text, r.urn, s.urn, l.offset_from, l.offset_to";

    @Test
    void bulkWritesEveryColumnAsTheBoundStatementsDoAndAReplayUpdates() throws Exception {
        PostgresSinkConfig pg = config("dead_bulk_equal");
        SchemaMigrator.migrate(pg);
        CountingMetricGroup bulk = new CountingMetricGroup();
        try (SinkWriter<MetricRow> w = writer(pg, bulk)) {
            for (MetricRow r : rows("bulk", 300, 0)) {
                w.write(r, null);
            }
            w.flush(false);
            // the same rows again with other values, as a replay after a restart rewrites them
            for (MetricRow r : rows("bulk", 300, 1)) {
                w.write(r, null);
            }
            w.flush(false);
        }
        CountingMetricGroup bound = new CountingMetricGroup();
        try (SinkWriter<MetricRow> w = writer(pg, bound)) {
            int n = 0;
            for (MetricRow r : rows("bound", 300, 1)) {
                w.write(r, null);
                if (++n % 20 == 0) {
                    w.flush(false); // 20 rows a flush: below the bulk threshold, bound statements
                }
            }
            w.flush(false);
        }
        assertThat(bulk.count("rowsCopied")).isEqualTo(600);
        assertThat(bound.count("rowsCopied")).isZero();
        List<String> copied = select("bulk");
        assertThat(copied).hasSize(300).isEqualTo(select("bound"));
        assertThat(copied).anySatisfy(s -> assertThat(s).contains("NaN").contains("Infinity").contains("a\\tb"));
        assertThat(Pipelines.rows(SERVICES.postgres(), "SELECT sum(points) FROM metric_1m m JOIN dim_tenant t USING (tenant_id) "
                + "WHERE t.code = 'bulk'")).containsExactly(Long.toString(300 * 3 + 300L * 299 / 2));
    }

    @Test
    void aReplayOfIdenticalRowsLeavesThemAsTheyAreAndRewritesOnlyTheChangedOnes() throws Exception {
        PostgresSinkConfig pg = config("dead_bulk_replay");
        SchemaMigrator.migrate(pg);
        List<MetricRow> rows = rows("replay", 200, 0);
        try (SinkWriter<MetricRow> w = writer(pg, new CountingMetricGroup())) {
            for (MetricRow r : rows) {
                w.write(r, null);
            }
            w.flush(false);
        }
        // xmin: the transaction that wrote a row's current version; an update gives it a new one
        String versions = "SELECT m.metric, m.labels_hash, m.xmin::text, m.points FROM metric_1m m JOIN dim_tenant t USING (tenant_id) "
                + "WHERE t.code = 'replay' ORDER BY 1, 2";
        List<String> written = Pipelines.rows(SERVICES.postgres(), versions);
        assertThat(written).hasSize(200);
        List<MetricRow> replay = rows("replay", 200, 0);
        replay.get(17).points += 1000;
        for (int flushEvery : new int[] {replay.size(), 20}) { // in bulk (COPY), then bound statements
            try (SinkWriter<MetricRow> w = writer(pg, new CountingMetricGroup())) {
                int n = 0;
                for (MetricRow r : replay) {
                    w.write(r, null);
                    if (++n % flushEvery == 0) {
                        w.flush(false);
                    }
                }
                w.flush(false);
            }
        }
        List<String> after = Pipelines.rows(SERVICES.postgres(), versions);
        String changed = replay.get(17).metric + "\t" + replay.get(17).labelsHash + "\t";
        assertThat(after).hasSize(200).filteredOn(r -> !r.startsWith(changed))
                .isEqualTo(written.stream().filter(r -> !r.startsWith(changed)).toList());
        assertThat(after).filteredOn(r -> r.startsWith(changed)).singleElement()
                .satisfies(r -> assertThat(r).endsWith("\t" + replay.get(17).points))
                .isNotIn(written);
    }

    @Test
    void rowsTheDatabaseRejectsFallBackToBoundStatementsAndAreDeadLetteredWhileEveryGoodRowLands() throws Exception {
        String deadTopic = "dead_bulk_rejected";
        SERVICES.kafka().createTopics(1, deadTopic);
        PostgresSinkConfig pg = config(deadTopic);
        SchemaMigrator.migrate(pg);
        CountingMetricGroup metrics = new CountingMetricGroup();
        List<MetricRow> rows = rows("rejected", 200, 0);
        MetricRow nulName = rows("rejected", 1, 0).get(0);
        nulName.metric = "system.cpu\u0000time";
        MetricRow nulLabel = rows("rejected", 1, 0).get(0);
        nulLabel.metric = "nul.label";
        nulLabel.attributeValues = new String[] {"a\u0000b", "x"};
        rows.add(57, nulName);
        rows.add(150, nulLabel);
        try (SinkWriter<MetricRow> w = writer(pg, metrics)) {
            for (MetricRow r : rows) {
                w.write(r, null);
            }
            w.flush(false);
        }
        assertThat(Pipelines.rows(SERVICES.postgres(), "SELECT count(*), sum(points) FROM metric_1m m JOIN dim_tenant t "
                + "USING (tenant_id) WHERE t.code = 'rejected'")).containsExactly("200\t" + (200 * 2 + 200L * 199 / 2));
        assertThat(metrics.count("rowsDeadLettered")).isEqualTo(2);
        assertThat(metrics.count("rowsCopied")).isZero();
        List<ConsumerRecord<byte[], byte[]>> dead = TopicReader.readToEnd(SERVICES.kafka().bootstrapServers(), deadTopic);
        assertThat(dead).hasSize(2).allSatisfy(r -> {
            assertThat(TopicReader.header(r, RejectedRow.HEADER_TABLE)).isEqualTo("metric_1m");
            assertThat(TopicReader.header(r, RejectedRow.HEADER_CODE)).startsWith("22");
            assertThat(TopicReader.header(r, RejectedRow.HEADER_TOPIC)).isEqualTo(TOPIC);
        });
        assertThat(dead).extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                .anySatisfy(v -> assertThat(v).contains("system.cpu\\u0000time"))
                .anySatisfy(v -> assertThat(v).contains("nul.label"));
    }

    private static SinkWriter<MetricRow> writer(PostgresSinkConfig pg, CountingMetricGroup metrics) throws Exception {
        return new PostgresUpsertSink<>(pg, new MetricRowMapper(TOPIC)).standaloneWriter(metrics);
    }

    private static PostgresSinkConfig config(String deadTopic) {
        return PostgresSinkConfig.builder().jdbcUrl(SERVICES.postgres().jdbcUrl()).batchSize(10_000)
                .deadLetters(RejectedRowTarget.kafka(SERVICES.kafka().bootstrapServers(), deadTopic)).build();
    }

    private static List<String> select(String tenant) throws Exception {
        return Pipelines.rows(SERVICES.postgres(), "SELECT " + COLUMNS + " FROM metric_1m m JOIN dim_tenant t USING (tenant_id) "
                + "JOIN dim_resource r ON r.resource_id = m.resource_id LEFT JOIN dim_resource s "
                + "ON s.resource_id = m.service_resource_id LEFT JOIN kafka_locator l ON l.id = m.sample_ref "
                + "WHERE t.code = '" + tenant + "' ORDER BY 1, 2, 3");
    }

    /** {@code n} rows of every kind over 5 minutes and 7 resources; {@code shift} changes every value. */
    private static List<MetricRow> rows(String tenant, int n, int shift) {
        List<MetricRow> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            MetricRow r = new MetricRow();
            r.bucketStartMillis = MINUTE + (i % 5) * 60_000L;
            r.tenant = tenant;
            r.resourceUrn = i % 2 == 0 ? "urn:host:h" + (i % 7) : "urn:svc:shop/s" + (i % 7);
            r.serviceUrn = i % 3 == 0 ? null : "urn:svc:shop/s" + (i % 7);
            r.serviceName = r.serviceUrn == null ? null : "s" + (i % 7);
            r.serviceNamespace = r.serviceUrn == null ? null : "shop";
            r.metric = "m." + (i % 11);
            r.unit = i % 4 == 0 ? null : "By";
            r.labelsHash = i * 7919L - 150_000L;
            r.attributeKeys = new String[] {"k", "q\"uote"};
            r.attributeValues = new String[] {"v" + i + (i % 9 == 0 ? "a\tb\nc\\d\u00e9\u001b" : ""), "x"};
            r.points = 2 + i + shift;
            r.kafkaRange = new KafkaRange();
            r.kafkaRange.add(i % 3, 100 + i, r.bucketStartMillis);
            r.kafkaRange.add(i % 3, 200 + i + shift, r.bucketStartMillis + 1);
            switch (i % 4) {
                case 0:
                    r.type = MetricType.GAUGE;
                    r.kind = AggregateKind.LEVEL;
                    r.avg = i / 3.0 + shift;
                    r.min = i % 10 == 0 ? Double.NEGATIVE_INFINITY : -1e-300;
                    r.max = i % 10 == 0 ? Double.POSITIVE_INFINITY : 1e300;
                    r.p95 = i % 10 == 0 ? Double.NaN : 0.1 * i;
                    r.last = -0.0;
                    r.kll = new byte[] {1, (byte) i, (byte) 0xff, (byte) shift};
                    break;
                case 1:
                    r.type = MetricType.SUM;
                    r.kind = AggregateKind.RATE;
                    r.total = 1234.5 * i;
                    r.rate = 20.575 * i + shift;
                    r.last = 3.0;
                    r.kll = new byte[] {2, (byte) i};
                    break;
                case 2:
                    r.type = MetricType.HISTOGRAM;
                    r.kind = AggregateKind.HISTOGRAM;
                    r.count = 10L + i;
                    r.sum = 99.25 + shift;
                    r.bucketBounds = new double[] {0.5, 1, Double.POSITIVE_INFINITY};
                    r.bucketCounts = new long[] {1, 2 + shift, 3, 4 + i};
                    break;
                default:
                    r.type = MetricType.EXPONENTIAL_HISTOGRAM;
                    r.kind = AggregateKind.EXPONENTIAL_HISTOGRAM;
                    r.count = 5L + i;
                    r.expScale = 3;
                    r.expZeroCount = shift;
                    r.expPositiveOffset = -2;
                    r.expPositiveCounts = new long[] {1, 2, i};
                    r.expNegativeOffset = 1;
                    r.expNegativeCounts = new long[] {7};
                    break;
            }
            if (r.bucketBounds == null) {
                r.bucketBounds = new double[0];
                r.bucketCounts = new long[0];
            }
            if (r.expPositiveCounts == null) {
                r.expPositiveCounts = new long[0];
                r.expNegativeCounts = new long[0];
            }
            out.add(r);
        }
        return out;
    }
}
