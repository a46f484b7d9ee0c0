package org.otlpanalytics.jobs.sink.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.Locale;
import java.util.regex.Pattern;
import org.otlpanalytics.schemas.JsonText;

/**
 * The live graph in Apache AGE: detection, session set-up, and the parameterised Cypher that
 * keeps {@code (:Resource {tenant_id, resource_id, urn, name})-[:CALLS {...}]->(:Resource)} in
 * step with {@code live_edge}. As DESIGN section 7 requires, every value travels in one agtype map
 * bound as a real statement parameter ({@code setObject(.., Types.OTHER)}) and is read as
 * {@code $key} inside the query; the only text put into a statement is the graph name, which
 * {@link #checkGraphName} restricts to an identifier.
 */
public final class AgeGraph {
    public static final String DEFAULT_GRAPH = "ops";
    public static final String LABEL_RESOURCE = "Resource";
    public static final String LABEL_CALLS = "CALLS";
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

    /** Whether the live graph goes to AGE: when it can ({@code auto}), always, or never. */
    public enum Mode {
        AUTO, ON, OFF;

        public static Mode parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException | NullPointerException e) {
                throw new IllegalArgumentException("edges.live.age must be auto, on or off; got " + s);
            }
        }
    }

    static final String MERGE_VERTEX = "MERGE (v:" + LABEL_RESOURCE + " {tenant_id: $tenant_id, resource_id: $resource_id}) "
            + "SET v.urn = $urn, v.name = $name, v.kind = $kind RETURN id(v)";
    static final String MERGE_EDGE = "MATCH (a:" + LABEL_RESOURCE + " {tenant_id: $tenant_id, resource_id: $src_id}), "
            + "(b:" + LABEL_RESOURCE + " {tenant_id: $tenant_id, resource_id: $dst_id}) "
            + "MERGE (a)-[e:" + LABEL_CALLS + "]->(b) "
            + "SET e.first_seen = $first_seen, e.last_seen = $last_seen, e.rps = $rps, e.err_rate = $err_rate, "
            + "e.p95 = $p95, e.calls = $calls, e.errors = $errors, e.connection_type = $connection_type, e.as_of = $as_of "
            + "RETURN id(e)";
    static final String DELETE_EDGE = "MATCH (a:" + LABEL_RESOURCE + " {tenant_id: $tenant_id, resource_id: $src_id})"
            + "-[e:" + LABEL_CALLS + "]->(b:" + LABEL_RESOURCE + " {tenant_id: $tenant_id, resource_id: $dst_id}) DELETE e";
    /** Empties the graph before it is rebuilt from live_edge (a resynchronisation after an AGE failure). */
    static final String DELETE_ALL = "MATCH (v:" + LABEL_RESOURCE + ") DETACH DELETE v";
    /** A vertex leaves with its last edge, so the graph holds only what the live window holds. */
    static final String DELETE_LONELY_VERTEX = "MATCH (v:" + LABEL_RESOURCE + " {tenant_id: $tenant_id, resource_id: $resource_id}) "
            + "OPTIONAL MATCH (v)-[r]-() WITH v, count(r) AS n WHERE n = 0 DELETE v";

    private AgeGraph() {}

    /** Null when AGE can be used on this server, otherwise why not (for logs and skipped tests). */
    public static String unavailableReason(Connection c) throws SQLException {
        if (exists(c, "SELECT 1 FROM pg_extension WHERE extname = 'age'")) {
            return null;
        }
        if (!exists(c, "SELECT 1 FROM pg_available_extensions WHERE name = 'age'")) {
            return "Apache AGE is not installed on this PostgreSQL server";
        }
        return null;
    }

    /**
     * Readies a session (autocommit on): creates the extension and the graph when missing, loads
     * the library unless {@code shared_preload_libraries} has it, and puts {@code ag_catalog} on
     * the search path (property-map patterns need its operators).
     */
    public static void prepareSession(Connection c, String graph) throws SQLException {
        checkGraphName(graph);
        try (Statement s = c.createStatement()) {
            if (!exists(c, "SELECT 1 FROM pg_extension WHERE extname = 'age'")) {
                s.execute("CREATE EXTENSION IF NOT EXISTS age");
            }
            if (!preloaded(c)) {
                s.execute("LOAD 'age'");
            }
            s.execute("SET search_path = ag_catalog, \"$user\", public");
        }
        boolean present;
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM ag_catalog.ag_graph WHERE name = ?::name")) {
            ps.setString(1, graph);
            try (ResultSet rs = ps.executeQuery()) {
                present = rs.next();
            }
        }
        if (!present) {
            try (PreparedStatement ps = c.prepareStatement("SELECT ag_catalog.create_graph(?::name)")) {
                ps.setString(1, graph);
                ps.execute();
            }
        }
    }

    static boolean preloaded(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW shared_preload_libraries")) {
            rs.next();
            String libs = rs.getString(1);
            return libs != null && libs.matches("(?i)(.*[,\\s'\"])?age([,\\s'\"].*)?");
        }
    }

    /**
     * {@code SELECT * FROM ag_catalog.cypher('<graph>', $$ <cypher> $$, ?) AS (<column> agtype)}:
     * the statement every Cypher query of this project is sent as.
     */
    public static String statement(String graph, String cypher, String column) {
        checkGraphName(graph);
        if (cypher.contains("$$")) {
            throw new IllegalArgumentException("a Cypher query must not contain $$");
        }
        return "SELECT * FROM ag_catalog.cypher('" + graph + "', $$ " + cypher + " $$, ?) AS (" + column + " ag_catalog.agtype)";
    }

    /** Runs one Cypher statement with its agtype map parameter; returns the rows it produced. */
    public static int execute(PreparedStatement ps, String paramsJson) throws SQLException {
        ps.setObject(1, paramsJson, Types.OTHER);
        int rows = 0;
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows++;
            }
        }
        return rows;
    }

    public static String checkGraphName(String graph) {
        if (graph == null || !IDENTIFIER.matcher(graph).matches()) {
            throw new IllegalArgumentException("edges.live.age-graph must be an identifier ([A-Za-z_][A-Za-z0-9_]*), got " + graph);
        }
        return graph;
    }

    /** A JSON object from alternating keys and values (String, Long, Integer, Double, Boolean, null). */
    public static String params(Object... kv) {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i + 1 < kv.length; i += 2) {
            if (i > 0) {
                sb.append(", ");
            }
            JsonText.appendQuoted(sb, (String) kv[i]);
            sb.append(": ");
            Object v = kv[i + 1];
            if (v == null || v instanceof Double && !Double.isFinite((Double) v)) {
                sb.append("null");
            } else if (v instanceof String) {
                JsonText.appendQuoted(sb, (String) v);
            } else if (v instanceof Double) {
                // agtype reads 1.0E-4 as a float; keep a decimal point so 2.0 stays a float
                sb.append(((Double) v).toString());
            } else {
                sb.append(v);
            }
        }
        return sb.append('}').toString();
    }


    private static boolean exists(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next();
        }
    }
}
