package org.otlpanalytics.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.otlpanalytics.jobs.embedded.PostgresServer;
import org.otlpanalytics.jobs.sink.postgres.AgeGraph;
import org.otlpanalytics.jobs.sink.postgres.DimensionRows;
import org.otlpanalytics.jobs.sink.postgres.LiveGraphWriter;
import org.otlpanalytics.jobs.sink.postgres.PostgresSinkConfig;
import org.otlpanalytics.jobs.sink.postgres.SchemaMigrator;
import org.otlpanalytics.operators.topology.LiveEdge;
import org.otlpanalytics.tests.support.Pipelines;

/**
 * The live graph in Apache AGE (graph {@code ops}), when the server has AGE: the sink's MERGEs
 * applied twice leave the same vertices and edges with the same properties, removals remove
 * edges and the vertices left without any, hostile names travel as agtype parameters, and the
 * Cypher queries of {@code sql/age} answer as their relational twins. Without AGE every test is
 * skipped, saying why; the relational live graph is covered by {@link GraphLiveRefreshTest}.
 */
class AgeGraphTest {
    static final Path CYPHER = Path.of("..", "sql", "age");
    private static PostgresServer pg;
    private static String unavailable;

    @BeforeAll
    static void start() throws Exception {
        pg = PostgresServer.start();
        try (Connection c = pg.connect()) {
            unavailable = AgeGraph.unavailableReason(c);
        }
        if (unavailable == null) {
            SchemaMigrator.migrate(config());
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (pg != null) {
            pg.close();
        }
    }

    @BeforeEach
    void requireAge() {
        assumeTrue(unavailable == null, () -> "skipped: " + unavailable + "; set " + PostgresServer.URL_ENV
                + " to a server with AGE");
    }

    static PostgresSinkConfig config() {
        return PostgresSinkConfig.builder().jdbcUrl(pg.jdbcUrl()).batchSize(100).build();
    }

    static List<String> cypher(Connection c, String query, String params) throws Exception {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(AgeGraph.statement(AgeGraph.DEFAULT_GRAPH, query, "r"))) {
            ps.setObject(1, params, Types.OTHER);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        out.sort(null);
        return out;
    }

    static List<String> graph() throws Exception {
        try (Connection c = pg.connect()) {
            AgeGraph.prepareSession(c, AgeGraph.DEFAULT_GRAPH);
            List<String> g = new ArrayList<>(cypher(c, "MATCH (v:Resource) RETURN [v.tenant_id, v.resource_id, v.urn, v.name, v.kind]", "{}"));
            g.addAll(cypher(c, "MATCH (a:Resource)-[e:CALLS]->(b:Resource) RETURN [a.resource_id, b.resource_id, e.first_seen, "
                    + "e.last_seen, e.rps, e.err_rate, e.p95, e.calls, e.errors, e.connection_type, e.as_of]", "{}"));
            return g;
        }
    }

    static void apply(List<LiveEdge> changes) throws Exception {
        LiveGraphWriter w = LiveGraphWriter.standalone(config(), AgeGraph.Mode.ON, AgeGraph.DEFAULT_GRAPH);
        try {
            assertThat(w.ageEnabled()).isTrue();
            GraphLiveRefreshTest.apply(w, changes);
        } finally {
            w.close();
        }
    }

    @Test
    void refreshingTwiceLeavesTheSameGraph() throws Exception {
        apply(List.of(GraphLiveRefreshTest.edge("cart", "redis", true, 5, 0)));
        apply(GraphLiveRefreshTest.refresh());
        List<String> once = graph();
        apply(GraphLiveRefreshTest.refresh());
        assertThat(graph()).isEqualTo(once);
        // 7 edges over 8 resources: cart and redis left with their only edge
        assertThat(once.stream().filter(s -> s.contains("urn:"))).hasSize(8);
        assertThat(once).noneMatch(s -> s.contains("redis"));
        assertThat(once.stream().filter(s -> !s.contains("urn:"))).hasSize(7);
    }

    @Test
    void hostileNamesAreStoredAndFoundAsTheyAre() throws Exception {
        apply(GraphLiveRefreshTest.refresh());
        try (Connection c = pg.connect()) {
            AgeGraph.prepareSession(c, AgeGraph.DEFAULT_GRAPH);
            for (String name : GraphLiveRefreshTest.HOSTILE) {
                List<String> found = cypher(c, "MATCH (v:Resource {name: $name}) RETURN v.name", AgeGraph.params("name", name));
                assertThat(found).as("vertex named %s", name).hasSize(1);
                assertThat(unquote(found.get(0))).isEqualTo(name);
            }
        }
        assertThat(graph().stream().filter(s -> !s.contains("urn:"))).hasSize(7);
    }

    @Test
    void cypherQueriesAnswerAsTheirRelationalTwins() throws Exception {
        apply(GraphLiveRefreshTest.refresh());
        long tenant = DimensionRows.tenantId("default");
        try (Connection c = pg.connect()) {
            AgeGraph.prepareSession(c, AgeGraph.DEFAULT_GRAPH);
            TreeSet<String> cypherEdges = new TreeSet<>();
            for (List<String> row : run(c, "edges_downstream.sql", AgeGraph.params("tenant_id", tenant, "name", "frontend", "hops", 3L))) {
                cypherEdges.add(unquote(row.get(1)) + "->" + unquote(row.get(2)) + "@" + row.get(0));
            }
            TreeSet<String> sqlEdges = new TreeSet<>();
            for (Map<String, Object> row : GraphQueriesTest.query(c, "edges_downstream.sql",
                    Map.of("tenant", "default", "service", "frontend", "hops", "3"))) {
                sqlEdges.add(row.get("caller") + "->" + row.get("callee") + "@" + row.get("hop"));
            }
            assertThat(cypherEdges).isEqualTo(sqlEdges).isNotEmpty();

            TreeSet<String> cypherUp = new TreeSet<>();
            for (List<String> row : run(c, "edges_upstream_impact.sql",
                    AgeGraph.params("tenant_id", tenant, "name", GraphLiveRefreshTest.HOSTILE[3], "hops", 10L))) {
                cypherUp.add(unquote(row.get(1)) + "@" + row.get(0));
            }
            TreeSet<String> sqlUp = new TreeSet<>();
            for (Map<String, Object> row : GraphQueriesTest.query(c, "edges_upstream_impact.sql",
                    Map.of("tenant", "default", "service", GraphLiveRefreshTest.HOSTILE[3], "hops", "10"))) {
                sqlUp.add(row.get("affected") + "@" + row.get("hops_away"));
            }
            assertThat(cypherUp).isEqualTo(sqlUp).hasSize(4);

            assertThat(run(c, "edges_worst_downstream.sql", AgeGraph.params("tenant_id", tenant, "name", "frontend", "hops", 5L)))
                    .isNotEmpty();
        }
    }

    /**
     * AUTO mode: while AGE is unusable (here its edge table is locked by another session and the
     * writer's statements give up after a lock timeout) the flush still writes live_edge; the
     * next flush that reaches AGE rebuilds the graph from live_edge, so the delete and the new
     * edge missed meanwhile are there, and a writer starting after a restart does the same.
     */
    @Test
    void anAgeOutageIsRepairedFromLiveEdgeMissedDeletesIncluded() throws Exception {
        String db;
        try (Connection c = pg.connect(); Statement st = c.createStatement()) {
            ResultSet rs = st.executeQuery("SELECT current_database()");
            rs.next();
            db = rs.getString(1).replace("\"", "\"\"");
            st.execute("DELETE FROM live_edge");
            AgeGraph.prepareSession(c, AgeGraph.DEFAULT_GRAPH);
            cypher(c, "MATCH (v:Resource) DETACH DELETE v", "{}");
            st.execute("ALTER DATABASE \"" + db + "\" SET lock_timeout = '300ms'");
        }
        LiveGraphWriter w = LiveGraphWriter.standalone(config(), AgeGraph.Mode.AUTO, AgeGraph.DEFAULT_GRAPH);
        try {
            GraphLiveRefreshTest.apply(w, List.of(GraphLiveRefreshTest.edge("cart", "redis", true, 5, 0),
                    GraphLiveRefreshTest.edge("frontend", "checkout", false, 7, 1)));
            assertThat(ageEdges()).isEqualTo(liveEdges()).hasSize(2);

            LiveEdge gone = GraphLiveRefreshTest.edge("cart", "redis", true, 5, 0);
            gone.removed = true;
            try (Connection locker = pg.connect(); Statement st = locker.createStatement()) {
                locker.setAutoCommit(false);
                st.execute("LOCK TABLE " + AgeGraph.DEFAULT_GRAPH + ".\"" + AgeGraph.LABEL_CALLS + "\" IN ACCESS EXCLUSIVE MODE");
                GraphLiveRefreshTest.apply(w, List.of(gone, GraphLiveRefreshTest.edge("checkout", "payment", false, 3, 0)));
                locker.commit();
            }
            assertThat(liveEdges()).as("live_edge written during the outage").hasSize(2).noneMatch(r -> r.endsWith(" 5"));
            assertThat(ageEdges()).as("AGE missed the delete").anyMatch(r -> r.endsWith(" 5"));

            GraphLiveRefreshTest.apply(w, List.of(GraphLiveRefreshTest.edge("checkout", "postgresql", true, 9, 0)));
            assertThat(ageEdges()).as("AGE rebuilt from live_edge at the next flush").isEqualTo(liveEdges()).hasSize(3);
        } finally {
            w.close();
        }

        // a writer starting after a restart cannot know what the last one missed: it rebuilds too
        try (Connection c = pg.connect()) {
            AgeGraph.prepareSession(c, AgeGraph.DEFAULT_GRAPH);
            cypher(c, "MATCH (a:Resource), (b:Resource) WHERE a.name = 'frontend' AND b.name = 'payment' "
                    + "CREATE (a)-[e:CALLS {calls: 99}]->(b) RETURN id(e)", "{}");
        }
        assertThat(ageEdges()).hasSize(4);
        LiveGraphWriter restarted = LiveGraphWriter.standalone(config(), AgeGraph.Mode.AUTO, AgeGraph.DEFAULT_GRAPH);
        try {
            restarted.flush(false);
            assertThat(ageEdges()).isEqualTo(liveEdges()).hasSize(3);
        } finally {
            restarted.close();
            try (Connection c = pg.connect(); Statement st = c.createStatement()) {
                st.execute("ALTER DATABASE \"" + db + "\" RESET lock_timeout");
            }
        }
    }

    /**
     * Two tenants running services of the same names: their vertices and edges are apart in AGE
     * (vertex identity is tenant and resource) and in live_edge, and one tenant's edge leaving
     * the live window leaves the other's.
     */
    @Test
    void twoTenantsWithTheSameServicesAreDifferentVertices() throws Exception {
        try (Connection c = pg.connect(); Statement st = c.createStatement()) {
            st.execute("DELETE FROM live_edge");
        }
        LiveGraphWriter w = LiveGraphWriter.standalone(config(), AgeGraph.Mode.ON, AgeGraph.DEFAULT_GRAPH);
        try {
            LiveEdge a = GraphLiveRefreshTest.edge("frontend", "checkout", false, 5, 0);
            a.tenant = "tenant-a";
            LiveEdge b = GraphLiveRefreshTest.edge("frontend", "checkout", false, 7, 0);
            b.tenant = "tenant-b";
            GraphLiveRefreshTest.apply(w, List.of(a, b));
            assertThat(liveEdges()).hasSize(2);
            assertThat(ageEdges()).isEqualTo(liveEdges());
            try (Connection c = pg.connect()) {
                AgeGraph.prepareSession(c, AgeGraph.DEFAULT_GRAPH);
                assertThat(cypher(c, "MATCH (v:Resource {name: 'frontend'}) RETURN v.tenant_id", "{}")).hasSize(2);
            }
            LiveEdge goneA = GraphLiveRefreshTest.edge("frontend", "checkout", false, 5, 0);
            goneA.tenant = "tenant-a";
            goneA.removed = true;
            GraphLiveRefreshTest.apply(w, List.of(goneA));
            assertThat(ageEdges()).isEqualTo(liveEdges()).hasSize(1)
                    .allMatch(r -> r.startsWith(DimensionRows.tenantId("tenant-b") + " ") && r.endsWith(" 7"));
        } finally {
            w.close();
        }
    }

    /** The CALLS edges of the AGE graph as "tenant src dst calls". */
    static List<String> ageEdges() throws Exception {
        try (Connection c = pg.connect()) {
            AgeGraph.prepareSession(c, AgeGraph.DEFAULT_GRAPH);
            List<String> out = new ArrayList<>();
            for (String row : cypher(c, "MATCH (a:Resource)-[e:CALLS]->(b:Resource) "
                    + "RETURN [a.tenant_id, a.resource_id, b.resource_id, e.calls]", "{}")) {
                out.add(row.replaceAll("[\\[\\]]", "").replace(", ", " "));
            }
            out.sort(null);
            return out;
        }
    }

    /** The rows of live_edge as "tenant src dst calls". */
    static List<String> liveEdges() throws Exception {
        List<String> out = new ArrayList<>();
        for (String row : Pipelines.rows(pg, "SELECT tenant_id, src_resource_id, dst_resource_id, calls FROM live_edge")) {
            out.add(row.replace('\t', ' '));
        }
        out.sort(null);
        return out;
    }

    /** Runs a file of sql/age: its {@code $1} (the agtype map) bound as the statement parameter. */
    static List<List<String>> run(Connection c, String file, String params) throws Exception {
        String sql = Files.readString(CYPHER.resolve(file)).strip();
        sql = sql.substring(0, sql.length() - (sql.endsWith(";") ? 1 : 0)).replaceFirst("\\$\\$,\\s*\\$1\\)", "\\$\\$, ?)");
        List<List<String>> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, params, Types.OTHER);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    List<String> row = new ArrayList<>();
                    for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                        row.add(rs.getString(i));
                    }
                    rows.add(row);
                }
            }
        }
        return rows;
    }

    /** agtype strings come back as JSON text, quotes included. */
    static String unquote(String json) {
        if (json == null || json.length() < 2 || json.charAt(0) != '"') {
            return json;
        }
        return com.google.gson.JsonParser.parseString(json).getAsString();
    }
}
