package org.otlpanalytics.jobs.sink.postgres;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/**
 * Writer of {@link ServiceCallUpsertSink}: batches and de-duplicates upserts like
 * {@code PostgresUpsertWriter}, and runs the shared dimension statements
 * ({@link DimensionRows#STATEMENTS}) in ascending key order, so that concurrent writers take
 * their unique-index locks in one order and never deadlock.
 */
final class ServiceCallUpsertWriter<T> implements SinkWriter<T> {
    private static final Comparator<Object> KEY_ORDER = ServiceCallUpsertWriter::compareKeys;

    private final PostgresSinkConfig config;
    private final PgRowMapper<T> mapper;
    private final List<PgStatement> statements;
    private final PgBatch batch;
    private final Counter rowsWritten;
    private final Counter commits;
    private Connection connection;

    ServiceCallUpsertWriter(PostgresSinkConfig config, PgRowMapper<T> mapper, MetricGroup metrics) {
        this.config = config;
        this.mapper = mapper;
        this.statements = mapper.statements();
        this.batch = new PgBatch(statements.size());
        MetricGroup g = metrics.addGroup("postgresSink");
        this.rowsWritten = g.counter("rowsWritten");
        this.commits = g.counter("commits");
    }

    @Override
    public void write(T element, Context context) throws IOException {
        mapper.map(element, batch);
        if (batch.size() >= config.batchSize()) {
            flush(false);
        }
    }

    @Override
    public void flush(boolean endOfInput) throws IOException {
        if (batch.size() == 0) {
            return;
        }
        try {
            Connection c = connection();
            for (int i = 0; i < statements.size(); i++) {
                Map<Object, Object[]> rows = batch.forStatement(i);
                if (rows.isEmpty()) {
                    continue;
                }
                List<Object[]> ordered = ordered(rows, i < DimensionRows.STATEMENTS.size());
                try (PreparedStatement ps = c.prepareStatement(statements.get(i).sql)) {
                    for (Object[] params : ordered) {
                        PgParams.bind(c, ps, params);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                rowsWritten.inc(rows.size());
            }
            c.commit();
            commits.inc();
            batch.clear();
        } catch (SQLException e) {
            rollbackQuietly();
            closeQuietly();
            SQLException next = e.getNextException();
            throw new IOException("PostgreSQL upsert failed: " + e.getMessage()
                    + (next != null ? " / " + next.getMessage() : ""), e);
        }
    }

    /** Dimension rows sorted by key (their ids); fact rows as they came (their keys are disjoint per subtask). */
    static List<Object[]> ordered(Map<Object, Object[]> rows, boolean sort) {
        if (!sort) {
            return new ArrayList<>(rows.values());
        }
        List<Map.Entry<Object, Object[]>> entries = new ArrayList<>(rows.entrySet());
        entries.sort(Map.Entry.comparingByKey(KEY_ORDER));
        List<Object[]> out = new ArrayList<>(entries.size());
        for (Map.Entry<Object, Object[]> e : entries) {
            out.add(e.getValue());
        }
        return out;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static int compareKeys(Object a, Object b) {
        if (a instanceof Comparable && a.getClass() == b.getClass()) {
            return ((Comparable) a).compareTo(b);
        }
        return a.toString().compareTo(b.toString());
    }

    private Connection connection() throws SQLException {
        if (connection == null || connection.isClosed()) {
            connection = DriverManager.getConnection(config.jdbcUrl(), config.connectionProperties());
            connection.setAutoCommit(false);
        }
        return connection;
    }

    private void rollbackQuietly() {
        try {
            if (connection != null) {
                connection.rollback();
            }
        } catch (SQLException ignored) {
            // the connection is discarded next
        }
    }

    private void closeQuietly() {
        try {
            if (connection != null) {
                connection.close();
            }
        } catch (SQLException ignored) {
            // nothing to do
        }
        connection = null;
    }

    @Override
    public void close() {
        closeQuietly();
    }
}
