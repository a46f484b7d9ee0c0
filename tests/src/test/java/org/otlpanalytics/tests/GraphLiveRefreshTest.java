package org.otlpanalytics.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.otlpanalytics.jobs.sink.postgres.AgeGraph;
import org.otlpanalytics.jobs.sink.postgres.LiveGraphWriter;
import org.otlpanalytics.jobs.sink.postgres.PostgresSinkConfig;
import org.otlpanalytics.jobs.sink.postgres.SchemaMigrator;
import org.otlpanalytics.operators.topology.LiveEdge;
import org.otlpanalytics.tests.support.Pipelines;
import org.otlpanalytics.tests.support.Services;

/**
 * The live graph's relational form ({@code live_edge}, the fallback when AGE is absent and the
 * copy kept beside it otherwise), written by the sink's writer on a real PostgreSQL: applying
 * the same refresh twice leaves the same graph, removals remove, and names made of quotes,
 * {@code $$}, braces and Cypher or SQL keywords are stored and found as they are.
 */
class GraphLiveRefreshTest {
    @RegisterExtension
    static final Services SERVICES = new Services();

    static final long T = 1_772_000_000_000L;
    static final String[] HOSTILE = {"it's \"quoted\"", "$$ MATCH (n) DETACH DELETE n $$", "} RETURN 1 //", "'); DROP TABLE live_edge; --"};

    static LiveEdge edge(String caller, String callee, boolean calleeVirtual, long calls, long errors) {
        LiveEdge e = new LiveEdge();
        e.tenant = "default";
        e.callerUrn = "urn:svc:shop/" + caller;
        e.callerName = caller;
        e.calleeUrn = calleeVirtual ? "urn:peer:" + callee + "/0" : "urn:svc:shop/" + callee;
        e.calleeName = callee;
        e.calleeVirtual = calleeVirtual;
        e.asOfMillis = T;
        e.connectionType = calleeVirtual ? "database" : "request";
        e.firstSeenMillis = T - 540_000;
        e.lastSeenMillis = T - 1_000;
        e.calls = calls;
        e.errors = errors;
        e.rps = calls / 600.0;
        e.errRate = (double) errors / calls;
        e.p95Ms = 12.5 + calls % 7;
        return e;
    }

    static List<LiveEdge> refresh() {
        List<LiveEdge> l = new ArrayList<>();
        l.add(edge("frontend", "checkout", false, 600, 6));
        l.add(edge("checkout", "payment", false, 300, 30));
        l.add(edge("checkout", "postgresql", true, 900, 0));
        l.add(edge("frontend", HOSTILE[0], false, 60, 1));
        l.add(edge(HOSTILE[0], HOSTILE[1], false, 61, 2));
        l.add(edge(HOSTILE[1], HOSTILE[2], false, 62, 3));
        l.add(edge(HOSTILE[2], HOSTILE[3], false, 63, 0));
        LiveEdge gone = edge("cart", "redis", true, 1, 0);
        gone.removed = true;
        l.add(gone);
        return l;
    }

    /** A live graph writer on the migrated test database, as the job opens it. */
    private static LiveGraphWriter openWriter() throws Exception {
        PostgresSinkConfig cfg = PostgresSinkConfig.builder().jdbcUrl(SERVICES.postgres().jdbcUrl()).batchSize(100).build();
        SchemaMigrator.migrate(cfg);
        return LiveGraphWriter.standalone(cfg, AgeGraph.Mode.AUTO, AgeGraph.DEFAULT_GRAPH);
    }

    static void apply(LiveGraphWriter w, List<LiveEdge> changes) throws Exception {
        for (LiveEdge e : changes) {
            w.write(e, null);
        }
        w.flush(false);
    }

    static final String GRAPH = "SELECT t.code, s.urn, s.name, d.urn, d.name, e.connection_type, e.first_seen, e.last_seen, "
            + "e.calls, e.errors, e.rps, e.err_rate, e.p95_ms, e.as_of FROM live_edge e JOIN dim_tenant t USING (tenant_id) "
            + "JOIN dim_resource s ON s.resource_id = e.src_resource_id JOIN dim_resource d ON d.resource_id = e.dst_resource_id "
            + "ORDER BY 1, 2, 4";

    @Test
    void refreshingTwiceLeavesTheSameGraphAndHostileNamesStayAsTheyAre() throws Exception {
        LiveGraphWriter w = openWriter();
        try {
            // a first refresh with an edge that the next refresh removes
            apply(w, List.of(edge("cart", "redis", true, 5, 0)));
            assertThat(Pipelines.rows(SERVICES.postgres(), "SELECT count(*) FROM live_edge")).containsExactly("1");

            apply(w, refresh());
            List<String> once = Pipelines.rows(SERVICES.postgres(), GRAPH);
            List<String> dims = Pipelines.rows(SERVICES.postgres(), "SELECT * FROM dim_resource ORDER BY urn");
            apply(w, refresh());
            assertThat(Pipelines.rows(SERVICES.postgres(), GRAPH)).isEqualTo(once);
            assertThat(Pipelines.rows(SERVICES.postgres(), "SELECT * FROM dim_resource ORDER BY urn")).isEqualTo(dims);

            assertThat(once).hasSize(7);
            assertThat(once).noneMatch(r -> r.contains("redis"));
            try (Connection c = SERVICES.postgres().connect();
                    PreparedStatement ps = c.prepareStatement("SELECT name FROM dim_resource WHERE urn = ?")) {
                for (String h : HOSTILE) {
                    ps.setString(1, "urn:svc:shop/" + h);
                    try (ResultSet rs = ps.executeQuery()) {
                        assertThat(rs.next()).as("resource %s", h).isTrue();
                        assertThat(rs.getString(1)).isEqualTo(h);
                    }
                }
                // the incident queries find them through bound parameters, and nothing else moved
                List<Map<String, Object>> down = GraphQueriesTest.query(c, "edges_downstream.sql",
                        Map.of("tenant", "default", "service", HOSTILE[0], "hops", "5"));
                assertThat(down).extracting(r -> r.get("caller") + " -> " + r.get("callee") + " @" + r.get("hop"))
                        .containsExactly(HOSTILE[0] + " -> " + HOSTILE[1] + " @1", HOSTILE[1] + " -> " + HOSTILE[2] + " @2",
                                HOSTILE[2] + " -> " + HOSTILE[3] + " @3");
                List<Map<String, Object>> up = GraphQueriesTest.query(c, "edges_upstream_impact.sql",
                        Map.of("tenant", "default", "service", HOSTILE[3], "hops", "10"));
                assertThat(up).extracting(r -> r.get("affected") + " @" + r.get("hops_away"))
                        .containsExactly(HOSTILE[2] + " @1", HOSTILE[1] + " @2", HOSTILE[0] + " @3", "frontend @4");
            }
            assertThat(Pipelines.rows(SERVICES.postgres(), GRAPH)).isEqualTo(once);
            assertThat(Pipelines.rows(SERVICES.postgres(), "SELECT count(*) FROM dim_tenant")).containsExactly("1");
        } finally {
            w.close();
        }
    }

    /** A connection that died while idle (a database restart, a terminated backend) is replaced by the next refresh. */
    @Test
    void aRefreshAfterTheConnectionWasKilledWritesOnANewOne() throws Exception {
        LiveGraphWriter w = openWriter();
        try {
            apply(w, List.of(edge("killed-a", "killed-b", false, 5, 0)));
            try (Connection c = SERVICES.postgres().connect(); java.sql.Statement st = c.createStatement()) {
                st.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        + "WHERE application_name = 'otlp-analytics' AND pid <> pg_backend_pid()");
            }
            apply(w, List.of(edge("killed-a", "killed-b", false, 9, 1), edge("killed-b", "killed-c", false, 4, 0)));
            assertThat(Pipelines.rows(SERVICES.postgres(), "SELECT s.name, d.name, e.calls, e.errors FROM live_edge e "
                    + "JOIN dim_resource s ON s.resource_id = e.src_resource_id JOIN dim_resource d ON d.resource_id = e.dst_resource_id "
                    + "WHERE s.name LIKE 'killed-%' ORDER BY 1, 2"))
                    .containsExactly("killed-a\tkilled-b\t9\t1", "killed-b\tkilled-c\t4\t0");
        } finally {
            w.close();
        }
    }
}
