package org.otlpanalytics.jobs.sink.postgres;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
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
 * and the same changes in AGE. With {@link AgeGraph.Mode#AUTO}, an AGE error is logged and
 * counted, AGE is left alone from then on, and the relational graph is still written; with
 * {@link AgeGraph.Mode#ON} it fails the checkpoint (and the job restarts).
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

    private final PostgresSinkConfig config;
    private final AgeGraph.Mode ageMode;
    private final String graph;
    private final Map<List<String>, LiveEdge> pending = new LinkedHashMap<>();
    private final Counter upserts;
    private final Counter deletes;
    private final Counter ageFailures;
    private Connection connection;
    private boolean age;

    LiveGraphWriter(PostgresSinkConfig config, AgeGraph.Mode ageMode, String graph, MetricGroup metrics) {
        this.config = config;
        this.ageMode = ageMode;
        this.graph = AgeGraph.checkGraphName(graph);
        MetricGroup g = metrics.addGroup(METRIC_GROUP);
        this.upserts = g.counter("liveEdgesUpserted");
        this.deletes = g.counter("liveEdgesDeleted");
        this.ageFailures = g.counter("ageFailures");
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

    /** Applies every pending change now; the unit a test calls "one refresh". */
    @Override
    public void flush(boolean endOfInput) throws IOException {
        if (pending.isEmpty()) {
            return;
        }
        try {
            Connection c = connection();
            boolean withAge = age;
            try {
                apply(c, withAge);
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                if (!withAge || ageMode == AgeGraph.Mode.ON) {
                    throw e;
                }
                // AGE failed in auto mode: keep the relational graph going, say so once
                LOG.error("writing the live graph to Apache AGE failed; continuing with live_edge only: {}", e.getMessage());
                ageFailures.inc();
                age = false;
                apply(c, false);
                c.commit();
            }
            pending.clear();
        } catch (SQLException e) {
            closeQuietly();
            throw new IOException("live graph write failed: " + e.getMessage(), e);
        }
    }

    /** True when changes also go to AGE (known after the first connection). */
    public boolean ageEnabled() throws SQLException {
        connection();
        return age;
    }

    private void apply(Connection c, boolean withAge) throws SQLException {
        List<LiveEdge> changes = new ArrayList<>(pending.values());
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
            long tenantId = DimensionRows.tenantId(e.tenant);
            long src = DimensionRows.resourceId(tenantId, e.callerUrn);
            long dst = DimensionRows.resourceId(tenantId, e.calleeUrn);
            if (e.removed) {
                deleteRows.add(new Object[] {tenantId, src, dst});
            } else {
                upsertRows.add(new Object[] {tenantId, src, dst, e.connectionType, PgParams.ts(e.firstSeenMillis),
                        PgParams.ts(e.lastSeenMillis), e.calls, e.errors, e.rps, e.errRate, e.p95Ms, PgParams.ts(e.asOfMillis)});
            }
        }
        // one change per edge is pending, so deletes and upserts never touch the same row
        runBatch(c, DELETE_LIVE, deleteRows);
        runBatch(c, UPSERT_LIVE, upsertRows);
        upserts.inc(upsertRows.size());
        deletes.inc(deleteRows.size());
        if (withAge) {
            applyToAge(c, changes);
        }
    }

    private void applyToAge(Connection c, List<LiveEdge> changes) throws SQLException {
        Set<List<Long>> maybeLonely = new LinkedHashSet<>();
        try (PreparedStatement vertex = c.prepareStatement(AgeGraph.statement(graph, AgeGraph.MERGE_VERTEX, "id"));
                PreparedStatement edge = c.prepareStatement(AgeGraph.statement(graph, AgeGraph.MERGE_EDGE, "id"));
                PreparedStatement delete = c.prepareStatement(AgeGraph.statement(graph, AgeGraph.DELETE_EDGE, "r"))) {
            for (LiveEdge e : changes) {
                long tenantId = DimensionRows.tenantId(e.tenant);
                long src = DimensionRows.resourceId(tenantId, e.callerUrn);
                long dst = DimensionRows.resourceId(tenantId, e.calleeUrn);
                if (e.removed) {
                    AgeGraph.execute(delete, AgeGraph.params("tenant_id", tenantId, "src_id", src, "dst_id", dst));
                    maybeLonely.add(List.of(tenantId, src));
                    maybeLonely.add(List.of(tenantId, dst));
                    continue;
                }
                AgeGraph.execute(vertex, AgeGraph.params("tenant_id", tenantId, "resource_id", src, "urn", e.callerUrn,
                        "name", e.callerName, "kind", e.callerVirtual ? "peer" : "svc"));
                AgeGraph.execute(vertex, AgeGraph.params("tenant_id", tenantId, "resource_id", dst, "urn", e.calleeUrn,
                        "name", e.calleeName, "kind", e.calleeVirtual ? "peer" : "svc"));
                AgeGraph.execute(edge, AgeGraph.params("tenant_id", tenantId, "src_id", src, "dst_id", dst,
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
            connection.setAutoCommit(true);
            age = false;
            if (ageMode != AgeGraph.Mode.OFF) {
                String why = AgeGraph.unavailableReason(connection);
                if (why == null) {
                    try {
                        AgeGraph.prepareSession(connection, graph);
                        age = true;
                    } catch (SQLException e) {
                        if (ageMode == AgeGraph.Mode.ON) {
                            throw e;
                        }
                        ageFailures.inc();
                        LOG.error("Apache AGE is installed but cannot be used ({}); live graph kept in live_edge only",
                                e.getMessage());
                    }
                } else if (ageMode == AgeGraph.Mode.ON) {
                    throw new SQLException("edges.live.age=on but " + why);
                } else {
                    LOG.info("live graph kept in live_edge only: {}", why);
                }
            }
            connection.setAutoCommit(false);
        }
        return connection;
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
}
