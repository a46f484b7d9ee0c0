package org.otlpanalytics.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.JsonElement;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.memory.Memory;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.otlpanalytics.jobs.embedded.ClickHouseServer;
import org.otlpanalytics.jobs.embedded.PostgresServer;
import org.otlpanalytics.jobs.sink.clickhouse.ClickHouseHttp;
import org.otlpanalytics.jobs.sink.clickhouse.ClickHouseSchema;
import org.otlpanalytics.jobs.sink.clickhouse.ClickHouseSink;
import org.otlpanalytics.jobs.sink.clickhouse.ClickHouseSinkConfig;
import org.otlpanalytics.jobs.sink.clickhouse.ClickHouseSqlFiles;
import org.otlpanalytics.jobs.sink.postgres.MetricRowMapper;
import org.otlpanalytics.jobs.sink.postgres.PostgresSinkConfig;
import org.otlpanalytics.jobs.sink.postgres.PostgresUpsertSink;
import org.otlpanalytics.jobs.sink.postgres.RekeyDimensionsMigration;
import org.otlpanalytics.jobs.sink.postgres.SchemaMigrator;
import org.otlpanalytics.jobs.sink.postgres.TimescaleSetup;
import org.otlpanalytics.jobs.sink.rejected.RejectedRowTarget;
import org.otlpanalytics.operators.metrics.MetricRow;
import org.otlpanalytics.operators.metrics.ValueHistogram;
import org.otlpanalytics.operators.sketch.LogHistogram;
import org.otlpanalytics.tests.support.PgRows;
import org.otlpanalytics.tests.support.Chdb;
import org.otlpanalytics.tests.support.ChdbHttpServer;
import org.otlpanalytics.tests.support.ClickHouseService;
import org.otlpanalytics.tests.support.CountingMetricGroup;
import org.otlpanalytics.tests.support.MetricRangeData;
import org.otlpanalytics.tests.support.Services;

/**
 * Issue 9 for {@code metric_1m}: a day and more of gauge, explicit-histogram and exponential-histogram
 * values, made into minute rows by the metrics operator and written by the real PostgreSQL and
 * ClickHouse row mappers, then the range SQL over 1 minute, 17 minutes, 1 hour (aligned and not) and
 * 1 day against the raw values:
 * <ul>
 *   <li>PostgreSQL {@code metric_range}: gauge p50/p95/p99 within 0.5% of the exact nearest-rank value
 *       (1e-6 absolute at zero), and agreeing with DataSketches KLL merged in Java from the rows'
 *       value_kll within its rank error; the SQL merge of the rows' arrays is exactly the histogram of
 *       the raw values; explicit histograms between the exact value and the upper bound of its bucket
 *       (±0.5%); exponential histograms within (base-1)/(base+1) and 0.5%;
 *   <li>the hourly and daily roll-ups equal the range SQL of their hour and day;
 *   <li>ClickHouse {@code sql/clickhouse/range/metric_range.sql} on 18.16 (into a table created before
 *       the columns existed, which the schema step extends in place) and on a current engine (chdb):
 *       the same numbers as PostgreSQL.
 * </ul>
 */
class MetricRangeSqlTest {
    @RegisterExtension
    static final Services SERVICES = new Services();

    static final long START = Instant.parse("2026-05-04T00:00:00Z").toEpochMilli();
    static final int MINUTES = 24 * 60 + 20;
    static final long MIN = 60_000L;
    static final double REL = LogHistogram.RELATIVE_ACCURACY;
    static final long[][] RANGES = {
        {START + 605 * MIN, START + 606 * MIN},
        {START + 603 * MIN, START + 620 * MIN},
        {START + 13 * 60 * MIN, START + 14 * 60 * MIN},
        {START + (13 * 60 + 27) * MIN, START + (14 * 60 + 27) * MIN},
        {START, START + 24 * 60 * MIN},
    };
    static final String[] PS = {"p50", "p95", "p99"};
    static final double[] QS = {0.50, 0.95, 0.99};

    static MetricRangeData data;
    static ClickHouseServer old;
    static Chdb chdb;
    static ChdbHttpServer current;

    @BeforeAll
    static void writeTheRows() throws Exception {
        data = MetricRangeData.generate(9, START, MINUTES);
        SERVICES.kafka().createTopics(1, "dead_metric_range");
        PostgresSinkConfig pg = PostgresSinkConfig.builder().jdbcUrl(SERVICES.postgres().jdbcUrl()).batchSize(500)
                .deadLetters(RejectedRowTarget.kafka(SERVICES.kafka().bootstrapServers(), "dead_metric_range")).build();
        SchemaMigrator.migrate(pg);
        try (SinkWriter<MetricRow> w = new PostgresUpsertSink<>(pg, new MetricRowMapper("otlp_metrics"))
                .standaloneWriter(new CountingMetricGroup())) {
            for (MetricRow r : data.rows()) {
                w.write(r, null);
            }
            w.flush(false);
        }
    }

    @AfterAll
    static void stopClickHouse() throws Exception {
        if (old != null) {
            old.close();
        }
        if (current != null) {
            current.close();
        }
        if (chdb != null) {
            chdb.close();
        }
    }

    @Test
    void gaugeQuantilesOfAnyRangeAreWithinHalfAPercentOfNearestRankAndKllMergedInJavaAgrees() throws Exception {
        for (long[] range : RANGES) {
            Map<String, Object> row = pgRow(range, MetricRangeData.GAUGE);
            double[] exact = data.values(MetricRangeData.GAUGE, range[0], range[1]);
            String what = "gauge " + describe(range);
            assertThat(num(row, "points")).as(what).isEqualTo(exact.length);
            assertThat(num(row, "observations")).as(what).isEqualTo(exact.length);
            assertThat(num(row, "min")).as(what).isEqualTo(exact[0]);
            assertThat(num(row, "max")).as(what).isEqualTo(exact[exact.length - 1]);
            assertThat(num(row, "avg")).as(what).isCloseTo(java.util.Arrays.stream(exact).average().orElseThrow(), within(1e-9));
            KllDoublesSketch kll = mergedKll(range);
            double eps = kll.getNormalizedRankError(false);
            for (int i = 0; i < QS.length; i++) {
                double truth = MetricRangeData.nearestRank(exact, QS[i]);
                double sql = num(row, PS[i]);
                assertThat(sql).as("%s %s", PS[i], what).isCloseTo(truth, within(REL * Math.abs(truth) * (1 + 1e-9) + 1e-6));
                double lo = kll.getQuantile(Math.max(0, QS[i] - eps));
                double hi = kll.getQuantile(Math.min(1, QS[i] + eps));
                assertThat(sql).as("%s %s against KLL (rank error %.4f)", PS[i], what, eps)
                        .isBetween(lo - REL * Math.abs(lo) - 1e-6, hi + REL * Math.abs(hi) + 1e-6);
            }
        }
    }

    @Test
    void theSqlMergeOfTheRowsIsTheHistogramOfTheRawValues() throws Exception {
        for (long[] range : RANGES) {
            ValueHistogram raw = new ValueHistogram();
            for (double v : data.values(MetricRangeData.GAUGE, range[0], range[1])) {
                raw.add(v, 1);
            }
            Map<String, Object> merged = query("SELECT (h).idx, (h).cnt FROM (SELECT loghist_merge(value_idx, value_cnt) h "
                    + "FROM metric_1m WHERE bucket >= ? AND bucket < ? AND metric = ?) x", range[0], range[1],
                    MetricRangeData.GAUGE).get(0);
            assertThat(RangeSqlTest.ints(merged.get("idx"))).as(describe(range)).containsExactly(raw.sparseIndexes());
            assertThat(RangeSqlTest.longs(merged.get("cnt"))).as(describe(range)).containsExactly(raw.sparseCounts());
        }
    }

    @Test
    void explicitHistogramQuantilesLieBetweenTheExactValueAndItsBucketsUpperBound() throws Exception {
        for (long[] range : RANGES) {
            Map<String, Object> row = pgRow(range, MetricRangeData.HISTOGRAM);
            double[] exact = data.values(MetricRangeData.HISTOGRAM, range[0], range[1]);
            String what = "histogram " + describe(range);
            assertThat(num(row, "observations")).as(what).isEqualTo(exact.length);
            assertThat(num(row, "max")).as(what).isEqualTo(exact[exact.length - 1]);
            for (int i = 0; i < QS.length; i++) {
                double truth = MetricRangeData.nearestRank(exact, QS[i]);
                double upper = Math.min(MetricRangeData.upperBound(truth), exact[exact.length - 1]);
                assertThat(num(row, PS[i])).as("%s %s (exact %s)", PS[i], what, truth)
                        .isBetween(truth * (1 - REL), upper * (1 + REL));
            }
        }
    }

    @Test
    void exponentialHistogramQuantilesAreWithinTheBucketAndHistogramErrors() throws Exception {
        double bound = (1 + MetricRangeData.exponentialError()) * (1 + REL) - 1;
        for (long[] range : RANGES) {
            Map<String, Object> row = pgRow(range, MetricRangeData.EXPONENTIAL);
            double[] exact = data.values(MetricRangeData.EXPONENTIAL, range[0], range[1]);
            String what = "exponential histogram " + describe(range);
            assertThat(num(row, "observations")).as(what).isEqualTo(exact.length);
            for (int i = 0; i < QS.length; i++) {
                double truth = MetricRangeData.nearestRank(exact, QS[i]);
                assertThat(num(row, PS[i])).as("%s %s", PS[i], what).isCloseTo(truth, within(bound * truth));
            }
        }
    }

    @Test
    void hourlyAndDailyRollupsEqualTheRangeSqlOfTheirHourAndDay() throws Exception {
        String noTimescale;
        try (Connection c = SERVICES.postgres().connect()) {
            noTimescale = TimescaleSetup.unavailableReason(c);
        }
        if (noTimescale == null) {
            try (Connection c = SERVICES.postgres().connect(); java.sql.Statement st = c.createStatement()) {
                st.execute("CALL refresh_continuous_aggregate('metric_1h', NULL, NULL)");
                st.execute("CALL refresh_continuous_aggregate('metric_1d', NULL, NULL)");
            }
        } else {
            System.out.println("metric_1h/metric_1d checked as the plain views of V32 (" + noTimescale + ")");
        }
        int compared = 0;
        for (long[] period : new long[][] {{START + 13 * 60 * MIN, 60 * MIN, 0}, {START + 20 * 60 * MIN, 60 * MIN, 0},
                {START, 24 * 60 * MIN, 1}}) {
            String table = period[2] == 0 ? "metric_1h" : "metric_1d";
            for (String metric : new String[] {MetricRangeData.GAUGE, MetricRangeData.HISTOGRAM, MetricRangeData.EXPONENTIAL}) {
                Map<String, Object> roll = query("SELECT r.* FROM " + table + " r WHERE r.bucket = ? AND r.metric = ?",
                        period[0], metric).get(0);
                Map<String, Object> range = pgRow(new long[] {period[0], period[0] + period[1]}, metric);
                for (String c : new String[] {"p50", "p95", "p99", "points"}) {
                    assertThat(num(roll, c)).as("%s %s %s", table, metric, c).isEqualTo(num(range, c));
                }
                compared++;
            }
        }
        assertThat(compared).isEqualTo(9);
    }

    /**
     * A TimescaleDB database of the release before V32 has metric_1h/metric_1d as continuous aggregates
     * without the value histogram: the job's migration at start (V32, then timescaledb.sql) replaces them
     * with ones that carry it. Skipped, with the reason, without TimescaleDB.
     */
    @Test
    void continuousAggregatesOfTheReleaseBeforeAreReplacedAtStart() throws Exception {
        String why;
        try (Connection c = SERVICES.postgres().connect()) {
            why = TimescaleSetup.unavailableReason(c);
        }
        Assumptions.assumeTrue(why == null, "SKIPPED: TimescaleDB is not installable here (" + why + ")");
        try (PostgresServer fresh = PostgresServer.start()) {
            org.flywaydb.core.Flyway.configure().dataSource(fresh.jdbcUrl(), null, null).locations("classpath:db/migration")
                    .javaMigrations(new RekeyDimensionsMigration()).target("31").load().migrate();
            try (Connection c = fresh.connect(); java.sql.Statement st = c.createStatement()) {
                st.execute("CREATE EXTENSION IF NOT EXISTS timescaledb");
                st.execute("SELECT create_hypertable('metric_1m', by_range('bucket', INTERVAL '1 day'), migrate_data => TRUE)");
                st.execute("DROP VIEW metric_1d");
                st.execute("DROP VIEW metric_1h");
                // the aggregates as the release before defined them (sql/postgres/timescaledb.sql before V32)
                st.execute("CREATE MATERIALIZED VIEW metric_1h WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS "
                        + "SELECT time_bucket(INTERVAL '1 hour', bucket) AS bucket, tenant_id, resource_id, metric, labels_hash, "
                        + "sum(points)::bigint AS points, sum(avg * points) / nullif(sum(points), 0) AS avg, min(min) AS min, "
                        + "max(max) AS max, sum(total) AS total, sum(count)::bigint AS count, sum(sum) AS sum "
                        + "FROM metric_1m GROUP BY 1, 2, 3, 4, 5 WITH NO DATA");
                st.execute("CREATE MATERIALIZED VIEW metric_1d WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS "
                        + "SELECT time_bucket(INTERVAL '1 day', bucket) AS bucket, tenant_id, resource_id, metric, labels_hash, "
                        + "sum(points)::bigint AS points, sum(avg * points) / nullif(sum(points), 0) AS avg, min(min) AS min, "
                        + "max(max) AS max, sum(total) AS total, sum(count)::bigint AS count, sum(sum) AS sum "
                        + "FROM metric_1h GROUP BY 1, 2, 3, 4, 5 WITH NO DATA");
            }
            SchemaMigrator.Result r = SchemaMigrator.migrate(PostgresSinkConfig.builder().jdbcUrl(fresh.jdbcUrl()).build());
            assertThat(r.migrationsApplied).as("V32 and V33").isEqualTo(2);
            try (Connection c = fresh.connect(); java.sql.Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT table_name, count(*) FROM information_schema.columns "
                            + "WHERE table_name IN ('metric_1h', 'metric_1d') AND column_name IN ('value_idx', 'value_cnt', 'p95') "
                            + "GROUP BY 1 ORDER BY 1")) {
                List<String> found = new ArrayList<>();
                while (rs.next()) {
                    found.add(rs.getString(1) + "=" + rs.getLong(2));
                }
                assertThat(found).containsExactly("metric_1d=3", "metric_1h=3");
            }
        }
    }

    @Test
    void clickHouse1816RangeSqlGivesPostgresNumbersOnATableExtendedInPlace() throws Exception {
        String why = ClickHouseService.unavailableReason();
        Assumptions.assumeTrue(why == null, "SKIPPED: no ClickHouse server (" + why + ")");
        old = ClickHouseServer.start();
        ClickHouseSinkConfig c = old.config().database("metric_range").retention(false).build();
        ClickHouseHttp http = new ClickHouseHttp(c);
        http.queryWithoutDatabase("CREATE DATABASE IF NOT EXISTS metric_range");
        // the table of the release before: every column but the value histogram
        String created = ClickHouseSchema.statements(http.version(), false).stream()
                .filter(s -> s.startsWith("CREATE TABLE IF NOT EXISTS metric_1m")).findFirst().orElseThrow();
        http.query(created.replaceAll("\\n\\s*value_(idx|cnt)\\s+Array\\([A-Za-z0-9]+\\),", ""));
        assertThat(http.query("SELECT count() FROM system.columns WHERE database = 'metric_range' AND table = 'metric_1m' "
                + "AND name LIKE 'value_%'").trim()).isEqualTo("1"); // value_kll only
        ClickHouseSchema.apply(c);
        ClickHouseSchema.apply(c); // twice: the columns are added once
        assertThat(http.query("SELECT count() FROM system.columns WHERE database = 'metric_range' AND table = 'metric_1m' "
                + "AND name LIKE 'value_%'").trim()).isEqualTo("3");
        writeAndCompare(c, http);
    }

    @Test
    void currentClickHouseRangeSqlGivesPostgresNumbers() throws Exception {
        String why = Chdb.unavailableReason();
        Assumptions.assumeTrue(why == null, "SKIPPED: no chdb (" + why + ")");
        chdb = Chdb.start();
        current = ChdbHttpServer.start(chdb);
        ClickHouseSinkConfig c = ClickHouseSinkConfig.builder().url(current.url()).database("metric_range").retention(false).build();
        ClickHouseHttp http = new ClickHouseHttp(c);
        http.queryWithoutDatabase("CREATE DATABASE IF NOT EXISTS metric_range");
        ClickHouseSchema.apply(c);
        writeAndCompare(c, http);
    }

    private void writeAndCompare(ClickHouseSinkConfig c, ClickHouseHttp http) throws Exception {
        try (SinkWriter<MetricRow> w = new ClickHouseSink<>(c, new org.otlpanalytics.jobs.sink.clickhouse.MetricRowMapper("otlp_metrics"))
                .standaloneWriter(new CountingMetricGroup())) {
            for (MetricRow r : data.rows()) {
                w.write(r, null);
            }
            w.flush(false);
        }
        String sql = rangeSql();
        int compared = 0;
        for (long[] range : RANGES) {
            String q = sql.replace("{t_from:DateTime}", "toDateTime(" + range[0] / 1000 + ")")
                    .replace("{t_to:DateTime}", "toDateTime(" + range[1] / 1000 + ")");
            List<Map<String, JsonElement>> rows = ClickHouseService.rows(http, q);
            assertThat(rows).as(describe(range)).hasSize(3);
            for (Map<String, JsonElement> ch : rows) {
                String metric = ch.get("metric").getAsString();
                Map<String, Object> pg = pgRow(range, metric);
                for (String col : new String[] {"points", "observations", "p50", "p95", "p99", "min", "max"}) {
                    assertThat(ch.get(col).getAsDouble()).as("%s %s %s", metric, col, describe(range))
                            .isCloseTo(num(pg, col), within(1e-9 * Math.abs(num(pg, col)) + 1e-12));
                }
                compared++;
            }
        }
        assertThat(compared).isEqualTo(3 * RANGES.length);
        // the roll-up views (140_metric_rollups.sql): the range SQL over an hour's / a day's roll-up row gives
        // what it gives over that hour's / day's minute rows
        int rolled = 0;
        for (long[] period : new long[][] {{START + 13 * 60 * MIN, 60 * MIN}, {START + 20 * 60 * MIN, 60 * MIN},
                {START, 24 * 60 * MIN}}) {
            String view = period[1] == 60 * MIN ? "metric_1h" : "metric_1d";
            String bounds = "toDateTime(" + period[0] / 1000 + ")";
            String q = sql.replace("{t_from:DateTime}", bounds).replace("{t_to:DateTime}", "toDateTime(" + (period[0] + period[1]) / 1000 + ")");
            assertThat(q).contains("FROM metric_1m FINAL");
            List<Map<String, JsonElement>> minutes = ClickHouseService.rows(http, q);
            List<Map<String, JsonElement>> rolledUp = ClickHouseService.rows(http, q.replace("FROM metric_1m FINAL", "FROM " + view));
            assertThat(minutes).as(view).hasSize(3);
            assertThat(rolledUp).as(view).hasSize(3);
            for (int i = 0; i < minutes.size(); i++) {
                for (String col : new String[] {"metric", "points", "observations", "p50", "p95", "p99", "min", "max", "avg"}) {
                    JsonElement a = minutes.get(i).get(col);
                    JsonElement b = rolledUp.get(i).get(col);
                    if (col.equals("metric") || a.isJsonNull()) {
                        assertThat(b).as("%s %s", view, col).isEqualTo(a);
                    } else {
                        assertThat(b.getAsDouble()).as("%s %s %s", view, minutes.get(i).get("metric"), col)
                                .isCloseTo(a.getAsDouble(), within(1e-9 * Math.abs(a.getAsDouble()) + 1e-12));
                    }
                }
                rolled++;
            }
        }
        assertThat(rolled).isEqualTo(9);
    }

    static String rangeSql() throws Exception {
        try (InputStream in = MetricRangeSqlTest.class.getClassLoader().getResourceAsStream("clickhouse/range/metric_range.sql")) {
            assertThat(in).as("clickhouse/range/metric_range.sql on the class path").isNotNull();
            return ClickHouseSqlFiles.withoutComments(new String(in.readAllBytes(), StandardCharsets.UTF_8)).strip();
        }
    }

    private static Map<String, Object> pgRow(long[] range, String metric) throws Exception {
        List<Map<String, Object>> rows = query("SELECT * FROM metric_range(?, ?) WHERE metric = ?", range[0], range[1],
                metric);
        assertThat(rows).as("%s %s", metric, describe(range)).hasSize(1);
        return rows.get(0);
    }

    private static KllDoublesSketch mergedKll(long[] range) throws Exception {
        KllDoublesSketch kll = null;
        for (Map<String, Object> r : query("SELECT value_kll FROM metric_1m WHERE bucket >= ? AND bucket < ? AND metric = ?",
                range[0], range[1], MetricRangeData.GAUGE)) {
            KllDoublesSketch s = KllDoublesSketch.heapify(Memory.wrap((byte[]) r.get("value_kll")));
            if (kll == null) {
                kll = s;
            } else {
                kll.merge(s);
            }
        }
        return kll;
    }

    private static double num(Map<String, Object> row, String col) {
        assertThat(row.get(col)).as(col).isNotNull();
        return ((Number) row.get(col)).doubleValue();
    }

    static String describe(long[] range) {
        return RangeSqlTest.describe(range);
    }

    /** Rows of a query on this class's PostgreSQL as column → value maps; long parameters past 2001 are bound as timestamps. */
    static List<Map<String, Object>> query(String sql, Object... params) throws Exception {
        return PgRows.query(SERVICES.postgres(), sql, params);
    }
}
