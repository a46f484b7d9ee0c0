package org.otlpanalytics.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.memory.Memory;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.otlpanalytics.jobs.config.JobOptions;
import org.otlpanalytics.jobs.embedded.ClickHouseServer;
import org.otlpanalytics.jobs.sink.clickhouse.ClickHouseHttp;
import org.otlpanalytics.jobs.sink.clickhouse.ClickHouseRangeSql;
import org.otlpanalytics.jobs.sink.clickhouse.ClickHouseSchema;
import org.otlpanalytics.jobs.sink.clickhouse.ClickHouseSinkConfig;
import org.otlpanalytics.jobs.sink.clickhouse.ClickHouseSqlFiles;
import org.otlpanalytics.operators.sketch.LogHistogram;
import org.otlpanalytics.tests.support.PgRows;
import org.otlpanalytics.tests.support.Chdb;
import org.otlpanalytics.tests.support.ChdbHttpServer;
import org.otlpanalytics.tests.support.ClickHouseService;
import org.otlpanalytics.tests.support.Pipelines;
import org.otlpanalytics.tests.support.RangeData;
import org.otlpanalytics.tests.support.RangeData.Fact;
import org.otlpanalytics.tests.support.Services;

/**
 * Issue 9, the ClickHouse half: a day and more of spans with known durations ({@link RangeData})
 * through the RED pipeline into PostgreSQL and ClickHouse 18.16 at once; the minute rows then copied
 * into a current engine (chdb 26.x, when node is there). On both engines the range SQL of
 * sql/clickhouse/range over 1 minute, 17 minutes, 1 hour (aligned and not) and 1 day:
 * <ul>
 *   <li>calls and errors exact, p50/p95/p99 within the log histogram's 0.5% of the exact nearest-rank
 *       value, max exact, distinct traces within 3 HLL standard errors;
 *   <li>equal to PostgreSQL's red_range/service_range (the same buckets, the same estimator) and
 *       span_attr_topk (the same items, counts and bounds);
 *   <li>the sumMap merge is exactly the histogram of the raw durations, and KLL merged in Java agrees;
 *   <li>top-K exact where well separated;
 *   <li>the hourly and daily roll-up views, read by the same range SQL, equal the range over their hour or day.
 * </ul>
 */
class ClickHouseRangeSqlTest {
    /** First: without a ClickHouse server the class is skipped before Kafka and PostgreSQL start. */
    @RegisterExtension
    @Order(1)
    static final ClickHouseService CLICKHOUSE = new ClickHouseService();
    @RegisterExtension
    @Order(2)
    static final Services SERVICES = new Services();

    static final long START = Instant.parse("2026-05-04T00:00:00Z").toEpochMilli();
    static final int MINUTES = 24 * 60 + 20;
    static final long MIN = 60_000L;
    static final double REL = LogHistogram.RELATIVE_ACCURACY;
    static final double HLL_BOUND = 3 * 1.04 / Math.sqrt(2048);
    /** Same-estimator agreement between the stores: the same doubles up to the last bits of pow and ln. */
    static final double SAME = 1e-9;
    static final long[][] RANGES = {
        {START + 605 * MIN, START + 606 * MIN},
        {START + 603 * MIN, START + 620 * MIN},
        {START + 13 * 60 * MIN, START + 14 * 60 * MIN},
        {START + (13 * 60 + 27) * MIN, START + (14 * 60 + 27) * MIN},
        {START, START + 24 * 60 * MIN},
    };
    /** The columns the minute rows are copied with (the DataSketches bytes stay behind: text answers are UTF-8). */
    static final String RED_COLUMNS = "bucket, tenant, service, service_namespace, service_urn, operation, span_kind, status, calls, "
            + "errors, duration_sum_ms, p50_ms, p95_ms, p99_ms, distinct_traces, kafka_offsets, version, duration_min_ms, "
            + "duration_max_ms, duration_idx, duration_cnt, trace_hll_regs";
    static final String ATTR_COLUMNS = "bucket, tenant, service, service_namespace, service_urn, attribute, spans, items, counts, "
            + "max_error, distinct_values, hll_regs, kafka_offsets, version";

    static RangeData data;
    static final Map<String, ClickHouseHttp> ENGINES = new LinkedHashMap<>();
    static Chdb chdb;
    static ChdbHttpServer bridge;

    @BeforeAll
    static void runThePipelineIntoBothStores() throws Exception {
        data = RangeData.generate(42, START, MINUTES);
        String topic = "otlp_spans_chrange";
        SERVICES.kafka().createTopics(2, topic, "otlp_deadletter_chrange");
        SERVICES.kafka().send(data.records(topic, 2));
        ClickHouseServer ch = CLICKHOUSE.server();
        String db = ch.database() + "_range";
        Pipelines.runRed(Pipelines.options(SERVICES.kafka(), SERVICES.postgres(), JobOptions.SPANS_TOPIC, topic,
                JobOptions.DEAD_LETTER_TOPIC, "otlp_deadletter_chrange", JobOptions.RED_ATTRIBUTES, "enduser.id",
                JobOptions.GROUP_ID, "ch-range-sql", JobOptions.SINKS, "postgres,clickhouse", JobOptions.CLICKHOUSE_URL, ch.url(),
                JobOptions.CLICKHOUSE_USER, ch.user() == null ? "" : ch.user(),
                JobOptions.CLICKHOUSE_PASSWORD, ch.password() == null ? "" : ch.password(),
                JobOptions.CLICKHOUSE_DATABASE, db, JobOptions.CLICKHOUSE_RETENTION, "false"), null);
        ClickHouseHttp old = ch.http(db);
        ENGINES.put("18.16", old);
        String why = Chdb.unavailableReason();
        if (why != null) {
            System.out.println("current engine (chdb) not checked: " + why);
            return;
        }
        chdb = Chdb.start();
        bridge = ChdbHttpServer.start(chdb);
        ClickHouseSinkConfig c = ClickHouseSinkConfig.builder().url(bridge.url()).database("range_current").retention(false).build();
        ClickHouseSchema.apply(c);
        ClickHouseHttp current = new ClickHouseHttp(c);
        copy(old, current, "red_1m", RED_COLUMNS, "tenant, service_urn, bucket, operation, span_kind, status");
        copy(old, current, "span_attr_1m", ATTR_COLUMNS, "tenant, service_urn, bucket, attribute");
        ENGINES.put("current " + current.version(), current);
    }

    /** The duplicate-free rows of {@code table} as a VALUES text, in slices. */
    static void copy(ClickHouseHttp from, ClickHouseHttp to, String table, String columns, String order) throws Exception {
        long rows = Long.parseLong(from.query("SELECT count() FROM " + table + " FINAL").trim());
        for (long off = 0; off < rows; off += 5000) {
            String values = from.query("SELECT " + columns + " FROM " + table + " FINAL ORDER BY " + order + " LIMIT " + off + ", 5000 FORMAT Values");
            to.query("INSERT INTO " + table + " (" + columns + ") VALUES " + values);
        }
        assertThat(Long.parseLong(to.query("SELECT count() FROM " + table).trim())).as(table).isEqualTo(rows);
    }

    @AfterAll
    static void stop() throws Exception {
        if (bridge != null) {
            bridge.close();
        }
        if (chdb != null) {
            chdb.close();
        }
    }

    @Test
    void serviceRangesAreWithinTheHistogramErrorOfExactValuesAndEqualPostgres() throws Exception {
        for (Map.Entry<String, ClickHouseHttp> engine : ENGINES.entrySet()) {
            for (long[] range : RANGES) {
                long t0 = System.nanoTime();
                List<Map<String, JsonElement>> result = range(engine.getValue(), "service_range", range);
                System.out.printf("figures: ClickHouse %s service_range over %s: %d rows in %.1f ms%n", engine.getKey(), describe(range),
                        result.size(), (System.nanoTime() - t0) / 1e6);
                Map<String, Map<String, JsonElement>> rows = byKey(result, "tenant", "service");
                assertThat(rows).hasSize(RangeData.SERVICES.length);
                for (String[] svc : RangeData.SERVICES) {
                    String what = engine.getKey() + " " + svc[2] + " " + describe(range);
                    Map<String, JsonElement> row = rows.get(svc[0] + "|" + svc[2]);
                    assertThat(row).as(what).isNotNull();
                    checkExact(row, data.in(range[0], range[1], f -> f.tenant().equals(svc[0]) && f.service().equals(svc[2])
                            && f.kind().equals("SERVER")), data.in(range[0], range[1],
                            f -> f.tenant().equals(svc[0]) && f.service().equals(svc[2]) && f.kind().equals("SERVER")), what);
                }
                checkEqualsPostgres(rows, byKeyPg(pg("SELECT * FROM service_range(?, ?)", range[0], range[1]), "tenant", "service"),
                        engine.getKey() + " service_range " + describe(range));
            }
        }
    }

    @Test
    void operationRangesAreWithinTheHistogramErrorOfExactValuesAndEqualPostgres() throws Exception {
        for (Map.Entry<String, ClickHouseHttp> engine : ENGINES.entrySet()) {
            for (long[] range : RANGES) {
                Map<String, Map<String, JsonElement>> rows = byKey(range(engine.getValue(), "red_range", range),
                        "tenant", "service", "operation", "span_kind");
                Map<String, List<Fact>> expected = data.in(range[0], range[1], f -> true).stream()
                        .collect(Collectors.groupingBy(f -> f.tenant() + "|" + f.service() + "|" + f.operation() + "|" + f.kind()));
                assertThat(rows.keySet()).as(engine.getKey() + " " + describe(range)).isEqualTo(expected.keySet());
                for (Map.Entry<String, Map<String, JsonElement>> r : rows.entrySet()) {
                    // distinct traces of an operation: the traces of its spans
                    checkExact(r.getValue(), expected.get(r.getKey()), expected.get(r.getKey()),
                            engine.getKey() + " " + r.getKey() + " " + describe(range));
                }
                checkEqualsPostgres(rows, byKeyPg(pg("SELECT * FROM red_range(?, ?)", range[0], range[1]), "tenant", "service",
                        "operation", "span_kind"), engine.getKey() + " red_range " + describe(range));
            }
        }
    }

    private static void checkExact(Map<String, JsonElement> row, List<Fact> facts, List<Fact> traceFacts, String what) {
        assertThat(row.get("calls").getAsLong()).as("calls %s", what).isEqualTo(facts.size());
        assertThat(row.get("errors").getAsLong()).as("errors %s", what).isEqualTo(facts.stream().filter(Fact::error).count());
        for (double q : new double[] {0.50, 0.95, 0.99}) {
            double exact = RangeData.nearestRank(facts, q);
            double sql = row.get("p" + (int) Math.round(q * 100) + "_ms").getAsDouble();
            assertThat(sql).as("p%d %s", Math.round(q * 100), what).isCloseTo(exact, Offset.offset(REL * exact * (1 + 1e-9) + 1e-12));
        }
        assertThat(row.get("max_ms").getAsDouble()).as("max %s", what)
                .isEqualTo(facts.stream().mapToDouble(Fact::durationMs).max().orElseThrow());
        long traces = RangeData.distinctTraces(traceFacts);
        assertThat(row.get("distinct_traces").getAsDouble()).as("distinct traces %s", what)
                .isCloseTo(traces, Offset.offset(HLL_BOUND * traces));
    }

    private static void checkEqualsPostgres(Map<String, Map<String, JsonElement>> ch, Map<String, Map<String, Object>> pg, String what) {
        assertThat(ch.keySet()).as(what).isEqualTo(pg.keySet());
        for (String k : pg.keySet()) {
            for (String c : new String[] {"calls", "errors"}) {
                assertThat(ch.get(k).get(c).getAsLong()).as("%s %s %s", what, k, c).isEqualTo(((Number) pg.get(k).get(c)).longValue());
            }
            for (String c : new String[] {"p50_ms", "p95_ms", "p99_ms", "min_ms", "max_ms", "distinct_traces"}) {
                double p = ((Number) pg.get(k).get(c)).doubleValue();
                assertThat(ch.get(k).get(c).getAsDouble()).as("%s %s %s", what, k, c).isCloseTo(p, Offset.offset(SAME * Math.abs(p) + 1e-12));
            }
        }
    }

    @Test
    void mergedHistogramIsTheHistogramOfTheRawDurationsAndKllMergedInJavaAgrees() throws Exception {
        ClickHouseHttp old = ENGINES.get("18.16");
        for (long[] range : new long[][] {RANGES[1], RANGES[3], RANGES[4]}) {
            for (String[] svc : RangeData.SERVICES) {
                List<Fact> facts = data.in(range[0], range[1], f -> f.tenant().equals(svc[0]) && f.service().equals(svc[2])
                        && f.kind().equals("SERVER"));
                String what = svc[2] + " " + describe(range);
                String where = " FROM red_1m FINAL WHERE bucket >= toDateTime(" + range[0] / 1000 + ", 'UTC') AND bucket < toDateTime("
                        + range[1] / 1000 + ", 'UTC') AND tenant = '" + svc[0] + "' AND service = '" + svc[2] + "' AND span_kind = 'SERVER'";
                LogHistogram raw = new LogHistogram();
                facts.forEach(f -> raw.add(f.durationMs()));
                for (ClickHouseHttp engine : ENGINES.values()) {
                    Map<String, JsonElement> merged = ClickHouseService.rows(engine,
                            "SELECT tupleElement(h, 1) AS idx, tupleElement(h, 2) AS cnt FROM (SELECT sumMap(duration_idx, duration_cnt) AS h" + where + ")").get(0);
                    assertThat(ints(merged.get("idx"))).as("buckets %s", what).containsExactly(raw.sparseIndexes());
                    assertThat(longs(merged.get("cnt"))).as("counts %s", what).containsExactly(raw.sparseCounts());
                }
                KllDoublesSketch kll = null;
                for (Map<String, JsonElement> r : ClickHouseService.rows(old, "SELECT hex(duration_kll) AS kll" + where)) {
                    KllDoublesSketch s = KllDoublesSketch.heapify(Memory.wrap(hex(r.get("kll").getAsString())));
                    if (kll == null) {
                        kll = s;
                    } else {
                        kll.merge(s);
                    }
                }
                double eps = kll.getNormalizedRankError(false);
                Map<String, JsonElement> row = byKey(range(old, "service_range", range), "tenant", "service").get(svc[0] + "|" + svc[2]);
                for (double q : new double[] {0.50, 0.95, 0.99}) {
                    double sql = row.get("p" + (int) Math.round(q * 100) + "_ms").getAsDouble();
                    double lo = kll.getQuantile(Math.max(0, q - eps)) * (1 - REL) - 1e-12;
                    double hi = kll.getQuantile(Math.min(1, q + eps)) * (1 + REL) + 1e-12;
                    assertThat(sql).as("p%d %s against KLL (rank error %.4f)", Math.round(q * 100), what, eps).isBetween(lo, hi);
                }
            }
        }
    }

    @Test
    void topValuesAreExactWhereWellSeparatedAndEqualPostgres() throws Exception {
        for (Map.Entry<String, ClickHouseHttp> engine : ENGINES.entrySet()) {
            for (long[] range : RANGES) {
                List<Map<String, JsonElement>> top = range(engine.getValue(), "span_attr_topk", range);
                List<String> ch = new ArrayList<>();
                for (Map<String, JsonElement> t : top) {
                    ch.add(String.join("|", t.get("tenant").getAsString(), t.get("service").getAsString(), t.get("attribute").getAsString(),
                            t.get("item").getAsString(), t.get("count").getAsString(), t.get("count_upper").getAsString(),
                            t.get("max_error").getAsString(), t.get("rank").getAsString()));
                }
                List<String> pg = new ArrayList<>();
                for (String dim : new String[] {"enduser.id", "error.route", "error.type", "slow.peer"}) {
                    for (Map<String, Object> t : pg("SELECT * FROM span_attr_topk(?, ?, ?)", range[0], range[1], dim)) {
                        pg.add(String.join("|", (String) t.get("tenant"), (String) t.get("service"), dim, (String) t.get("item"),
                                t.get("count").toString(), t.get("count_upper").toString(), t.get("max_error").toString(),
                                t.get("rank").toString()));
                    }
                }
                assertThat(ch).as("%s span_attr_topk %s", engine.getKey(), describe(range)).isNotEmpty()
                        .containsExactlyInAnyOrderElementsOf(pg);
            }
            // over the day, error types, routes and slow peers are few and well separated: exact, nothing folded
            long[] day = RANGES[RANGES.length - 1];
            Map<String, java.util.function.Function<Fact, String>> dims = Map.of(
                    "error.type", f -> f.error() ? f.errorType() : null,
                    "error.route", f -> f.error() ? f.route() : null,
                    "slow.peer", f -> f.kind().equals("CLIENT") && f.durationNanos() >= 500_000_000L ? f.peer() : null);
            List<Map<String, JsonElement>> top = range(engine.getValue(), "span_attr_topk", day);
            for (Map.Entry<String, java.util.function.Function<Fact, String>> dim : dims.entrySet()) {
                for (String[] svc : RangeData.SERVICES) {
                    Map<String, Long> exact = RangeData.counts(data.in(day[0], day[1],
                            f -> f.tenant().equals(svc[0]) && f.service().equals(svc[2])), dim.getValue());
                    List<String> expected = exact.entrySet().stream()
                            .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                            .map(e -> e.getKey() + "=" + e.getValue() + "±0").collect(Collectors.toList());
                    List<String> got = top.stream().filter(t -> t.get("tenant").getAsString().equals(svc[0])
                            && t.get("service").getAsString().equals(svc[2]) && t.get("attribute").getAsString().equals(dim.getKey()))
                            .map(t -> t.get("item").getAsString() + "=" + t.get("count").getAsString() + "±" + t.get("max_error").getAsString())
                            .collect(Collectors.toList());
                    assertThat(got).as("%s %s of %s", engine.getKey(), dim.getKey(), svc[2]).isNotEmpty().containsExactlyElementsOf(expected);
                }
            }
        }
    }

    @Test
    void hourlyAndDailyRollupsReadByTheRangeSqlEqualTheRangeOverTheirHourAndDay() throws Exception {
        for (Map.Entry<String, ClickHouseHttp> engine : ENGINES.entrySet()) {
            for (long[] period : new long[][] {{START + 13 * 60 * MIN, 60 * MIN, 0}, {START + 20 * 60 * MIN, 60 * MIN, 0},
                    {START, 24 * 60 * MIN, 1}}) {
                long[] range = {period[0], period[0] + period[1]};
                String view = period[2] == 0 ? "red_1h" : "red_1d";
                for (String q : new String[] {"red_range", "service_range"}) {
                    String minutes = ClickHouseRangeSql.bound(q, Instant.ofEpochMilli(range[0]), Instant.ofEpochMilli(range[1]));
                    assertThat(minutes).contains("FROM red_1m FINAL");
                    List<Map<String, JsonElement>> fromMinutes = ClickHouseService.rows(engine.getValue(), minutes);
                    List<Map<String, JsonElement>> fromRollup = ClickHouseService.rows(engine.getValue(),
                            minutes.replace("FROM red_1m FINAL", "FROM " + view));
                    String what = engine.getKey() + " " + q + " from " + view + " " + describe(range);
                    assertThat(fromRollup).as(what).isNotEmpty().hasSameSizeAs(fromMinutes);
                    for (int i = 0; i < fromMinutes.size(); i++) {
                        Map<String, JsonElement> a = fromRollup.get(i);
                        Map<String, JsonElement> b = fromMinutes.get(i);
                        assertThat(a.keySet()).as(what).isEqualTo(b.keySet());
                        for (String c : b.keySet()) {
                            if (c.equals("duration_sum_ms")) {
                                // a float sum in another order: equal up to rounding
                                assertThat(a.get(c).getAsDouble()).as("%s row %d %s", what, i, c)
                                        .isCloseTo(b.get(c).getAsDouble(), Offset.offset(1e-9 * Math.abs(b.get(c).getAsDouble())));
                            } else {
                                // counts, quantiles (the same merged histogram) and the HLL estimate (the same registers): identical
                                assertThat(a.get(c)).as("%s row %d %s", what, i, c).isEqualTo(b.get(c));
                            }
                        }
                    }
                }
                assertThat(Long.parseLong(engine.getValue().query("SELECT count() FROM " + view + " WHERE bucket = toDateTime("
                        + range[0] / 1000 + ", 'UTC')").trim())).as(view).isPositive();
            }
            // the other roll-ups run on this engine (their minute tables are empty in this run: the red pipeline only)
            for (String v : new String[] {"service_call_1h", "service_call_1d", "log_pattern_1h", "log_pattern_1d"}) {
                assertThat(engine.getValue().query("SELECT count() FROM " + v).trim()).as(v).isEqualTo("0");
            }
        }
    }

    @Test
    void everyRangeFileIsOneOfTheQueriesAbove() {
        // metric_range.sql runs in MetricRangeSqlTest (metric_1m's histograms)
        assertThat(ClickHouseSqlFiles.range().keySet()).containsExactly("metric_range.sql", "red_range.sql", "service_range.sql", "span_attr_topk.sql");
    }

    static List<Map<String, JsonElement>> range(ClickHouseHttp http, String name, long[] range) throws Exception {
        return ClickHouseService.rows(http, ClickHouseRangeSql.bound(name, Instant.ofEpochMilli(range[0]), Instant.ofEpochMilli(range[1])));
    }

    static String describe(long[] range) {
        return "[" + Instant.ofEpochMilli(range[0]) + ", " + Instant.ofEpochMilli(range[1]) + ")";
    }

    static Map<String, Map<String, JsonElement>> byKey(List<Map<String, JsonElement>> rows, String... keys) {
        Map<String, Map<String, JsonElement>> out = new HashMap<>();
        for (Map<String, JsonElement> r : rows) {
            List<String> parts = new ArrayList<>();
            for (String k : keys) {
                parts.add(r.get(k).getAsString());
            }
            assertThat(out.put(String.join("|", parts), r)).as("one row per %s", String.join("|", parts)).isNull();
        }
        return out;
    }

    static Map<String, Map<String, Object>> byKeyPg(List<Map<String, Object>> rows, String... keys) {
        return PgRows.byKey(rows, keys);
    }

    /** Rows of a PostgreSQL query; longs that are times are bound as timestamps. */
    static List<Map<String, Object>> pg(String sql, Object... params) throws Exception {
        return PgRows.query(SERVICES.postgres(), sql, params);
    }

    static int[] ints(JsonElement a) {
        int[] out = new int[a.getAsJsonArray().size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.getAsJsonArray().get(i).getAsInt();
        }
        return out;
    }

    static long[] longs(JsonElement a) {
        long[] out = new long[a.getAsJsonArray().size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.getAsJsonArray().get(i).getAsLong();
        }
        return out;
    }

    static byte[] hex(String s) {
        byte[] out = new byte[s.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        }
        return out;
    }
}
