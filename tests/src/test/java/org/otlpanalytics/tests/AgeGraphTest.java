package org.otlpanalytics.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
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
