package org.otlpanalytics.jobs.sink.postgres;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.otlpanalytics.operators.topology.LiveEdge;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writer of {@link LiveGraphSink}: keeps the latest change per edge until the next checkpoint,
 * then writes them in one transaction: dimension rows, {@code live_edge} upserts and deletes,
 * and the same changes in AGE.
 *
 * <p><b>AGE failures.</b> {@code live_edge} is the graph of record; AGE is a copy of it. The AGE
 * part of a flush runs under a savepoint: with {@link AgeGraph.Mode#ON} an AGE error fails the
 * flush (so the checkpoint, and the job restarts); with {@link AgeGraph.Mode#AUTO} it is rolled
 * back alone, logged and counted ({@code ageFailures}), the relational changes commit, and the
 * copy is marked out of step. Every later flush tries AGE again, and the first one that can
 * rebuilds the graph from {@code live_edge} in the same transaction (every {@code Resource}
 * vertex and {@code CALLS} edge deleted, then merged from the table; counted,
 * {@code ageResyncs}), so changes missed meanwhile, deletes included, are not lost. A writer
 * starts out of step too: after a restart nobody knows what the previous one missed.
 */
public final class LiveGraphWriter implements SinkWriter<LiveEdge> {
    private static final Logger LOG = LoggerFactory.getLogger(LiveGraphWriter.class);
    public static final String METRIC_GROUP = "liveGraphSink";

    static final String UPSERT_LIVE = "INSERT INTO live_edge (tenant_id, src_resource_id, dst_resource_id, connection_type, "
            + "first_seen, last_seen, calls, errors, rps, err_rate, p95_ms, as_of) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            + "ON CONFLICT (tenant_id, src_resource_id, dst_resource_id) DO UPDATE SET "
            + "connection_type = EXCLUDED.connection_type, first_seen = EXCLUDED.first_seen, last_seen = EXCLUDED.last_seen, "
            + "calls = EXCLUDED.calls, errors = EXCLUDED.errors, rps = EXCLUDED.rps, err_rate = EXCLUDED.err_rate, "
            + "p95_ms = EXCLUDED.p95_ms, as_of = EXCLUDED.as_of";
    static final String DELETE_LIVE = "DELETE FROM live_edge WHERE tenant_id = ? AND src_resource_id = ? AND dst_resource_id = ?";
    /** The whole relational live graph with the vertices' names, for a resynchronisation of AGE. */
    static final String READ_LIVE = "SELECT e.tenant_id, e.src_resource_id, s.urn, s.name, s.kind, e.dst_resource_id, d.urn, "
            + "d.name, d.kind, e.first_seen, e.last_seen, e.rps, e.err_rate, e.p95_ms, e.calls, e.errors, e.connection_type, e.as_of "
            + "FROM live_edge e JOIN dim_resource s ON s.resource_id = e.src_resource_id "
            + "JOIN dim_resource d ON d.resource_id = e.dst_resource_id ORDER BY 1, 2, 6";

    private final PostgresSinkConfig config;
    private final AgeGraph.Mode ageMode;
    private final String graph;
    private final Map<List<String>, LiveEdge> pending = new LinkedHashMap<>();
    private final Counter upserts;
    private final Counter deletes;
    private final Counter ageFailures;
    private final Counter ageResyncs;
    private Connection connection;
    /** AGE installed and this connection's session prepared for it. */
    private boolean ageSession;
    /** AGE holds exactly what live_edge holds; false at start and after any AGE failure. */
    private boolean ageInStep;
    /** The server has no AGE (AUTO mode): not asked again for this writer's lifetime. */
    private boolean ageAbsent;

    LiveGraphWriter(PostgresSinkConfig config, AgeGraph.Mode ageMode, String graph, MetricGroup metrics) {
        this.config = config;
        this.ageMode = ageMode;
        this.graph = AgeGraph.checkGraphName(graph);
        MetricGroup g = metrics.addGroup(METRIC_GROUP);
        this.upserts = g.counter("liveEdgesUpserted");
        this.deletes = g.counter("liveEdgesDeleted");
        this.ageFailures = g.counter("ageFailures");
        this.ageResyncs = g.counter("ageResyncs");
    }

    /** A writer outside Flink (the CLI and tests): same statements, metrics discarded. */
    public static LiveGraphWriter standalone(PostgresSinkConfig config, AgeGraph.Mode ageMode, String graph) {
        return new LiveGraphWriter(config, ageMode, graph, new UnregisteredMetricsGroup());
    }

    @Override
    public void write(LiveEdge e, Context context) throws IOException {
        pending.put(List.of(e.tenant, e.callerUrn, e.calleeUrn), e);
        if (pending.size() >= config.batchSize()) {
            flush(false);
        }
    }

    /** Applies every pending change now (and brings AGE back in step when it can); the unit a test calls "one refresh". */
    @Override
    public void flush(boolean endOfInput) throws IOException {
        if (pending.isEmpty() && (ageInStep || ageMode == AgeGraph.Mode.OFF || ageAbsent)) {
            return;
        }
        try {
            LostConnectionRetry.run(connection != null, this::applyAndCommit, this::closeQuietly);
            pending.clear();
        } catch (SQLException e) {
            closeQuietly();
            throw new IOException("live graph write failed: " + e.getMessage(), e);
        }
    }

    private void applyAndCommit() throws SQLException {
        Connection c = connection();
        boolean withAge = ageSession(c);
        try {
            List<LiveEdge> changes = new ArrayList<>(pending.values());
            applyToTables(c, changes);
            if (withAge) {
                applyToAgeOrFallBehind(c, changes);
            }
            c.commit();
        } catch (SQLException e) {
            try {
                c.rollback();
            } catch (SQLException ignored) {
                // a dead connection cannot roll back; it is discarded
            }
            throw e;
        }
    }

    /** True when changes also go to AGE (known after the first connection). */
    public boolean ageEnabled() throws SQLException {
        return ageSession(connection());
    }

    /** True when the AGE graph holds what live_edge holds (after a flush). */
    public boolean ageInStep() {
        return ageInStep;
    }

    private void applyToTables(Connection c, List<LiveEdge> changes) throws SQLException {
        PgBatch dims = new PgBatch(DimensionRows.STATEMENTS.size());
        for (LiveEdge e : changes) {
            long tenantId = DimensionRows.tenant(dims, e.tenant);
            ServiceCallRowMapper.resource(dims, tenantId, e.callerUrn, e.callerName);
            ServiceCallRowMapper.resource(dims, tenantId, e.calleeUrn, e.calleeName);
        }
        for (int i = 0; i < DimensionRows.STATEMENTS.size(); i++) {
            // in key order, as PostgresUpsertWriter: concurrent writers of new dimension rows cannot deadlock
            runBatch(c, DimensionRows.STATEMENTS.get(i).sql, PgBatch.inKeyOrder(dims.forStatement(i)));
        }
        List<Object[]> upsertRows = new ArrayList<>();
        List<Object[]> deleteRows = new ArrayList<>();
        for (LiveEdge e : changes) {
            GraphEdge g = GraphEdge.of(e);
            if (e.removed) {
                deleteRows.add(new Object[] {g.tenantId, g.srcId, g.dstId});
            } else {
                upsertRows.add(new Object[] {g.tenantId, g.srcId, g.dstId, e.connectionType, PgParams.ts(e.firstSeenMillis),
                        PgParams.ts(e.lastSeenMillis), e.calls, e.errors, e.rps, e.errRate, e.p95Ms, PgParams.ts(e.asOfMillis)});
            }
        }
        // one change per edge is pending, so deletes and upserts never touch the same row
        runBatch(c, DELETE_LIVE, deleteRows);
        runBatch(c, UPSERT_LIVE, upsertRows);
        upserts.inc(upsertRows.size());
        deletes.inc(deleteRows.size());
    }

    /**
     * The AGE part of a flush, under a savepoint: the changes when AGE is in step, else the whole
     * graph rebuilt from live_edge (already changed in this transaction). In AUTO mode a failure
     * is rolled back alone and leaves AGE out of step; in ON mode it fails the flush.
     */
    private void applyToAgeOrFallBehind(Connection c, List<LiveEdge> changes) throws SQLException {
        Savepoint sp = c.setSavepoint();
        try {
            if (ageInStep) {
                List<GraphEdge> edges = new ArrayList<>(changes.size());
                for (LiveEdge e : changes) {
                    edges.add(GraphEdge.of(e));
                }
                applyToAge(c, edges);
            } else {
                resynchronise(c);
            }
            c.releaseSavepoint(sp);
            ageInStep = true;
        } catch (SQLException e) {
            c.rollback(sp);
            ageInStep = false;
            if (ageMode == AgeGraph.Mode.ON) {
                throw e;
            }
            // AGE failed in auto mode: the relational graph goes on; AGE is rebuilt once it works again
            ageFailures.inc();
            LOG.error("writing the live graph to Apache AGE failed; live_edge is written, AGE will be rebuilt from it "
                    + "at the next flush that reaches it: {}", e.getMessage());
        }
    }

    /** Rebuilds the AGE graph from live_edge: every vertex and edge deleted, then merged from the table. */
    private void resynchronise(Connection c) throws SQLException {
        List<GraphEdge> edges = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(READ_LIVE); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                edges.add(new GraphEdge(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getLong(6), rs.getString(7), rs.getString(8), rs.getString(9), millis(rs, 10), millis(rs, 11),
                        rs.getDouble(12), rs.getDouble(13), rs.getDouble(14), rs.getLong(15), rs.getLong(16), rs.getString(17),
                        millis(rs, 18), false));
            }
        }
        try (PreparedStatement wipe = c.prepareStatement(AgeGraph.statement(graph, AgeGraph.DELETE_ALL, "r"))) {
            AgeGraph.execute(wipe, "{}");
        }
        applyToAge(c, edges);
        ageResyncs.inc();
        LOG.info("live graph in Apache AGE rebuilt from live_edge: {} edges", edges.size());
    }

    private void applyToAge(Connection c, List<GraphEdge> changes) throws SQLException {
        Set<List<Long>> maybeLonely = new LinkedHashSet<>();
        try (PreparedStatement vertex = c.prepareStatement(AgeGraph.statement(graph, AgeGraph.MERGE_VERTEX, "id"));
                PreparedStatement edge = c.prepareStatement(AgeGraph.statement(graph, AgeGraph.MERGE_EDGE, "id"));
                PreparedStatement delete = c.prepareStatement(AgeGraph.statement(graph, AgeGraph.DELETE_EDGE, "r"))) {
            for (GraphEdge e : changes) {
                if (e.removed) {
                    AgeGraph.execute(delete, AgeGraph.params("tenant_id", e.tenantId, "src_id", e.srcId, "dst_id", e.dstId));
                    maybeLonely.add(List.of(e.tenantId, e.srcId));
                    maybeLonely.add(List.of(e.tenantId, e.dstId));
                    continue;
                }
                AgeGraph.execute(vertex, AgeGraph.params("tenant_id", e.tenantId, "resource_id", e.srcId, "urn", e.srcUrn,
                        "name", e.srcName, "kind", e.srcKind));
                AgeGraph.execute(vertex, AgeGraph.params("tenant_id", e.tenantId, "resource_id", e.dstId, "urn", e.dstUrn,
                        "name", e.dstName, "kind", e.dstKind));
                AgeGraph.execute(edge, AgeGraph.params("tenant_id", e.tenantId, "src_id", e.srcId, "dst_id", e.dstId,
                        "first_seen", iso(e.firstSeenMillis), "last_seen", iso(e.lastSeenMillis), "rps", e.rps,
                        "err_rate", e.errRate, "p95", e.p95Ms, "calls", e.calls, "errors", e.errors,
                        "connection_type", e.connectionType, "as_of", iso(e.asOfMillis)));
            }
        }
        if (maybeLonely.isEmpty()) {
            return;
        }
        Savepoint sp = c.setSavepoint();
        try (PreparedStatement lonely = c.prepareStatement(AgeGraph.statement(graph, AgeGraph.DELETE_LONELY_VERTEX, "r"))) {
            for (List<Long> v : maybeLonely) {
                AgeGraph.execute(lonely, AgeGraph.params("tenant_id", v.get(0), "resource_id", v.get(1)));
            }
            c.releaseSavepoint(sp);
        } catch (SQLException e) {
            // vertices without edges are harmless; their clean-up must not stop the edges
            c.rollback(sp);
            ageFailures.inc();
            LOG.warn("removing vertices without edges from the AGE graph failed: {}", e.getMessage());
        }
    }

    private static long millis(ResultSet rs, int column) throws SQLException {
        return rs.getTimestamp(column).getTime();
    }

    private static String iso(long millis) {
        return Instant.ofEpochMilli(millis).toString();
    }

    private static void runBatch(Connection c, String sql, List<Object[]> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (Object[] params : rows) {
                PgParams.bind(c, ps, params);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private Connection connection() throws SQLException {
        if (connection == null || connection.isClosed()) {
            connection = config.connect();
            connection.setAutoCommit(false);
            ageSession = false;
            ageInStep = false;
        }
        return connection;
    }

    /**
     * Whether this flush writes AGE: prepares the session (outside any transaction) the first
     * time AGE can be used, and tries again at later flushes in AUTO mode when it could not.
     */
    private boolean ageSession(Connection c) throws SQLException {
        if (ageMode == AgeGraph.Mode.OFF || ageSession || ageAbsent) {
            return ageSession;
        }
        c.setAutoCommit(true);
        try {
            String why = AgeGraph.unavailableReason(c);
            if (why != null) {
                if (ageMode == AgeGraph.Mode.ON) {
                    throw new SQLException("edges.live.age=on but " + why);
                }
                LOG.info("live graph kept in live_edge only: {}", why);
                ageAbsent = true;
                return false;
            }
            AgeGraph.prepareSession(c, graph);
            ageSession = true;
        } catch (SQLException e) {
            if (ageMode == AgeGraph.Mode.ON) {
                throw e;
            }
            ageFailures.inc();
            LOG.error("Apache AGE is installed but cannot be used ({}); live graph kept in live_edge, AGE tried again at "
                    + "the next flush", e.getMessage());
        } finally {
            c.setAutoCommit(false);
        }
        return ageSession;
    }

    private void closeQuietly() {
        try {
            if (connection != null) {
                connection.close();
            }
        } catch (SQLException ignored) {
            // the connection is discarded
        }
        connection = null;
    }

    @Override
    public void close() {
        closeQuietly();
    }

    /** One edge of the live graph as AGE stores it: ids, the vertices' names, the properties. */
    private record GraphEdge(long tenantId, long srcId, String srcUrn, String srcName, String srcKind, long dstId,
            String dstUrn, String dstName, String dstKind, long firstSeenMillis, long lastSeenMillis, double rps,
            double errRate, double p95Ms, long calls, long errors, String connectionType, long asOfMillis, boolean removed) {

        static GraphEdge of(LiveEdge e) {
            long tenantId = DimensionRows.tenantId(e.tenant);
            return new GraphEdge(tenantId, DimensionRows.resourceId(tenantId, e.callerUrn), e.callerUrn,
                    e.callerName, e.callerVirtual ? "peer" : "svc", DimensionRows.resourceId(tenantId, e.calleeUrn), e.calleeUrn,
                    e.calleeName, e.calleeVirtual ? "peer" : "svc", e.firstSeenMillis, e.lastSeenMillis, e.rps, e.errRate,
                    e.p95Ms, e.calls, e.errors, e.connectionType, e.asOfMillis, e.removed);
        }
    }
}
