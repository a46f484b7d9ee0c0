package org.otlpanalytics.tests.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.otlpanalytics.tests.support.RangeData.Fact;

/**
 * What every dashboard panel must show for the {@link DashboardFixture}'s input, computed from the
 * input by the oracles, whatever the store: a panel has the same title and columns on PostgreSQL
 * and ClickHouse. Exact where the store counts (calls, errors, rates, records, dead letters),
 * within 0.5% of the exact nearest-rank value for quantiles (the log histogram's accuracy), within
 * 3 standard errors of the HLL (6.9% at 2048 registers) for distinct counts.
 */
public final class PanelChecks {
    public static final double QUANTILE_REL = 0.005;
    public static final double HLL_REL = 3 * 1.04 / Math.sqrt(2048);
    public static final long SLOW_CALL_NANOS = 500_000_000L;

    /** A value compared with a relative tolerance. */
    public record Approx(double value, double rel) {}

    /** Accepts any non-null value (a column the oracle cannot know, such as an id). */
    public static final Object PRESENT = new Object();

    /** The rendering a panel is checked for: range, its panel's interval, resolved variable values. */
    public record View(long from, long to, long intervalMs, Map<String, List<String>> values) {
        public List<String> get(String var) {
            List<String> v = values.get(var);
            if (v == null) {
                throw new IllegalStateException("no value of $" + var);
            }
            return v;
        }

        public String one(String var) {
            return get(var).get(0);
        }

        /** {@code $__timeFilter}: from <= t <= to. */
        public boolean between(long t) {
            return t >= from && t <= to;
        }

        /** The range functions and explicit filters: from <= t < to. */
        public boolean inRange(long t) {
            return t >= from && t < to;
        }

        public double rangeSeconds() {
            return Math.max((to - from) / 1000.0, 1);
        }

        public double intervalSeconds() {
            return intervalMs / 1000.0;
        }

        /** {@code $__timeGroup}: the interval's start, epoch seconds. */
        public long group(long millis) {
            long s = intervalMs / 1000;
            return Math.floorDiv(millis / 1000, s) * s;
        }
    }

    private interface Check {
        void check(View v, Map<String, List<Map<String, Object>>> results);
    }

    private final DashboardFixture fx;
    /** The finest time the store keeps (1 ms; 1 s where ClickHouse 18.16's DateTime stands for DateTime64). */
    private long timeResolutionMs = 1;
    private final Map<String, Check> checks = new LinkedHashMap<>();
    /** resource id (as text) -> name, for the node graph frames. */
    private final Map<String, String> resourceNames;
    /** pattern text -> the oracle's family of its sample. */
    private final Function<String, String> familyOfPattern;

    public PanelChecks(DashboardFixture fx, Map<String, String> resourceNames, Function<String, String> familyOfPattern) {
        this.fx = fx;
        this.resourceNames = resourceNames;
        this.familyOfPattern = familyOfPattern;
        red();
        incidents();
        drilldown();
        serviceMap();
        dependencies();
        logPatterns();
        use();
        health();
        windowDependencies();
        logRecords();
    }

    /** ClickHouse: a pattern's 16 hex digits -> {@code service|family} of its statements. */
    private Map<String, String> patterns = Map.of();

    /** The patterns the ClickHouse log dashboard's Pattern variable offers: 16 hex digits -> {@code service|family}. */
    public PanelChecks withPatterns(Map<String, String> fingerprints) {
        this.patterns = fingerprints;
        return this;
    }

    /** The ClickHouse dashboards: times are kept to {@code timeResolutionMs}. */
    public PanelChecks forClickHouse(long timeResolutionMs) {
        this.timeResolutionMs = timeResolutionMs;
        return this;
    }

    private long truncated(long millis) {
        return millis - Math.floorMod(millis, timeResolutionMs);
    }

    public Set<String> titles() {
        return checks.keySet();
    }

    /** Checks one panel's results (refId -> rows); fails when no check knows the panel. */
    public void check(String title, View v, Map<String, List<Map<String, Object>>> results) {
        Check c = checks.get(title);
        if (c == null) {
            fail("no test checks panel '" + title + "'");
        }
        c.check(v, results);
    }

    // ------------------------------------------------------------------------------------- RED
    private static final Set<String> REQUEST_KINDS = Set.of("SERVER", "CONSUMER");

    private void red() {
        checks.put("Requests per second", (v, r) -> timeSeries(r.get("A"), "calls/s", v,
                redSeries(v, f -> f.service(), fs -> (double) fs.size() / v.intervalSeconds())));
        checks.put("Errors %", (v, r) -> timeSeries(r.get("A"), "error %", v,
                redSeries(v, f -> f.service(), fs -> 100.0 * fs.stream().filter(Fact::error).count() / fs.size())));
        checks.put("p95 latency per service", (v, r) -> timeSeries(r.get("A"), "p95", v,
                redSeries(v, f -> f.service(), fs -> new Approx(RangeData.nearestRank(fs, 0.95), QUANTILE_REL))));
        checks.put("p99 latency per service", (v, r) -> timeSeries(r.get("A"), "p99", v,
                redSeries(v, f -> f.service(), fs -> new Approx(RangeData.nearestRank(fs, 0.99), QUANTILE_REL))));
        checks.put("Services over the selected range", (v, r) -> {
            Map<String, List<Fact>> g = group(spans(f -> v.inRange(f.minute()) && v.get("tenant").contains(f.tenant())
                    && v.get("service").contains(f.service()) && REQUEST_KINDS.contains(f.kind())), f -> f.tenant() + "|" + f.service());
            Map<String, Map<String, Object>> exp = new TreeMap<>();
            g.forEach((k, fs) -> exp.put(k, rangeRow(v, fs, true)));
            table(r.get("A"), List.of("tenant", "service"), exp);
        });
        checks.put("Operations over the selected range", (v, r) -> {
            Map<String, List<Fact>> g = group(spans(f -> v.inRange(f.minute()) && v.get("tenant").contains(f.tenant())
                    && v.get("service").contains(f.service()) && v.get("span_kind").contains(f.kind())),
                    f -> f.tenant() + "|" + f.service() + "|" + f.operation() + "|" + f.kind());
            Map<String, Map<String, Object>> exp = new TreeMap<>();
            g.forEach((k, fs) -> exp.put(k, rangeRow(v, fs, true)));
            table(r.get("A"), List.of("tenant", "service", "operation", "kind"), exp);
        });
    }

    /**
     * The incidents annotation of the RED overview: the injected fault (payment 6x slower) is the
     * oracle. It shows as a latency incident of payment opened in a minute of the fault whenever the
     * selection holds tenant default, payment and the fault's minutes; nothing else of tenant default
     * opens (its steady traffic has no other fault); every row is inside the selection (tenant,
     * service or its callee, range). Tenant acme's range data is random with heavy tails (4% of its
     * database calls take 0.5-1.2 s, a few calls a minute): the detector may rightly flag a minute
     * there, so its incidents are only held to the selection.
     */
    private void incidents() {
        checks.put("annotation: Incidents", (v, r) -> {
            boolean seen = false;
            boolean acmeOnly = true;
            for (Map<String, Object> row : r.get("Anno")) {
                Map<String, String> tags = new HashMap<>();
                for (String t : String.valueOf(row.get("tags")).split(",")) {
                    tags.put(t.substring(0, t.indexOf(':')), t.substring(t.indexOf(':') + 1));
                }
                long opened = millis(row.get("time"));
                long end = millis(row.get("timeend"));
                String what = "incident " + row;
                assertThat(v.get("tenant")).as(what).contains(tags.get("tenant"));
                assertThat(v.get("service").contains(tags.get("service")) || v.get("service").contains(tags.get("peer")))
                        .as(what).isTrue();
                assertThat(opened).as(what).isLessThanOrEqualTo(v.to()).isLessThanOrEqualTo(end);
                assertThat(end).as(what).isGreaterThanOrEqualTo(v.from());
                assertThat(String.valueOf(row.get("text"))).as(what).isNotBlank();
                if (tags.get("tenant").equals(DashboardFixture.INCIDENT_TENANT)) {
                    assertThat(opened).as("no incident of the steady shop traffic outside its fault: %s", what)
                            .isBetween(DashboardFixture.INCIDENT_FROM, DashboardFixture.INCIDENT_TO);
                    acmeOnly = false;
                }
                seen |= tags.get("service").equals(DashboardFixture.INCIDENT_SERVICE) && "latency".equals(tags.get("signal"));
            }
            boolean expected = v.get("tenant").contains(DashboardFixture.INCIDENT_TENANT)
                    && v.get("service").contains(DashboardFixture.INCIDENT_SERVICE)
                    && DashboardFixture.INCIDENT_FROM <= v.to() && DashboardFixture.INCIDENT_TO >= v.from();
            assertThat(seen).as("payment's latency incident in %s", v.values()).isEqualTo(expected);
            assertThat(acmeOnly).as("some incident of tenant default").isEqualTo(!expected);
        });
    }

    /** Per (interval, series name) of the RED selection (tenants, services, span kinds; minutes between from and to). */
    private Map<String, Object> redSeries(View v, Function<Fact, String> series, Function<List<Fact>, Object> value) {
        Map<String, List<Fact>> g = group(spans(f -> v.between(f.minute()) && v.get("tenant").contains(f.tenant())
                && v.get("service").contains(f.service()) && v.get("span_kind").contains(f.kind())),
                f -> v.group(f.minute()) + "|" + series.apply(f));
        Map<String, Object> out = new TreeMap<>();
        g.forEach((k, fs) -> out.put(k, value.apply(fs)));
        return out;
    }

    private Map<String, Object> rangeRow(View v, List<Fact> fs, boolean withRate) {
        Map<String, Object> e = new HashMap<>();
        e.put("calls", (long) fs.size());
        if (withRate) {
            e.put("calls/s", fs.size() / v.rangeSeconds());
        }
        e.put("error %", 100.0 * fs.stream().filter(Fact::error).count() / fs.size());
        e.put("p50", new Approx(RangeData.nearestRank(fs, 0.50), QUANTILE_REL));
        e.put("p95", new Approx(RangeData.nearestRank(fs, 0.95), QUANTILE_REL));
        e.put("p99", new Approx(RangeData.nearestRank(fs, 0.99), QUANTILE_REL));
        e.put("traces", new Approx(RangeData.distinctTraces(fs), HLL_REL));
        return e;
    }

    // ---------------------------------------------------------------------------- drill-down
    private void drilldown() {
        checks.put("Latency p50 / p95 / p99", (v, r) -> {
            Map<Long, List<Fact>> g = spans(serviceSel(v, true).and(f -> v.between(f.minute()))).stream()
                    .collect(Collectors.groupingBy(f -> v.group(f.minute()), TreeMap::new, Collectors.toList()));
            List<Map<String, Object>> rows = r.get("A");
            assertThat(rows.stream().map(x -> seconds(x.get("time"))).collect(Collectors.toList()))
                    .as("intervals").containsExactlyElementsOf(g.keySet());
            for (Map<String, Object> row : rows) {
                List<Fact> fs = g.get(seconds(row.get("time")));
                for (double q : new double[] {0.5, 0.95, 0.99}) {
                    compare("p" + Math.round(q * 100) + " at " + row.get("time"), row.get("p" + Math.round(q * 100)),
                            new Approx(RangeData.nearestRank(fs, q), QUANTILE_REL));
                }
            }
        });
        checks.put("Calls per second by status", (v, r) -> {
            Map<String, Object> exp = new TreeMap<>();
            group(spans(serviceSel(v, true).and(f -> v.between(f.minute()))), f -> v.group(f.minute()) + "|" + f.status())
                    .forEach((k, fs) -> exp.put(k, fs.size() / v.intervalSeconds()));
            timeSeries(r.get("A"), "calls/s", v, exp);
        });
        checks.put("Operations", (v, r) -> {
            Map<String, Map<String, Object>> exp = new TreeMap<>();
            group(spans(serviceSel(v, true).and(f -> v.inRange(f.minute()))), f -> f.operation() + "|" + f.kind())
                    .forEach((k, fs) -> {
                        Map<String, Object> e = rangeRow(v, fs, false);
                        e.put("max", fs.stream().mapToDouble(Fact::durationMs).max().orElseThrow());
                        exp.put(k, e);
                    });
            table(r.get("A"), List.of("operation", "kind"), exp);
        });
        checks.put("Top failing routes", (v, r) -> topK(v, r.get("A"), f -> f.error() ? (f.route() != null ? f.route() : f.operation()) : null));
        checks.put("Top error types", (v, r) -> topK(v, r.get("A"), Fact::errorType));
        checks.put("Peers behind slow calls", (v, r) -> topK(v, r.get("A"), f -> (f.kind().equals("CLIENT") || f.kind().equals("PRODUCER"))
                && f.durationNanos() >= SLOW_CALL_NANOS ? f.peer() : null));
        checks.put("Distinct values", (v, r) -> {
            List<Fact> fs = spans(serviceSel(v, false).and(f -> v.inRange(f.minute())));
            Map<String, Map<String, Object>> exp = new TreeMap<>();
            if (!fs.isEmpty()) {
                exp.put("trace ids", Map.of("distinct", new Approx(RangeData.distinctTraces(fs), HLL_REL)));
            }
            Map<String, Function<Fact, String>> dims = dimensions();
            dims.forEach((name, fn) -> {
                Set<String> values = fs.stream().map(fn).filter(x -> x != null).collect(Collectors.toSet());
                if (!values.isEmpty()) {
                    exp.put(name, Map.of("distinct", new Approx(values.size(), HLL_REL)));
                }
            });
            table(r.get("A"), List.of("of"), exp);
        });
        checks.put("Downstream calls", (v, r) -> {
            Map<String, Map<String, Object>> exp = new TreeMap<>();
            group(calls(c -> c.tenant().equals(v.one("tenant")) && c.caller().equals(v.one("service")) && v.inRange(bucket5(c.startMillis()))),
                    c -> c.callee()).forEach((k, cs) -> exp.put(k, edgeRow(v, cs, false)));
            table(r.get("A"), List.of("callee"), exp);
        });
    }

    private static Map<String, Function<Fact, String>> dimensions() {
        Map<String, Function<Fact, String>> d = new LinkedHashMap<>();
        d.put("error.route", f -> f.error() ? (f.route() != null ? f.route() : f.operation()) : null);
        d.put("error.type", Fact::errorType);
        d.put("slow.peer", f -> (f.kind().equals("CLIENT") || f.kind().equals("PRODUCER")) && f.durationNanos() >= SLOW_CALL_NANOS
                ? f.peer() : null);
        d.put("enduser.id", Fact::user);
        return d;
    }

    /** The drill-down's service (and, with {@code filtered}, its operations and span kinds). */
    private Predicate<Fact> serviceSel(View v, boolean filtered) {
        return f -> f.tenant().equals(v.one("tenant")) && f.service().equals(v.one("service"))
                && (!filtered || v.get("operation").contains(f.operation()) && v.get("span_kind").contains(f.kind()));
    }

    private void topK(View v, List<Map<String, Object>> rows, Function<Fact, String> dim) {
        Map<String, Long> exact = RangeData.counts(spans(serviceSel(v, false).and(f -> v.inRange(f.minute()))), dim);
        List<Map.Entry<String, Long>> sorted = new ArrayList<>(exact.entrySet());
        sorted.sort(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
        assertThat(rows).as("top values").hasSize(Math.min(10, sorted.size()));
        for (int i = 0; i < rows.size(); i++) {
            Map<String, Object> row = rows.get(i);
            long err = num(row.get("error bound")).longValue();
            long count = num(row.get("count")).longValue();
            long truth = exact.getOrDefault((String) row.get("value"), 0L);
            assertThat(truth).as("%s within its bounds", row.get("value")).isBetween(count, num(row.get("count_upper")).longValue());
            if (err == 0) {
                assertThat(row.get("value")).as("rank %d (nothing left out: exact)", i + 1).isEqualTo(sorted.get(i).getKey());
                assertThat(count).isEqualTo(sorted.get(i).getValue());
            }
        }
    }

    // ------------------------------------------------------------------------------ edges
    private List<EdgeOracle.Call> calls(Predicate<EdgeOracle.Call> p) {
        return fx.edges.calls().stream().filter(p).collect(Collectors.toList());
    }

    static long bucket5(long millis) {
        return millis - Math.floorMod(millis, 300_000L);
    }

    private Map<String, Object> edgeRow(View v, List<EdgeOracle.Call> cs, boolean withRate) {
        Map<String, Object> e = new HashMap<>();
        e.put("calls", (long) cs.size());
        if (withRate) {
            e.put("calls/s", cs.size() / v.rangeSeconds());
        }
        e.put("error %", 100.0 * cs.stream().filter(EdgeOracle.Call::failed).count() / cs.size());
        List<Fact> durations = cs.stream().map(c -> new Fact(c.tenant(), c.caller(), c.callee(), "", c.startMillis(), c.durationNanos(),
                c.failed(), null, null, null, null, 0, 0, "")).collect(Collectors.toList());
        e.put("p50", new Approx(RangeData.nearestRank(durations, 0.50), QUANTILE_REL));
        e.put("p95", new Approx(RangeData.nearestRank(durations, 0.95), QUANTILE_REL));
        e.put("p99", new Approx(RangeData.nearestRank(durations, 0.99), QUANTILE_REL));
        e.put("type", PRESENT);
        return e;
    }

    private void serviceMap() {
        checks.put("Service map", (v, r) -> {
            List<EdgeOracle.Call> cs = calls(c -> c.tenant().equals(v.one("tenant")) && v.inRange(bucket5(c.startMillis())));
            Map<String, Map<String, Object>> nodes = new TreeMap<>();
            for (EdgeOracle.Call c : cs) {
                nodes.computeIfAbsent(c.caller(), k -> new HashMap<>());
                nodes.computeIfAbsent(c.callee(), k -> new HashMap<>());
            }
            Map<String, List<EdgeOracle.Call>> in = group(cs, EdgeOracle.Call::callee);
            nodes.forEach((name, e) -> {
                List<EdgeOracle.Call> received = in.getOrDefault(name, List.of());
                long failed = received.stream().filter(EdgeOracle.Call::failed).count();
                e.put("mainstat", received.size() / v.rangeSeconds());
                e.put("secondarystat", received.isEmpty() ? 0.0 : 100.0 * failed / received.size());
                e.put("arc__failed", received.isEmpty() ? 0.0 : (double) failed / received.size());
                e.put("arc__ok", received.isEmpty() ? 1.0 : 1 - (double) failed / received.size());
                e.put("subtitle", PRESENT);
            });
            table(named(r.get("nodes"), "id", "title"), List.of("title"), nodes);
            Map<String, Map<String, Object>> edges = new TreeMap<>();
            group(cs, c -> c.caller() + "|" + c.callee()).forEach((k, list) -> {
                Map<String, Object> row = edgeRow(v, list, false);
                Map<String, Object> e = new HashMap<>();
                e.put("mainstat", list.size() / v.rangeSeconds());
                e.put("secondarystat", row.get("error %"));
                e.put("detail__p95_ms", row.get("p95"));
                edges.put(k, e);
            });
            table(named(named(r.get("edges"), "source", "source_name"), "target", "target_name"), List.of("source_name", "target_name"), edges);
        });
        checks.put("Edges over the selected range", (v, r) -> {
            Map<String, Map<String, Object>> exp = new TreeMap<>();
            group(calls(c -> c.tenant().equals(v.one("tenant")) && v.inRange(bucket5(c.startMillis()))), c -> c.caller() + "|" + c.callee())
                    .forEach((k, cs) -> exp.put(k, edgeRow(v, cs, true)));
            table(r.get("A"), List.of("caller", "callee"), exp);
        });
    }

    /** Adds a column {@code as} with the resource name of the id in {@code column}. */
    private List<Map<String, Object>> named(List<Map<String, Object>> rows, String column, String as) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> row : rows) {
            Map<String, Object> c = new HashMap<>(row);
            String name = resourceNames.get(String.valueOf(row.get(column)));
            assertThat(name).as("resource id %s", row.get(column)).isNotNull();
            c.put(as, name);
            out.add(c);
        }
        return out;
    }

    private void dependencies() {
        checks.put("Dependencies at the end of the range", (v, r) -> {
            Map<String, long[]> alive = aliveAt(v);
            Set<String> names = new TreeSet<>();
            Map<String, Map<String, Object>> edges = new TreeMap<>();
            alive.forEach((k, run) -> {
                String[] p = k.split("\\|");
                names.add(p[0]);
                names.add(p[1]);
                edges.put(k, Map.of("mainstat", (v.to - run[0]) / 60_000.0, "secondarystat", PRESENT));
            });
            Map<String, Map<String, Object>> nodes = new TreeMap<>();
            names.forEach(n -> nodes.put(n, Map.of("subtitle", PRESENT)));
            table(named(r.get("nodes"), "id", "title"), List.of("title"), nodes);
            table(named(named(r.get("edges"), "source", "source_name"), "target", "target_name"), List.of("source_name", "target_name"), edges);
        });
        checks.put("Edges alive at the end of the range", (v, r) -> {
            Map<String, Map<String, Object>> exp = new TreeMap<>();
            aliveAt(v).forEach((k, run) -> exp.put(k, Map.of("valid_from", run[0], "valid_to", run[1], "type", PRESENT)));
            table(r.get("A"), List.of("caller", "callee"), exp);
        });
    }

    /** caller|callee -> the validity run [first, last] that holds the range's end (edges of the tenant). */
    private Map<String, long[]> aliveAt(View v) {
        Map<String, long[]> out = new TreeMap<>();
        fx.edges.intervals(10 * 60_000L).forEach((k, runs) -> {
            String[] p = k.split("\\|");
            if (!p[0].equals(v.one("tenant"))) {
                return;
            }
            for (long[] run : runs) {
                if (run[0] <= v.to && v.to <= run[1]) {
                    out.put(p[1] + "|" + p[2], run);
                }
            }
        });
        return out;
    }

    // ------------------------------------------------------------------------------ logs
    /** (service|family) -> {records, errors} of the 5-minute buckets in [from, to) of the selection. */
    private Map<String, long[]> logCounts(View v, boolean between) {
        Map<String, long[]> out = new TreeMap<>();
        fx.logs.counts().forEach((stream, fams) -> {
            String[] ts = stream.split("\\|");
            if (!v.get("tenant").contains(ts[0]) || !v.get("service").contains(ts[1])) {
                return;
            }
            fams.forEach((fam, buckets) -> buckets.forEach((b, c) -> {
                if (between ? v.between(b.toEpochMilli()) : v.inRange(b.toEpochMilli())) {
                    long[] a = out.computeIfAbsent(ts[1] + "|" + fam, k -> new long[2]);
                    a[0] += c[0];
                    a[1] += c[1];
                }
            }));
        });
        return out;
    }

    private List<Map<String, Object>> withFamily(List<Map<String, Object>> rows) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> row : rows) {
            Map<String, Object> c = new HashMap<>(row);
            String fam = familyOfPattern.apply(String.valueOf(row.get("pattern")));
            assertThat(fam).as("the pattern '%s' is one of the generator's statements", row.get("pattern")).isNotNull();
            c.put("family", fam);
            out.add(c);
        }
        return out;
    }

    private void logPatterns() {
        checks.put("Top patterns", (v, r) -> {
            Map<String, Map<String, Object>> exp = new TreeMap<>();
            logCounts(v, false).forEach((k, c) -> exp.put(k, Map.of("records", c[0], "errors", c[1], "fingerprint", PRESENT)));
            assertThat(exp.size()).as("fewer patterns than the panel's limit").isLessThanOrEqualTo(20);
            table(withFamily(r.get("A")), List.of("service", "family"), exp);
        });
        checks.put("New patterns", (v, r) -> {
            Map<String, Map<String, Object>> exp = new TreeMap<>();
            logCounts(v, false).forEach((k, c) -> {
                String[] sf = k.split("\\|", 2);
                Long first = v.get("tenant").stream().map(t -> fx.firstLog.get(LogOracle.stream(t, sf[0]) + "|" + sf[1]))
                        .filter(x -> x != null).min(Long::compare).orElse(null);
                if (first != null && v.inRange(truncated(first))) {
                    exp.put(k, Map.of("records", c[0], "first_seen", truncated(first)));
                }
            });
            table(withFamily(r.get("A")), List.of("service", "family"), exp);
        });
        checks.put("Error patterns with a sample", (v, r) -> {
            Map<String, Map<String, Object>> exp = new TreeMap<>();
            logCounts(v, false).forEach((k, c) -> {
                if (c[1] > 0) {
                    exp.put(k, Map.of("errors", c[1], "sample", PRESENT, "severity", PRESENT));
                }
            });
            table(withFamily(r.get("A")), List.of("service", "family"), exp);
        });
        checks.put("Log records per service", (v, r) -> {
            Map<String, Object> exp = new TreeMap<>();
            fx.logs.counts().forEach((stream, fams) -> {
                String[] ts = stream.split("\\|");
                if (v.get("tenant").contains(ts[0]) && v.get("service").contains(ts[1])) {
                    fams.values().forEach(b -> b.forEach((t, c) -> {
                        if (v.between(t.toEpochMilli())) {
                            exp.merge(v.group(t.toEpochMilli()) + "|" + ts[1], c[0], (a, x) -> (Long) a + (Long) x);
                        }
                    }));
                }
            });
            timeSeries(r.get("A"), "records", v, exp);
        });
    }

    /**
     * ClickHouse: the records behind the patterns (log_record), per service and pattern exactly the
     * records and errors of the input in the range; the latest error records: as many as the input
     * has (at most 50), each one of its pattern's statement, newest first.
     */
    private void logRecords() {
        checks.put("Records behind the patterns", (v, r) -> {
            Map<String, Map<String, Object>> exp = new TreeMap<>();
            logCounts(v, false).forEach((k, c) -> exp.put(k, Map.of("records", c[0], "errors", c[1], "with trace", PRESENT,
                    "first", PRESENT, "last", PRESENT, "latest", PRESENT)));
            List<Map<String, Object>> rows = withFamily(r.get("A"));
            for (Map<String, Object> row : rows) {
                assertThat(v.inRange(millis(row.get("first"))) && v.inRange(millis(row.get("last")))).as("times of %s", row).isTrue();
                assertThat(LogOracle.familyOf(String.valueOf(row.get("service")), String.valueOf(row.get("latest"))))
                        .as("the latest record of %s is one of its pattern's", row).isEqualTo(row.get("family"));
            }
            table(rows, List.of("service", "family"), exp);
        });
        checks.put("Records of the selected pattern", (v, r) -> {
            String serviceFamily = patterns.get(v.one("pattern"));
            assertThat(serviceFamily).as("pattern %s is one of the dictionary's", v.one("pattern")).isNotNull();
            long records = logCounts(v, false).getOrDefault(serviceFamily, new long[2])[0];
            List<Map<String, Object>> rows = r.get("A");
            assertThat(rows).as("the newest records of %s", serviceFamily).hasSize((int) Math.min(100, records));
            long previous = Long.MAX_VALUE;
            for (Map<String, Object> row : rows) {
                long t = millis(row.get("time"));
                assertThat(v.inRange(t)).as("time of %s", row).isTrue();
                assertThat(t).as("newest first").isLessThanOrEqualTo(previous);
                previous = t;
                String service = String.valueOf(row.get("service"));
                assertThat(service + "|" + LogOracle.familyOf(service, String.valueOf(row.get("body"))))
                        .as("record %s is one of the pattern's", row).isEqualTo(serviceFamily);
            }
        });
        checks.put("Latest error records", (v, r) -> {
            long errors = logCounts(v, false).values().stream().mapToLong(c -> c[1]).sum();
            List<Map<String, Object>> rows = withFamily(r.get("A"));
            assertThat(rows).as("the newest error records").hasSize((int) Math.min(50, errors));
            long previous = Long.MAX_VALUE;
            for (Map<String, Object> row : rows) {
                long t = millis(row.get("time"));
                assertThat(v.inRange(t)).as("time of %s", row).isTrue();
                assertThat(t).as("newest first").isLessThanOrEqualTo(previous);
                previous = t;
                assertThat(v.get("service")).as("service of %s", row).contains(String.valueOf(row.get("service")));
                assertThat(LogOracle.familyOf(String.valueOf(row.get("service")), String.valueOf(row.get("body"))))
                        .as("record %s is one of its pattern's", row).isEqualTo(row.get("family"));
            }
        });
    }

    /**
     * ClickHouse has no twin of topo_edge_time: the dependencies at an instant are the edges of the
     * tenant with calls in the 5-minute buckets that start in the 10 minutes before it.
     */
    private void windowDependencies() {
        checks.put("Dependencies in the 10 minutes before the end of the range", (v, r) -> {
            List<EdgeOracle.Call> cs = calls(c -> c.tenant().equals(v.one("tenant")) && bucket5(c.startMillis()) >= v.to - 600_000L
                    && bucket5(c.startMillis()) < v.to);
            Map<String, Map<String, Object>> nodes = new TreeMap<>();
            for (EdgeOracle.Call c : cs) {
                nodes.put(c.caller(), Map.of("subtitle", PRESENT));
                nodes.put(c.callee(), Map.of("subtitle", PRESENT));
            }
            table(named(r.get("nodes"), "id", "title"), List.of("title"), nodes);
            Map<String, Map<String, Object>> edges = new TreeMap<>();
            group(cs, c -> c.caller() + "|" + c.callee()).forEach((k, list) -> edges.put(k, Map.of("mainstat", (long) list.size(),
                    "secondarystat", 100.0 * list.stream().filter(EdgeOracle.Call::failed).count() / list.size())));
            table(named(named(r.get("edges"), "source", "source_name"), "target", "target_name"), List.of("source_name", "target_name"), edges);
        });
        checks.put("Edges in the 10 minutes before the end of the range", (v, r) -> {
            Map<String, Map<String, Object>> exp = new TreeMap<>();
            group(calls(c -> c.tenant().equals(v.one("tenant")) && bucket5(c.startMillis()) >= v.to - 600_000L
                    && bucket5(c.startMillis()) < v.to), c -> c.caller() + "|" + c.callee()).forEach((k, list) -> {
                        Map<String, Object> e = new HashMap<>();
                        e.put("calls", (long) list.size());
                        e.put("error %", 100.0 * list.stream().filter(EdgeOracle.Call::failed).count() / list.size());
                        e.put("type", PRESENT);
                        e.put("first_call", truncated(list.stream().mapToLong(EdgeOracle.Call::startMillis).min().orElseThrow()));
                        e.put("last_call", PRESENT);
                        exp.put(k, e);
                    });
            table(r.get("A"), List.of("caller", "callee"), exp);
        });
    }

    // ------------------------------------------------------------------------------ USE
    /** urn -> minute -> expected USE of the selected tenants and resources, minutes between from and to. */
    private Map<String, TreeMap<Long, MetricOracle.ExpectedUse>> useOf(View v) {
        Map<String, TreeMap<Long, MetricOracle.ExpectedUse>> out = new TreeMap<>();
        fx.metrics.use().forEach((k, e) -> {
            String[] p = k.split("\\|", 3);
            long minute = Instant.parse(p[0]).toEpochMilli();
            if (v.between(minute) && v.get("tenant").contains(p[1]) && v.get("resource").contains(p[2])) {
                out.computeIfAbsent(p[2], x -> new TreeMap<>()).put(minute, e);
            }
        });
        return out;
    }

    private void use() {
        checks.put("Saturation ranking", (v, r) -> {
            Map<String, Map<String, Object>> exp = new TreeMap<>();
            useOf(v).forEach((urn, minutes) -> {
                Double sat = max(minutes.values().stream().map(e -> e.saturation));
                Double util = max(minutes.values().stream().map(e -> e.utilization));
                Map<String, Object> e = new HashMap<>();
                e.put("saturation", sat);
                e.put("utilization", util);
                e.put("pressure", Math.max(sat == null ? 0 : sat, util == null ? 0 : util));
                e.put("errors/s", avg(minutes.values().stream().map(x -> x.errorsPerSecond)));
                e.put("saturated_by", sat == null ? null : PRESENT);
                e.put("busiest", util == null ? null : PRESENT);
                exp.put(urn, e);
            });
            table(r.get("A"), List.of("resource"), exp);
        });
        for (String[] s : new String[][] {{"Utilization", "utilization"}, {"Saturation", "saturation"}, {"Errors per second", "errors_per_s"}}) {
            checks.put(s[0], (v, r) -> {
                Map<String, Object> exp = new TreeMap<>();
                useOf(v).forEach((urn, minutes) -> {
                    Map<Long, List<Double>> g = new TreeMap<>();
                    minutes.forEach((m, e) -> g.computeIfAbsent(v.group(m), x -> new ArrayList<>()).add(
                            s[1].equals("utilization") ? e.utilization : s[1].equals("saturation") ? e.saturation : e.errorsPerSecond));
                    g.forEach((t, vals) -> exp.put(t + "|" + urn, avg(vals.stream())));
                });
                timeSeries(r.get("A"), s[1], v, exp);
            });
        }
        checks.put("Metrics of the selected resources", (v, r) -> {
            Map<String, double[]> agg = new TreeMap<>();
            fx.metrics.rows().forEach((k, e) -> {
                String[] p = k.split("\\|", 5);
                long minute = Instant.parse(p[0]).toEpochMilli();
                if (v.between(minute) && v.get("tenant").contains(p[1]) && v.get("resource").contains(p[2])) {
                    double[] a = agg.computeIfAbsent(p[2] + "|" + p[3] + "|" + p[4], x -> new double[] {0, 0, Double.NEGATIVE_INFINITY, 0});
                    a[0] += e.points;
                    if (e.avg != null) {
                        a[1] += e.avg * e.points;
                        a[3] += e.points;
                    }
                    if (e.max != null) {
                        a[2] = Math.max(a[2], e.max);
                    }
                }
            });
            Map<String, Map<String, Object>> exp = new TreeMap<>();
            agg.forEach((k, a) -> {
                Map<String, Object> e = new HashMap<>();
                e.put("points", (long) a[0]);
                e.put("avg", a[3] == 0 ? null : a[1] / a[3]);
                e.put("max", a[2] == Double.NEGATIVE_INFINITY ? null : a[2]);
                exp.put(k, e);
            });
            List<Map<String, Object>> rows = new ArrayList<>();
            for (Map<String, Object> row : r.get("A")) {
                Map<String, Object> c = new HashMap<>(row);
                c.put("labels", labels(String.valueOf(row.get("labels"))));
                rows.add(c);
            }
            table(rows, List.of("resource", "metric", "labels"), exp);
        });
    }

    /** A labels JSON object as the metric oracle's key: k=v,k=v sorted by key. */
    static String labels(String json) {
        com.google.gson.JsonObject o = com.google.gson.JsonParser.parseString(json).getAsJsonObject();
        return new TreeSet<>(o.keySet()).stream().map(k -> k + "=" + o.get(k).getAsString()).collect(Collectors.joining(","));
    }

    // ------------------------------------------------------------------------------ health
    private void health() {
        checks.put("Dead letters per topic and kind", (v, r) -> {
            Map<String, Object> exp = new TreeMap<>();
            for (String[] d : fx.deadLetters) {
                long m = Long.parseLong(d[0]);
                if (v.between(m)) {
                    exp.merge(v.group(m) + "|" + d[1] + " " + d[3], 1L, (a, x) -> (Long) a + 1);
                }
            }
            timeSeries(r.get("A"), "dead letters", v, exp);
        });
        checks.put("Late records per topic", (v, r) -> {
            Map<String, Object> exp = new TreeMap<>();
            for (String[] d : fx.deadLetters) {
                long m = Long.parseLong(d[0]);
                if (v.between(m) && d[3].equals("late")) {
                    exp.merge(v.group(m) + "|" + d[1] + " " + d[2], 1L, (a, x) -> (Long) a + 1);
                }
            }
            timeSeries(r.get("A"), "late", v, exp);
        });
        checks.put("Folded into overflow over the selected range", (v, r) -> {
            // what the limits folded: counted in rows of the overflow tenant, service or peer, operation or pattern
            Map<String, Map<String, Object>> exp = new TreeMap<>();
            group(spans(f -> v.inRange(f.minute()) && (f.tenant().equals(OVERFLOW_TENANT) || f.service().equals(OVERFLOW_NAME)
                    || f.operation().equals(OVERFLOW_OPERATION))), Fact::tenant)
                    .forEach((t, fs) -> exp.put("spans (red_1m)|" + t, Map.of("folded", (long) fs.size())));
            group(calls(c -> v.inRange(bucket5(c.startMillis())) && (c.tenant().equals(OVERFLOW_TENANT)
                    || c.caller().equals(OVERFLOW_NAME) || c.callee().equals(OVERFLOW_NAME))), EdgeOracle.Call::tenant)
                    .forEach((t, cs) -> exp.put("calls (service_call_5m)|" + t, Map.of("folded", (long) cs.size())));
            // the fixture's logs stay within the limits: no log row is folded
            table(r.get("A"), List.of("pipeline", "tenant"), exp);
        });
        checks.put("Dead letters over the selected range", (v, r) -> {
            Map<String, long[]> agg = new TreeMap<>();
            for (String[] d : fx.deadLetters) {
                long m = Long.parseLong(d[0]);
                if (v.inRange(m)) {
                    long[] a = agg.computeIfAbsent(d[1] + "|" + d[2] + "|" + d[3], k -> new long[] {0, Long.MAX_VALUE, Long.MIN_VALUE});
                    a[0]++;
                    a[1] = Math.min(a[1], m);
                    a[2] = Math.max(a[2], m);
                }
            }
            Map<String, Map<String, Object>> exp = new TreeMap<>();
            agg.forEach((k, a) -> exp.put(k, Map.of("dead letters", a[0], "first", a[1], "last", a[2])));
            table(r.get("A"), List.of("topic", "stage", "kind"), exp);
        });
        checks.put("Records counted over the selected range", (v, r) -> {
            Map<String, Map<String, Object>> exp = new TreeMap<>();
            exp.put("spans (red_1m)", Map.of("records", (long) spans(f -> v.inRange(f.minute())).size()));
            exp.put("calls (service_call_5m)", Map.of("records", (long) calls(c -> v.inRange(bucket5(c.startMillis()))).size()));
            long logs = 0;
            for (Map<String, TreeMap<Instant, long[]>> fams : fx.logs.counts().values()) {
                for (TreeMap<Instant, long[]> b : fams.values()) {
                    for (Map.Entry<Instant, long[]> e : b.entrySet()) {
                        logs += v.inRange(e.getKey().toEpochMilli()) ? e.getValue()[0] : 0;
                    }
                }
            }
            exp.put("log records (log_pattern_5m)", Map.of("records", logs));
            long points = 0;
            for (Map.Entry<String, MetricOracle.Expected> e : fx.metrics.rows().entrySet()) {
                points += v.inRange(Instant.parse(e.getKey().split("\\|", 2)[0]).toEpochMilli()) ? e.getValue().points : 0;
            }
            exp.put("metric points (metric_1m)", Map.of("records", points));
            table(r.get("A"), List.of("counted"), exp);
        });
    }

    static final String OVERFLOW_TENANT = "overflow";
    static final String OVERFLOW_NAME = "other";
    static final String OVERFLOW_OPERATION = "__overflow__";

    // ------------------------------------------------------------------------------ helpers
    private List<Fact> spans(Predicate<Fact> p) {
        return fx.spans.stream().filter(p).collect(Collectors.toList());
    }

    private static <T> Map<String, List<T>> group(List<T> xs, Function<T, String> key) {
        return xs.stream().collect(Collectors.groupingBy(key, TreeMap::new, Collectors.toList()));
    }

    private static Double max(java.util.stream.Stream<Double> s) {
        return s.filter(x -> x != null).max(Double::compare).orElse(null);
    }

    private static Double avg(java.util.stream.Stream<Double> s) {
        List<Double> l = s.filter(x -> x != null).collect(Collectors.toList());
        return l.isEmpty() ? null : l.stream().mapToDouble(Double::doubleValue).sum() / l.size();
    }

    static long seconds(Object time) {
        if (time instanceof java.sql.Timestamp) {
            return ((java.sql.Timestamp) time).getTime() / 1000;
        }
        if (time instanceof java.time.temporal.TemporalAccessor) {
            return millis(time) / 1000;
        }
        return Math.round(num(time).doubleValue());
    }

    static long millis(Object t) {
        if (t instanceof java.sql.Timestamp) {
            return ((java.sql.Timestamp) t).getTime();
        }
        if (t instanceof java.time.OffsetDateTime) {
            return ((java.time.OffsetDateTime) t).toInstant().toEpochMilli();
        }
        if (t instanceof java.time.LocalDateTime) {
            return ((java.time.LocalDateTime) t).toInstant(java.time.ZoneOffset.UTC).toEpochMilli();
        }
        if (t instanceof Instant) {
            return ((Instant) t).toEpochMilli();
        }
        return num(t).longValue();
    }

    static Number num(Object o) {
        if (o instanceof Number) {
            return (Number) o;
        }
        return Double.parseDouble(String.valueOf(o));
    }

    /** A time series frame (time, metric, value column): every (interval, metric) of the oracle and nothing else. */
    private static void timeSeries(List<Map<String, Object>> rows, String column, View v, Map<String, Object> expected) {
        Map<String, Object> actual = new TreeMap<>();
        for (Map<String, Object> row : rows) {
            String key = seconds(row.get("time")) + "|" + row.get("metric");
            assertThat(actual.put(key, row.get(column))).as("one row per interval and series: %s", key).isNull();
        }
        assertThat(actual.keySet()).as("intervals and series of '%s'", column).isEqualTo(expected.keySet());
        expected.forEach((k, e) -> compare(column + " " + k, actual.get(k), e));
    }

    /** A table: one row per key of the oracle (key columns joined by '|'), the oracle's columns compared. */
    private static void table(List<Map<String, Object>> rows, List<String> keys, Map<String, Map<String, Object>> expected) {
        Map<String, Map<String, Object>> actual = new TreeMap<>();
        for (Map<String, Object> row : rows) {
            String key = keys.stream().map(k -> String.valueOf(row.get(k))).collect(Collectors.joining("|"));
            assertThat(actual.put(key, row)).as("one row per %s: %s", keys, key).isNull();
        }
        assertThat(actual.keySet()).as("rows by %s", keys).isEqualTo(expected.keySet());
        expected.forEach((k, cols) -> cols.forEach((c, e) -> {
            assertThat(actual.get(k)).as("row %s has column %s", k, c).containsKey(c);
            compare(k + " " + c, actual.get(k).get(c), e);
        }));
    }

    static void compare(String what, Object actual, Object expected) {
        if (expected == PRESENT) {
            assertThat(actual).as(what).isNotNull();
        } else if (expected == null) {
            assertThat(actual).as(what).isNull();
        } else if (expected instanceof Approx) {
            Approx a = (Approx) expected;
            assertThat(actual).as(what).isNotNull();
            assertThat(num(actual).doubleValue()).as(what).isCloseTo(a.value(),
                    org.assertj.core.data.Offset.offset(a.rel() * Math.abs(a.value()) * (1 + 1e-9) + 1e-9));
        } else if (expected instanceof Long && (actual instanceof java.util.Date || actual instanceof java.time.temporal.TemporalAccessor)) {
            assertThat(millis(actual)).as(what).isEqualTo((Long) expected);
        } else if (expected instanceof Number) {
            assertThat(actual).as(what).isNotNull();
            double e = ((Number) expected).doubleValue();
            assertThat(num(actual).doubleValue()).as(what).isCloseTo(e, org.assertj.core.data.Offset.offset(1e-9 * Math.max(1, Math.abs(e))));
        } else {
            assertThat(String.valueOf(actual)).as(what).isEqualTo(String.valueOf(expected));
        }
    }

    /** The oracle's set of keys, for scenario sanity checks. */
    public static Set<String> keys(Map<String, ?> m) {
        return new HashSet<>(m.keySet());
    }
}
