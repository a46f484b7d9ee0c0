package org.otlpanalytics.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.otlpanalytics.jobs.sink.postgres.DimensionRows;
import org.otlpanalytics.jobs.sink.postgres.PostgresSinkConfig;
import org.otlpanalytics.jobs.sink.postgres.SchemaMigrator;
import org.otlpanalytics.tests.support.Services;

/**
 * The incident queries of {@code sql/postgres/queries} on a real PostgreSQL, against a generated
 * graph (30 resources, random edges with cycles, two tenants sharing names, service names made
 * of SQL and Cypher syntax) whose answers are computed here by plain breadth-first search. The
 * files are run as a user runs them with psql variables: each {@code :'name'} becomes a bound
 * parameter. Over 300 lines because every expected answer is computed here, apart from SQL.
 */
class GraphQueriesTest {
    @RegisterExtension
    static final Services SERVICES = new Services();

    static final Path QUERIES = Path.of("..", "sql", "postgres", "queries");
    static final Pattern VARIABLE = Pattern.compile(":'([A-Za-z_][A-Za-z0-9_]*)'");
    static final Instant AT = Instant.parse("2026-03-03T12:00:00Z");
    static final int N = 30;
    static final String[] NAMES = new String[N];

    /** tenant -> edges (src index, dst index). */
    static final Map<String, List<int[]>> LIVE = new HashMap<>();
    /** t1 edge "src>dst" -> 5-minute rows {bucket offset (min before AT), calls, errors, p95 * 1000}. */
    static final Map<String, List<long[]>> CALLS = new TreeMap<>();
    /** t1 edge "src>dst" -> intervals {from, to (-1 open)} in ms. */
    static final Map<String, List<long[]>> INTERVALS = new TreeMap<>();

    static {
        for (int i = 0; i < N; i++) {
            NAMES[i] = "svc-" + i;
        }
        NAMES[7] = "x'); DROP TABLE live_edge; --";
        NAMES[8] = "$$ } MATCH (n) DETACH DELETE n {\"a\": 1}";
        NAMES[9] = "redis";
    }

    /** Runs a query file with its psql variables bound as parameters; rows as column label -> value. */
    static List<Map<String, Object>> query(Connection c, String file, Map<String, String> vars) throws Exception {
        String sql = Files.readString(QUERIES.resolve(file)).strip();
        if (sql.endsWith(";")) {
            sql = sql.substring(0, sql.length() - 1);
        }
        Matcher m = VARIABLE.matcher(sql);
        List<String> names = new ArrayList<>();
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            names.add(m.group(1));
            m.appendReplacement(sb, "?");
        }
        m.appendTail(sb);
        List<Map<String, Object>> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sb.toString())) {
            for (int i = 0; i < names.size(); i++) {
                String v = vars.get(names.get(i));
                if (v == null) {
                    throw new IllegalArgumentException(file + " needs the variable " + names.get(i));
                }
                ps.setString(i + 1, v);
            }
            try (ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        row.put(md.getColumnLabel(i), rs.getObject(i));
                    }
                    rows.add(row);
                }
            }
        }
        return rows;
    }

    /** The id of resource {@code i} in tenant {@code t}: resources are per tenant. */
    static long rid(String t, int i) {
        return DimensionRows.resourceId(DimensionRows.tenantId(t), urn(i));
    }

    static String urn(int i) {
        return i == 9 ? "urn:peer:redis/0" : "urn:svc:shop/" + NAMES[i];
    }

    @BeforeAll
    static void generateGraph() throws Exception {
        SchemaMigrator.migrate(PostgresSinkConfig.builder().jdbcUrl(SERVICES.postgres().jdbcUrl()).build());
        Random r = new Random(17);
        try (Connection c = SERVICES.postgres().connect()) {
            for (String t : new String[] {"t1", "t2"}) {
                exec(c, "INSERT INTO dim_tenant (tenant_id, code) VALUES (?, ?)", DimensionRows.tenantId(t), t);
            }
            for (String t : new String[] {"t1", "t2"}) {
                for (int i = 0; i < N; i++) {
                    exec(c, "INSERT INTO dim_resource (resource_id, urn, kind, name, namespace, tenant_id) VALUES (?, ?, ?, ?, ?, ?)",
                            rid(t, i), urn(i), i == 9 ? "peer" : "svc", NAMES[i], i == 9 ? null : "shop", DimensionRows.tenantId(t));
                }
            }
            for (String t : new String[] {"t1", "t2"}) {
                List<int[]> edges = new ArrayList<>();
                for (int i = 0; i < N; i++) {
                    if (i == 9) {
                        continue; // a cache calls nobody
                    }
                    for (int k = 0; k < 2; k++) {
                        int j = r.nextInt(N);
                        if (j != i) {
                            edges.add(new int[] {i, j});
                        }
                    }
                }
                edges.add(new int[] {7, 8});
                edges.add(new int[] {8, 9});
                edges.removeIf(e -> e[0] == 8 && e[1] != 9 && t.equals("t1"));
                LIVE.put(t, dedupe(edges));
                for (int[] e : LIVE.get(t)) {
                    exec(c, "INSERT INTO live_edge (tenant_id, src_resource_id, dst_resource_id, connection_type, first_seen, "
                            + "last_seen, calls, errors, rps, err_rate, p95_ms, as_of) VALUES (?, ?, ?, 'request', ?, ?, ?, ?, ?, ?, ?, ?)",
                            DimensionRows.tenantId(t), rid(t, e[0]), rid(t, e[1]),
                            ts(AT.toEpochMilli() - 600_000), ts(AT.toEpochMilli() - 1000), 100L, (long) r.nextInt(10),
                            100 / 600.0, r.nextInt(10) / 100.0, 1.0 + r.nextInt(500), ts(AT.toEpochMilli()));
                }
            }
            // 5-minute rows over the last hour and topology intervals, for t1's edges and a few more
            List<int[]> historic = new ArrayList<>(LIVE.get("t1"));
            historic.add(new int[] {3, 25});
            historic.add(new int[] {25, 26});
            for (int[] e : dedupe(historic)) {
                String key = e[0] + ">" + e[1];
                for (int b = 1; b <= 12; b++) {
                    if (r.nextInt(3) == 0) {
                        continue;
                    }
                    long calls = 1 + r.nextInt(1000);
                    long errors = r.nextInt(4) == 0 ? r.nextInt((int) calls) : 0;
                    long p95 = 1000 + r.nextInt(900_000);
                    CALLS.computeIfAbsent(key, k -> new ArrayList<>()).add(new long[] {b * 5L, calls, errors, p95});
                    exec(c, "INSERT INTO service_call_5m (bucket, tenant_id, src_resource_id, dst_resource_id, connection_type, "
                            + "calls, errors, rps, err_rate, duration_side, p50_ms, p95_ms, p99_ms, duration_sum_ms, duration_kll, "
                            + "server_calls, first_seen, last_seen) VALUES (?, ?, ?, ?, 'request', ?, ?, ?, ?, 'client', ?, ?, ?, 0, "
                            + "'\\x00'::bytea, 0, ?, ?)",
                            ts(AT.toEpochMilli() - b * 300_000L), DimensionRows.tenantId("t1"), rid("t1", e[0]),
                            rid("t1", e[1]), calls, errors, calls / 300.0, (double) errors / calls,
                            p95 / 2000.0, p95 / 1000.0, p95 / 1000.0, ts(AT.toEpochMilli() - b * 300_000L),
                            ts(AT.toEpochMilli() - b * 300_000L + 299_000));
                }
                long t = AT.toEpochMilli() - 6 * 3_600_000L + r.nextInt(3_600_000);
                for (int k = 0; k < 3; k++) {
                    long to = t + r.nextInt(3_600_000);
                    boolean open = k == 2 && r.nextBoolean();
                    INTERVALS.computeIfAbsent(key, x -> new ArrayList<>()).add(new long[] {t, open ? -1 : to});
                    exec(c, "INSERT INTO topo_edge_time (tenant_id, src_resource_id, dst_resource_id, relation, valid, connection_type) "
                            + "VALUES (?, ?, ?, 'calls', tstzrange(?, ?, '[]'), 'request')", DimensionRows.tenantId("t1"),
                            rid("t1", e[0]), rid("t1", e[1]), ts(t), open ? null : ts(to));
                    t = to + 600_000 + r.nextInt(1_800_000);
                }
            }
        }
    }

    private static List<int[]> dedupe(List<int[]> edges) {
        Map<String, int[]> m = new LinkedHashMap<>();
        for (int[] e : edges) {
            m.putIfAbsent(e[0] + ">" + e[1], e);
        }
        return new ArrayList<>(m.values());
    }

    @Test
    void downstreamListsEveryEdgeWithinKHopsAtItsShortestDistance() throws Exception {
        for (int origin : new int[] {0, 7, 8, 13}) {
            for (int k : new int[] {1, 2, 4}) {
                Map<String, Integer> expected = new TreeMap<>();
                Map<Integer, Integer> dist = bfs(LIVE.get("t1"), origin, false);
                for (int[] e : LIVE.get("t1")) {
                    Integer d = dist.get(e[0]);
                    if (d != null && d <= k - 1) {
                        expected.put(NAMES[e[0]] + "->" + NAMES[e[1]], d + 1);
                    }
                }
                Map<String, Integer> actual = new TreeMap<>();
                try (Connection c = SERVICES.postgres().connect()) {
                    for (Map<String, Object> row : query(c, "edges_downstream.sql",
                            Map.of("tenant", "t1", "service", NAMES[origin], "hops", Integer.toString(k)))) {
                        actual.put(row.get("caller") + "->" + row.get("callee"), ((Number) row.get("hop")).intValue());
                    }
                }
                assertThat(actual).as("downstream of %s, %d hops", NAMES[origin], k).isEqualTo(expected);
                if (k == 4 && origin != 8) {
                    assertThat(actual).isNotEmpty();
                }
            }
        }
    }

    @Test
    void upstreamImpactSetHoldsEveryTransitiveCaller() throws Exception {
        for (int failing : new int[] {9, 8, 21, 4}) {
            for (int k : new int[] {1, 3, 10}) {
                Map<Integer, Integer> rdist = bfs(LIVE.get("t1"), failing, true);
                Map<String, String> expected = new TreeMap<>();
                for (int u = 0; u < N; u++) {
                    if (u == failing) {
                        continue;
                    }
                    TreeSet<String> into = new TreeSet<>();
                    int best = Integer.MAX_VALUE;
                    for (int[] e : LIVE.get("t1")) {
                        Integer d = rdist.get(e[1]);
                        if (e[0] == u && d != null && d <= k - 1) {
                            into.add(NAMES[e[1]]);
                            best = Math.min(best, d + 1);
                        }
                    }
                    if (!into.isEmpty()) {
                        expected.put(NAMES[u], best + " " + into);
                    }
                }
                Map<String, String> actual = new TreeMap<>();
                try (Connection c = SERVICES.postgres().connect()) {
                    for (Map<String, Object> row : query(c, "edges_upstream_impact.sql",
                            Map.of("tenant", "t1", "service", NAMES[failing], "hops", Integer.toString(k)))) {
                        // compared as a set: the order of calls_into follows the database's collation
                        actual.put((String) row.get("affected"), row.get("hops_away") + " "
                                + new TreeSet<>(List.of(((String) row.get("calls_into")).split(", "))));
                    }
                }
                assertThat(actual).as("impact of %s failing, %d hops", NAMES[failing], k).isEqualTo(expected);
            }
        }
        try (Connection c = SERVICES.postgres().connect()) {
            assertThat(query(c, "edges_upstream_impact.sql", Map.of("tenant", "t1", "service", "redis", "hops", "1")))
                    .extracting(r -> r.get("affected")).contains(NAMES[8]);
        }
    }

    @Test
    void worstDownstreamEdgesOfTheLast30MinutesAreRankedBothWays() throws Exception {
        for (int origin : new int[] {3, 7, 0}) {
            // the edges called in the 30 minutes before AT: buckets 5..30 minutes before it
            Map<String, long[]> recent = new TreeMap<>();
            List<int[]> edges = new ArrayList<>();
            for (Map.Entry<String, List<long[]>> e : CALLS.entrySet()) {
                long[] sum = new long[3];
                for (long[] b : e.getValue()) {
                    if (b[0] <= 30) {
                        sum[0] += b[1];
                        sum[1] += b[2];
                        sum[2] = Math.max(sum[2], b[3]);
                    }
                }
                if (sum[0] > 0) {
                    recent.put(e.getKey(), sum);
                    String[] ij = e.getKey().split(">");
                    edges.add(new int[] {Integer.parseInt(ij[0]), Integer.parseInt(ij[1])});
                }
            }
            Map<Integer, Integer> dist = bfs(edges, origin, false);
            Map<String, String> expected = new TreeMap<>();
            for (int[] e : edges) {
                Integer d = dist.get(e[0]);
                if (d != null && d <= 4) {
                    long[] s = recent.get(e[0] + ">" + e[1]);
                    expected.put(NAMES[e[0]] + "->" + NAMES[e[1]], (d + 1) + " " + s[0] + " " + s[1] + " " + s[2]);
                }
            }
            Map<String, String> actual = new TreeMap<>();
            List<Double> p95s = new ArrayList<>();
            try (Connection c = SERVICES.postgres().connect()) {
                for (Map<String, Object> row : query(c, "edges_worst_downstream_30m.sql",
                        Map.of("tenant", "t1", "service", NAMES[origin], "hops", "5", "at", AT.toString()))) {
                    double p95 = ((Number) row.get("worst_p95_ms")).doubleValue();
                    p95s.add(p95);
                    actual.put(row.get("caller") + "->" + row.get("callee"),
                            row.get("hop") + " " + row.get("calls") + " " + row.get("errors") + " " + Math.round(p95 * 1000));
                }
            }
            assertThat(actual).as("worst downstream of %s", NAMES[origin]).isEqualTo(expected);
            List<Double> sorted = new ArrayList<>(p95s);
            sorted.sort((a, b) -> Double.compare(b, a));
            assertThat(p95s).as("slowest first").isEqualTo(sorted);
        }
    }

    @Test
    void topologyAtAPastInstantIsTheEdgesValidThen() throws Exception {
        Random r = new Random(3);
        for (int round = 0; round < 12; round++) {
            long at = AT.toEpochMilli() - 6 * 3_600_000L + r.nextInt(8 * 3_600_000);
            TreeSet<String> expected = new TreeSet<>();
            for (Map.Entry<String, List<long[]>> e : INTERVALS.entrySet()) {
                for (long[] iv : e.getValue()) {
                    if (iv[0] <= at && (iv[1] < 0 || at <= iv[1])) {
                        String[] ij = e.getKey().split(">");
                        expected.add(NAMES[Integer.parseInt(ij[0])] + "->" + NAMES[Integer.parseInt(ij[1])]);
                    }
                }
            }
            TreeSet<String> actual = new TreeSet<>();
            try (Connection c = SERVICES.postgres().connect()) {
                for (Map<String, Object> row : query(c, "edges_topology_at.sql",
                        Map.of("tenant", "t1", "at", Instant.ofEpochMilli(at).toString()))) {
                    assertThat(actual.add(row.get("caller") + "->" + row.get("callee"))).isTrue();
                }
            }
            assertThat(actual).as("topology at %s", Instant.ofEpochMilli(at)).isEqualTo(expected);
        }
        try (Connection c = SERVICES.postgres().connect()) {
            assertThat(query(c, "edges_topology_at.sql", Map.of("tenant", "t2", "at", AT.toString()))).isEmpty();
        }
    }

    @Test
    void hostileNamesChangeNothingElse() throws Exception {
        try (Connection c = SERVICES.postgres().connect()) {
            List<Map<String, Object>> rows = query(c, "edges_downstream.sql", Map.of("tenant", "t1", "service", NAMES[7], "hops", "2"));
            assertThat(rows).extracting(x -> x.get("callee")).contains(NAMES[8], "redis");
            assertThat(query(c, "edges_downstream.sql", Map.of("tenant", "t1", "service", "nobody' OR '1'='1", "hops", "5"))).isEmpty();
        }
        assertThat(org.otlpanalytics.tests.support.Pipelines.rows(SERVICES.postgres(), "SELECT count(*) FROM live_edge"))
                .containsExactly(Integer.toString(LIVE.get("t1").size() + LIVE.get("t2").size()));
    }

    /** Breadth-first distances from {@code origin} (along edges, or against them when {@code reverse}). */
    static Map<Integer, Integer> bfs(List<int[]> edges, int origin, boolean reverse) {
        Map<Integer, Integer> dist = new HashMap<>();
        dist.put(origin, 0);
        ArrayDeque<Integer> q = new ArrayDeque<>(List.of(origin));
        while (!q.isEmpty()) {
            int u = q.poll();
            for (int[] e : edges) {
                int from = reverse ? e[1] : e[0];
                int to = reverse ? e[0] : e[1];
                if (from == u && !dist.containsKey(to)) {
                    dist.put(to, dist.get(u) + 1);
                    q.add(to);
                }
            }
        }
        return dist;
    }

    private static java.time.OffsetDateTime ts(long millis) {
        return java.time.OffsetDateTime.ofInstant(Instant.ofEpochMilli(millis), java.time.ZoneOffset.UTC);
    }

    private static void exec(Connection c, String sql, Object... params) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                if (params[i] == null) {
                    ps.setNull(i + 1, java.sql.Types.TIMESTAMP_WITH_TIMEZONE);
                } else {
                    ps.setObject(i + 1, params[i]);
                }
            }
            ps.executeUpdate();
        }
    }
}
