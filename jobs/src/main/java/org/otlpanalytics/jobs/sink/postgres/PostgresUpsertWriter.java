package org.otlpanalytics.jobs.sink.postgres;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.api.connector.sink2.SinkWriter;

/** Writer of {@link PostgresUpsertSink}: batches, de-duplicates and commits upserts. */
final class PostgresUpsertWriter<T> implements SinkWriter<T> {
    private final PostgresSinkConfig config;
    private final PgRowMapper<T> mapper;
    private final List<PgStatement> statements;
    private final PgBatch batch;
    private final Counter rowsWritten;
    private final Counter commits;
    private Connection connection;

    PostgresUpsertWriter(PostgresSinkConfig config, PgRowMapper<T> mapper, MetricGroup metrics) {
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
                try (PreparedStatement ps = c.prepareStatement(statements.get(i).sql)) {
                    for (Object[] params : PgBatch.inKeyOrder(rows)) {
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

    private Connection connection() throws SQLException {
        if (connection == null || connection.isClosed()) {
            connection = config.connect();
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
