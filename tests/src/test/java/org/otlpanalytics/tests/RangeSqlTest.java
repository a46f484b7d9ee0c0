package org.otlpanalytics.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.datasketches.common.ArrayOfStringsSerDe;
import org.apache.datasketches.frequencies.ErrorType;
import org.apache.datasketches.frequencies.ItemsSketch;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;
import org.apache.datasketches.hll.Union;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.memory.Memory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.otlpanalytics.jobs.config.JobOptions;
import org.otlpanalytics.jobs.sink.postgres.TimescaleSetup;
import org.otlpanalytics.operators.sketch.HllRegisters;
import org.otlpanalytics.operators.sketch.LogHistogram;
import org.otlpanalytics.tests.support.PgRows;
import org.otlpanalytics.tests.support.Pipelines;
import org.otlpanalytics.tests.support.RangeData;
import org.otlpanalytics.tests.support.RangeData.Fact;
import org.otlpanalytics.tests.support.Services;

/**
 * Issue 9, "how we will know": a day and more of spans with known durations through the RED
 * pipeline into PostgreSQL, then the range SQL (sql/postgres V31__sql_sketches) over 1 minute, 17 minutes, 1 hour
 * (aligned and not) and 1 day against exact values computed from the generated spans and against
 * DataSketches merging the same rows in Java:
 * <ul>
 *   <li>p50/p95/p99 within the log histogram's 0.5% of the exact nearest-rank value; the merged
 *       histogram is exactly the histogram of the raw durations; KLL merged in Java agrees within
 *       its rank error and the histogram's 0.5%;
 *   <li>distinct traces and users within 3 standard errors of the HLL (3 × 1.04/√2048 = 6.9%), and
 *       the SQL union of the registers equals DataSketches' union, register for register;
 *   <li>top-K error types, routes and slow peers exact (well separated, nothing folded), the heavy
 *       user first with bounds that hold, and DataSketches' frequent-items merge agrees;
 *   <li>hourly and daily roll-ups equal the range SQL of their hour and day.
 * </ul>
 */
class RangeSqlTest {
    @RegisterExtension
    static final Services SERVICES = new Services();

    static final long START = Instant.parse("2026-05-04T00:00:00Z").toEpochMilli();
    static final int MINUTES = 24 * 60 + 20;
    static final long MIN = 60_000L;
    static final double REL = LogHistogram.RELATIVE_ACCURACY;
    static final double HLL_BOUND = 3 * 1.04 / Math.sqrt(2048);
    /** The ranges of the issue: 1 minute, 17 minutes, 1 hour aligned and not, 1 day. */
    static final long[][] RANGES = {
        {START + 605 * MIN, START + 606 * MIN},
        {START + 603 * MIN, START + 620 * MIN},
        {START + 13 * 60 * MIN, START + 14 * 60 * MIN},
        {START + (13 * 60 + 27) * MIN, START + (14 * 60 + 27) * MIN},
        {START, START + 24 * 60 * MIN},
    };

    static RangeData data;

    @BeforeAll
    static void runThePipeline() throws Exception {
        data = RangeData.generate(42, START, MINUTES);
        String topic = "otlp_spans_range";
        SERVICES.kafka().createTopics(2, topic, "otlp_deadletter_range");
        SERVICES.kafka().send(data.records(topic, 2));
        Pipelines.runRed(Pipelines.options(SERVICES.kafka(), SERVICES.postgres(), JobOptions.SPANS_TOPIC, topic,
                JobOptions.DEAD_LETTER_TOPIC, "otlp_deadletter_range", JobOptions.RED_ATTRIBUTES, "enduser.id",
                JobOptions.GROUP_ID, "range-sql"), null);
    }

    @Test
    void serviceQuantilesOfAnyRangeAreWithinTheHistogramErrorOfExactNearestRank() throws Exception {
        for (long[] range : RANGES) {
            long t0 = System.nanoTime();
            List<Map<String, Object>> result = query("SELECT * FROM service_range(?, ?)", range[0], range[1]);
            System.out.printf("figures: service_range over %s: %d rows in %.1f ms%n", describe(range), result.size(),
                    (System.nanoTime() - t0) / 1e6);
            Map<String, Map<String, Object>> rows = byKey(result, "tenant", "service");
            int services = 0;
            for (String[] svc : RangeData.SERVICES) {
                List<Fact> facts = data.in(range[0], range[1], f -> f.tenant().equals(svc[0]) && f.service().equals(svc[2])
                        && f.kind().equals("SERVER"));
                Map<String, Object> row = rows.get(svc[0] + "|" + svc[2]);
                assertThat(row).as("%s in %s", svc[2], describe(range)).isNotNull();
                checkRow(row, facts, svc[2] + " " + describe(range));
                services++;
            }
            assertThat(rows).hasSize(services);
        }
        System.out.println("figures: red_1m rows and average bytes per row of the sketch forms: " + query(
                "SELECT count(*) AS rows, avg(pg_column_size(duration_kll))::int AS kll_bytes, avg(pg_column_size(duration_idx) "
                + "+ pg_column_size(duration_cnt))::int AS loghist_bytes, avg(pg_column_size(trace_hll))::int AS hll_bytes, "
                + "avg(pg_column_size(trace_hll_regs))::int AS hll_regs_bytes FROM red_1m"));
    }

    @Test
    void operationQuantilesOfAnyRangeAreWithinTheHistogramErrorOfExactNearestRank() throws Exception {
        for (long[] range : RANGES) {
            List<Map<String, Object>> rows = query("SELECT * FROM red_range(?, ?)", range[0], range[1]);
            Map<String, List<Fact>> expected = data.in(range[0], range[1], f -> true).stream()
                    .collect(Collectors.groupingBy(f -> f.tenant() + "|" + f.service() + "|" + f.operation() + "|" + f.kind()));
            assertThat(rows).hasSize(expected.size());
            for (Map<String, Object> row : rows) {
                String key = row.get("tenant") + "|" + row.get("service") + "|" + row.get("operation") + "|" + row.get("span_kind");
                assertThat(expected).containsKey(key);
                checkRow(row, expected.get(key), key + " " + describe(range));
            }
        }
    }

    private static void checkRow(Map<String, Object> row, List<Fact> facts, String what) {
        assertThat(((Number) row.get("calls")).longValue()).as("calls %s", what).isEqualTo(facts.size());
        assertThat(((Number) row.get("errors")).longValue()).as("errors %s", what)
                .isEqualTo(facts.stream().filter(Fact::error).count());
        for (double q : new double[] {0.50, 0.95, 0.99}) {
            double exact = RangeData.nearestRank(facts, q);
            double sql = ((Number) row.get("p" + (int) Math.round(q * 100) + "_ms")).doubleValue();
            assertThat(sql).as("p%d %s", Math.round(q * 100), what).isCloseTo(exact, org.assertj.core.data.Offset.offset(
                    REL * exact * (1 + 1e-9) + 1e-12));
        }
        assertThat(((Number) row.get("max_ms")).doubleValue()).as("max %s", what)
                .isEqualTo(facts.stream().mapToDouble(Fact::durationMs).max().orElseThrow());
        long traces = RangeData.distinctTraces(facts);
        assertThat(((Number) row.get("distinct_traces")).doubleValue()).as("distinct traces %s", what)
                .isCloseTo(traces, org.assertj.core.data.Offset.offset(HLL_BOUND * traces));
    }

    @Test
    void mergedHistogramIsTheHistogramOfTheRawDurationsAndKllMergedInJavaAgrees() throws Exception {
        for (long[] range : RANGES) {
            for (String[] svc : RangeData.SERVICES) {
                List<Fact> facts = data.in(range[0], range[1], f -> f.tenant().equals(svc[0]) && f.service().equals(svc[2])
                        && f.kind().equals("SERVER"));
                String what = svc[2] + " " + describe(range);
                // the SQL merge of the minute rows' arrays is the histogram of every raw duration
                LogHistogram raw = new LogHistogram();
                facts.forEach(f -> raw.add(f.durationMs()));
                Map<String, Object> merged = query("SELECT (h).idx, (h).cnt FROM (SELECT loghist_merge(r.duration_idx, r.duration_cnt) h "
                        + "FROM red_1m r JOIN dim_resource d USING (resource_id) JOIN dim_tenant t ON t.tenant_id = r.tenant_id "
                        + "WHERE r.bucket >= ? AND r.bucket < ? AND t.code = ? AND d.name = ? AND r.span_kind = 'SERVER') x",
                        range[0], range[1], svc[0], svc[2]).get(0);
                assertThat(ints(merged.get("idx"))).as("buckets %s", what).containsExactly(raw.sparseIndexes());
                assertThat(longs(merged.get("cnt"))).as("counts %s", what).containsExactly(raw.sparseCounts());

                // DataSketches: the rows' KLL sketches merged in Java
                KllDoublesSketch kll = null;
                for (Map<String, Object> r : query("SELECT r.duration_kll FROM red_1m r JOIN dim_resource d USING (resource_id) "
                        + "JOIN dim_tenant t ON t.tenant_id = r.tenant_id WHERE r.bucket >= ? AND r.bucket < ? AND t.code = ? "
                        + "AND d.name = ? AND r.span_kind = 'SERVER'", range[0], range[1], svc[0], svc[2])) {
                    KllDoublesSketch s = KllDoublesSketch.heapify(Memory.wrap((byte[]) r.get("duration_kll")));
                    if (kll == null) {
                        kll = s;
                    } else {
                        kll.merge(s);
                    }
                }
                double eps = kll.getNormalizedRankError(false);
                Map<String, Object> row = byKey(query("SELECT * FROM service_range(?, ?)", range[0], range[1]), "tenant", "service")
                        .get(svc[0] + "|" + svc[2]);
                for (double q : new double[] {0.50, 0.95, 0.99}) {
                    double sql = ((Number) row.get("p" + (int) Math.round(q * 100) + "_ms")).doubleValue();
                    double lo = kll.getQuantile(Math.max(0, q - eps)) * (1 - REL) - 1e-12;
                    double hi = kll.getQuantile(Math.min(1, q + eps)) * (1 + REL) + 1e-12;
                    assertThat(sql).as("p%d %s against KLL (rank error %.4f)", Math.round(q * 100), what, eps).isBetween(lo, hi);
                }
            }
        }
    }

    @Test
    void registerUnionInSqlIsDataSketchesUnionAndDistinctCountsAreWithinHllError() throws Exception {
        for (long[] range : RANGES) {
            for (String[] svc : RangeData.SERVICES) {
                String filter = "FROM red_1m r JOIN dim_resource d USING (resource_id) JOIN dim_tenant t ON t.tenant_id = r.tenant_id "
                        + "WHERE r.bucket >= ? AND r.bucket < ? AND t.code = ? AND d.name = ?";
                Union union = new Union(11);
                for (Map<String, Object> r : query("SELECT r.trace_hll " + filter, range[0], range[1], svc[0], svc[2])) {
                    union.update(HllSketch.heapify((byte[]) r.get("trace_hll")));
                }
                HllSketch java = union.getResult(TgtHllType.HLL_8);
                Map<String, Object> sql = query("SELECT hll_merge(r.trace_hll_regs) AS regs, hll_estimate(hll_merge(r.trace_hll_regs)) AS est "
                        + filter, range[0], range[1], svc[0], svc[2]).get(0);
                String what = svc[2] + " " + describe(range);
                assertThat(HllRegisters.unpack(ints(sql.get("regs")), 11)).as("registers %s", what)
                        .isEqualTo(HllRegisters.dense(java.toCompactByteArray()));
                long exact = RangeData.distinctTraces(data.in(range[0], range[1],
                        f -> f.tenant().equals(svc[0]) && f.service().equals(svc[2])));
                assertThat(((Number) sql.get("est")).doubleValue()).as("distinct traces %s", what)
                        .isCloseTo(exact, org.assertj.core.data.Offset.offset(HLL_BOUND * exact));
                assertThat(java.getEstimate()).as("DataSketches' estimate %s", what)
                        .isCloseTo(exact, org.assertj.core.data.Offset.offset(HLL_BOUND * exact));
            }
        }
    }

    @Test
    void topValuesAreExactWhereWellSeparatedAndDataSketchesFrequentItemsAgree() throws Exception {
        long[] day = RANGES[RANGES.length - 1];
        Map<String, java.util.function.Function<Fact, String>> dims = Map.of(
                "error.type", f -> f.error() ? f.errorType() : null,
                "error.route", f -> f.error() ? f.route() : null,
                "slow.peer", f -> f.kind().equals("CLIENT") && f.durationNanos() >= 500_000_000L ? f.peer() : null);
        for (Map.Entry<String, java.util.function.Function<Fact, String>> dim : dims.entrySet()) {
            for (String[] svc : RangeData.SERVICES) {
                Map<String, Long> exact = RangeData.counts(data.in(day[0], day[1],
                        f -> f.tenant().equals(svc[0]) && f.service().equals(svc[2])), dim.getValue());
                List<Map<String, Object>> top = query("SELECT item, count, count_upper, max_error FROM span_attr_topk(?, ?, ?) "
                        + "WHERE tenant = ? AND service = ? ORDER BY rank", day[0], day[1], dim.getKey(), svc[0], svc[2]);
                String what = dim.getKey() + " of " + svc[2];
                assertThat(top).as(what).hasSize(exact.size());
                for (Map<String, Object> t : top) {
                    assertThat(((Number) t.get("max_error")).longValue()).as("nothing folded or unlisted: %s", what).isZero();
                    assertThat(((Number) t.get("count")).longValue()).as("%s = %s", what, t.get("item"))
                            .isEqualTo(exact.get((String) t.get("item")));
                }
                List<String> exactOrder = exact.entrySet().stream()
                        .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                        .map(Map.Entry::getKey).collect(Collectors.toList());
                assertThat(top.stream().map(t -> (String) t.get("item"))).as(what).containsExactlyElementsOf(exactOrder);
                // DataSketches' frequent items, merged in Java from the rows' sketches, bound the same counts
                ItemsSketch<String> merged = mergedItems(day, svc, dim.getKey());
                for (Map.Entry<String, Long> e : exact.entrySet()) {
                    assertThat(merged.getLowerBound(e.getKey())).as("%s lower bound of %s", what, e.getKey())
                            .isLessThanOrEqualTo(e.getValue());
                    assertThat(merged.getUpperBound(e.getKey())).as("%s upper bound of %s", what, e.getKey())
                            .isGreaterThanOrEqualTo(e.getValue());
                }
            }
        }
    }

    @Test
    void heavyUserLeadsWithBoundsThatHoldAndDistinctUsersAreWithinHllError() throws Exception {
        int separated = 0;
        for (long[] range : RANGES) {
            for (String[] svc : RangeData.SERVICES) {
                List<Fact> facts = data.in(range[0], range[1], f -> f.tenant().equals(svc[0]) && f.service().equals(svc[2]));
                Map<String, Long> exact = RangeData.counts(facts, Fact::user);
                String what = "enduser.id of " + svc[2] + " " + describe(range);
                List<Map<String, Object>> top = query("SELECT item, count, count_upper, max_error FROM span_attr_topk(?, ?, ?) "
                        + "WHERE tenant = ? AND service = ? ORDER BY rank", range[0], range[1], "enduser.id", svc[0], svc[2]);
                long maxError = ((Number) top.get(0).get("max_error")).longValue();
                List<Long> sorted = exact.values().stream().sorted(java.util.Comparator.reverseOrder()).collect(Collectors.toList());
                if (sorted.get(0) - (sorted.size() > 1 ? sorted.get(1) : 0) > maxError) {
                    // well separated (by more than the error bound): the leader is the true one
                    assertThat(top.get(0).get("item")).as(what).isEqualTo(RangeData.HEAVY_USER);
                    separated++;
                }
                for (Map<String, Object> t : top) {
                    long truth = exact.get((String) t.get("item"));
                    assertThat(truth).as("%s: %s within its bounds", what, t.get("item"))
                            .isBetween(((Number) t.get("count")).longValue(), ((Number) t.get("count_upper")).longValue());
                }
                long listedTotal = top.stream().mapToLong(t -> ((Number) t.get("count")).longValue()).sum();
                for (Map.Entry<String, Long> e : exact.entrySet()) {
                    if (top.stream().noneMatch(t -> e.getKey().equals(t.get("item")))) {
                        assertThat(e.getValue()).as("%s: unlisted %s at most the error bound", what, e.getKey())
                                .isLessThanOrEqualTo(maxError);
                    }
                }
                assertThat(listedTotal).isLessThanOrEqualTo(facts.stream().filter(f -> f.user() != null).count());
                double distinct = ((Number) query("SELECT hll_estimate(hll_merge(a.hll_regs)) AS n FROM span_attr_1m a "
                        + "JOIN dim_resource d USING (resource_id) JOIN dim_tenant t ON t.tenant_id = a.tenant_id "
                        + "WHERE a.bucket >= ? AND a.bucket < ? AND a.attribute = 'enduser.id' AND t.code = ? AND d.name = ?",
                        range[0], range[1], svc[0], svc[2]).get(0).get("n")).doubleValue();
                assertThat(distinct).as("distinct users %s", what)
                        .isCloseTo(exact.size(), org.assertj.core.data.Offset.offset(HLL_BOUND * exact.size()));
            }
        }
        // the hour and day ranges separate the heavy user well, whatever the minutes' error bounds
        assertThat(separated).isGreaterThanOrEqualTo(9);
    }

    @Test
    void hourlyAndDailyRollupsEqualTheRangeSqlOfTheirHourAndDay() throws Exception {
        String rollup = "SELECT t.code AS tenant, d.name AS service, r.operation, r.span_kind, sum(r.calls)::bigint AS calls, "
                + "sum(r.errors)::bigint AS errors, loghist_quantile(loghist_merge(r.duration_idx, r.duration_cnt), 0.5, "
                + "min(r.duration_min_ms), max(r.duration_max_ms)) AS p50_ms, loghist_quantile(loghist_merge(r.duration_idx, "
                + "r.duration_cnt), 0.95, min(r.duration_min_ms), max(r.duration_max_ms)) AS p95_ms, "
                + "loghist_quantile(loghist_merge(r.duration_idx, r.duration_cnt), 0.99, min(r.duration_min_ms), "
                + "max(r.duration_max_ms)) AS p99_ms, hll_estimate(hll_merge(r.trace_hll_regs)) AS distinct_traces "
                + "FROM %s r JOIN dim_resource d USING (resource_id) JOIN dim_tenant t ON t.tenant_id = r.tenant_id "
                + "WHERE r.bucket = ? GROUP BY 1, 2, 3, 4";
        String[] cols = {"calls", "errors", "p50_ms", "p95_ms", "p99_ms", "distinct_traces"};
        String noTimescale = timescaleUnavailable();
        if (noTimescale == null) {
            // continuous aggregates: materialize everything, so the rows compared are the stored roll-ups
            try (Connection c = SERVICES.postgres().connect(); java.sql.Statement st = c.createStatement()) {
                st.execute("CALL refresh_continuous_aggregate('red_1h', NULL, NULL)");
                st.execute("CALL refresh_continuous_aggregate('red_1d', NULL, NULL)");
            }
        } else {
            System.out.println("red_1h/red_1d checked as the plain views of V31 (" + noTimescale + ")");
        }
        for (long[] period : new long[][] {{START + 13 * 60 * MIN, 60 * MIN, 0}, {START + 20 * 60 * MIN, 60 * MIN, 0},
                {START, 24 * 60 * MIN, 1}}) {
            String table = period[2] == 0 ? "red_1h" : "red_1d";
            Map<String, Map<String, Object>> roll = byKey(query(String.format(rollup, table), period[0]),
                    "tenant", "service", "operation", "span_kind");
            Map<String, Map<String, Object>> range = byKey(query("SELECT * FROM red_range(?, ?)", period[0], period[0] + period[1]),
                    "tenant", "service", "operation", "span_kind");
            assertThat(roll.keySet()).as(table).isEqualTo(range.keySet()).isNotEmpty();
            for (String k : range.keySet()) {
                for (String c : cols) {
                    assertThat(((Number) roll.get(k).get(c)).doubleValue()).as("%s %s %s", table, k, c)
                            .isEqualTo(((Number) range.get(k).get(c)).doubleValue());
                }
            }
        }
    }

    /**
     * With TimescaleDB, the hourly and daily roll-ups are continuous aggregates (the test above then
     * compares their materialized rows); skipped, with the reason, where the extension cannot be
     * loaded (the embedded PostgreSQL has no TimescaleDB; OTLP_ANALYTICS_TEST_PG_URL points the tests
     * at a server that has it).
     */
    @Test
    void rollupsAreContinuousAggregatesWhenTimescaleIsPresent() throws Exception {
        String why = timescaleUnavailable();
        Assumptions.assumeTrue(why == null, "SKIPPED: TimescaleDB is not installable here (" + why
                + "): the roll-ups are plain views, checked by hourlyAndDailyRollupsEqualTheRangeSqlOfTheirHourAndDay");
        assertThat(query("SELECT view_name FROM timescaledb_information.continuous_aggregates ORDER BY 1").stream()
                .map(r -> (String) r.get("view_name")).collect(Collectors.toList()))
                .contains("log_pattern_1d", "log_pattern_1h", "metric_1d", "metric_1h", "red_1d", "red_1h", "service_call_1d", "service_call_1h");
    }

    private static String timescaleUnavailable() throws Exception {
        try (Connection c = SERVICES.postgres().connect()) {
            return TimescaleSetup.unavailableReason(c);
        }
    }

    private static ItemsSketch<String> mergedItems(long[] range, String[] svc, String dim) throws Exception {
        ItemsSketch<String> merged = new ItemsSketch<>(64);
        for (Map<String, Object> r : query("SELECT a.items_sketch FROM span_attr_1m a JOIN dim_resource d USING (resource_id) "
                + "JOIN dim_tenant t ON t.tenant_id = a.tenant_id WHERE a.bucket >= ? AND a.bucket < ? AND a.attribute = ? "
                + "AND t.code = ? AND d.name = ?", range[0], range[1], dim, svc[0], svc[2])) {
            merged.merge(ItemsSketch.getInstance(Memory.wrap((byte[]) r.get("items_sketch")), new ArrayOfStringsSerDe()));
        }
        assertThat(merged.getFrequentItems(ErrorType.NO_FALSE_NEGATIVES)).isNotNull();
        return merged;
    }

    static String describe(long[] range) {
        return "[" + Instant.ofEpochMilli(range[0]) + ", " + Instant.ofEpochMilli(range[1]) + ")";
    }

    static Map<String, Map<String, Object>> byKey(List<Map<String, Object>> rows, String... keys) {
        return PgRows.byKey(rows, keys);
    }

    /** Rows of a query as column → value maps; longs given as parameters that are times are bound as timestamps. */
    static List<Map<String, Object>> query(String sql, Object... params) throws Exception {
        return PgRows.query(SERVICES.postgres(), sql, params);
    }

    static int[] ints(Object o) {
        Object[] a = o instanceof Object[] ? (Object[]) o : new Object[0];
        int[] out = new int[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = ((Number) a[i]).intValue();
        }
        return out;
    }

    static long[] longs(Object o) {
        Object[] a = o instanceof Object[] ? (Object[]) o : new Object[0];
        long[] out = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = ((Number) a[i]).longValue();
        }
        return out;
    }
}
