package org.otlpanalytics.jobs.sink.postgres;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.otlpanalytics.jobs.sink.rejected.RejectedRow;
import org.otlpanalytics.jobs.sink.rejected.RejectedRowPublisher;

/**
 * Writer of {@link PostgresUpsertSink}: batches, de-duplicates and commits upserts.
 *
 * <p>A flush writes every pending row in one transaction. When the database rejects a row as
 * data ({@link PgErrors#isDataError}), the transaction is rolled back and written again with the
 * offending rows isolated: each statement's rows run in a savepoint-protected sub-transaction,
 * a sub-batch that fails is halved until the failing rows stand alone, and each of those goes to
 * the dead-letter topic ({@link RejectedRowPublisher}) while every other row is written. So a bad
 * row costs its own row only and never makes the job restart and fail on it again. Any other
 * error (an outage) fails the flush as before: the job restarts from its last checkpoint.
 *
 * <p>Statements marked {@link PgStatement#bulk} write {@link #BULK_MIN_ROWS} or more rows with
 * {@link PgBulkUpsert} (COPY, binary where the column types allow, into a staging table, one
 * upsert from it) in the same transaction;
 * when that fails on data the flush is rolled back and isolated as above, with bound statements.
 */
final class PostgresUpsertWriter<T> implements SinkWriter<T> {
    static final String STORE = "postgresql";
    public static final String METRIC_GROUP = "postgresSink";
    /** Rows of a bulk statement from which a flush copies them rather than binding each. */
    static final int BULK_MIN_ROWS = 64;
    /** Counter: rows of committed flushes written through {@link PgBulkUpsert} (included in {@code rowsWritten}). */
    public static final String ROWS_COPIED = "rowsCopied";
    /** Counter: rows of {@link #ROWS_COPIED} that went in COPY's binary format ({@link PgCopyBinary}). */
    public static final String ROWS_COPIED_BINARY = "rowsCopiedBinary";
    /** Counter: flushes written again on a new connection because the one kept since the last flush had died. */
    public static final String RECONNECTS = "reconnects";

    private final PostgresSinkConfig config;
    private final PgRowMapper<T> mapper;
    private final List<PgStatement> statements;
    private final PgBatch batch;
    private final Counter rowsWritten;
    private final Counter commits;
    private final Counter rowsCopied;
    private final Counter rowsCopiedBinary;
    private final Counter reconnects;
    private final RejectedRowPublisher rejected;
    /** The bulk forms of the statements (null where a statement has none). */
    private final PgBulkUpsert[] bulk;
    private Connection connection;
    /** Rows the current flush copied, and of them in binary (set by {@link #writeAll}). */
    private long copied;
    private long copiedBinary;

    PostgresUpsertWriter(PostgresSinkConfig config, PgRowMapper<T> mapper, MetricGroup metrics) {
        this.config = config;
        this.mapper = mapper;
        this.statements = mapper.statements();
        this.batch = PgBatch.of(statements);
        MetricGroup g = metrics.addGroup(METRIC_GROUP);
        this.rowsWritten = g.counter("rowsWritten");
        this.commits = g.counter("commits");
        this.rowsCopied = g.counter(ROWS_COPIED);
        this.rowsCopiedBinary = g.counter(ROWS_COPIED_BINARY);
        this.reconnects = g.counter(RECONNECTS);
        this.rejected = new RejectedRowPublisher(config.deadLetters(), g);
        this.bulk = new PgBulkUpsert[statements.size()];
        for (int i = 0; i < bulk.length; i++) {
            bulk[i] = statements.get(i).bulk ? PgBulkUpsert.of(statements.get(i).sql) : null;
        }
    }

    @Override
    public void write(T element, Context context) throws IOException {
        batch.origin(mapper.origin(element));
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
            LostConnectionRetry.run(connection != null, this::writeAndCommit, () -> {
                rollbackQuietly();
                closeQuietly();
                reconnects.inc();
            });
            batch.clear();
        } catch (SQLException e) {
            rollbackQuietly();
            closeQuietly();
            throw new IOException("PostgreSQL upsert failed: " + PgErrors.sqlState(e) + " " + PgErrors.message(e), e);
        } catch (IOException e) {
            rollbackQuietly();
            closeQuietly();
            throw e;
        }
    }

    /** The batch in one transaction: every row, rejected rows published, then the commit. */
    private void writeAndCommit() throws SQLException, IOException {
        Connection c = connection();
        long written;
        try {
            written = writeAll(c, false);
        } catch (SQLException e) {
            if (!PgErrors.isDataError(e)) {
                throw e;
            }
            c.rollback();
            written = writeAll(c, true);
        }
        rejected.flush();
        c.commit();
        rowsWritten.inc(written);
        rowsCopied.inc(copied);
        rowsCopiedBinary.inc(copiedBinary);
        commits.inc();
    }

    /** Runs every statement's rows in the current transaction; returns how many were written. */
    private long writeAll(Connection c, boolean isolating) throws SQLException {
        long written = 0;
        copied = 0;
        copiedBinary = 0;
        for (int i = 0; i < statements.size(); i++) {
            Map<Object, Object[]> rows = batch.forStatement(i);
            if (rows.isEmpty()) {
                continue;
            }
            List<Map.Entry<Object, Object[]>> ordered = PgBatch.entriesInKeyOrder(rows);
            if (isolating) {
                written += isolate(c, i, ordered);
            } else if (bulk[i] != null && ordered.size() >= BULK_MIN_ROWS) {
                // a data error here rolls the flush back and writes it again isolating, row by row
                bulk[i].execute(c, ordered);
                written += ordered.size();
                copied += ordered.size();
                copiedBinary += bulk[i].isBinary() ? ordered.size() : 0;
            } else {
                execute(c, statements.get(i).sql, ordered);
                written += ordered.size();
            }
        }
        return written;
    }

    /**
     * Writes {@code rows} of statement {@code index} inside a savepoint; on a data error rolls
     * back to it and halves the rows until each failing row is alone, then dead-letters it.
     */
    private long isolate(Connection c, int index, List<Map.Entry<Object, Object[]>> rows) throws SQLException {
        Savepoint sp = c.setSavepoint();
        try {
            execute(c, statements.get(index).sql, rows);
            c.releaseSavepoint(sp);
            return rows.size();
        } catch (SQLException e) {
            if (!PgErrors.isDataError(e)) {
                throw e;
            }
            c.rollback(sp);
            c.releaseSavepoint(sp);
            if (rows.size() == 1) {
                Map.Entry<Object, Object[]> row = rows.get(0);
                rejected.publish(new RejectedRow(STORE, statements.get(index).name, PgErrors.sqlState(e),
                        PgErrors.message(e), batch.originOf(index, row.getKey()), row.getValue()));
                return 0;
            }
            int mid = rows.size() / 2;
            return isolate(c, index, rows.subList(0, mid)) + isolate(c, index, rows.subList(mid, rows.size()));
        }
    }

    private static void execute(Connection c, String sql, List<Map.Entry<Object, Object[]>> rows) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (Map.Entry<Object, Object[]> row : rows) {
                PgParams.bind(c, ps, row.getValue());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private Connection connection() throws SQLException {
        if (connection == null || connection.isClosed()) {
            Connection c = config.connect();
            try {
                c.setAutoCommit(false);
                for (PgBulkUpsert b : bulk) {
                    if (b != null) {
                        b.prepare(c);
                    }
                }
                c.commit();
            } catch (SQLException e) {
                c.close();
                throw e;
            }
            connection = c;
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
        rejected.close();
    }
}
