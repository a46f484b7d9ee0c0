package org.otlpanalytics.jobs.sink.clickhouse;

import java.io.IOException;
import java.util.Map;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.otlpanalytics.jobs.sink.rejected.RejectedRow;
import org.otlpanalytics.jobs.sink.rejected.RejectedRowPublisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writer of {@link ClickHouseSink}: encodes rows into a RowBinary batch as they come and sends the
 * batch as one {@code INSERT} when it holds {@code batch-max-rows} rows or {@code batch-max-bytes}
 * bytes, and at every checkpoint ({@link #flush}: Flink calls it before the checkpoint barrier
 * passes, so a completed checkpoint means every row before it is acknowledged by the server).
 *
 * <p>Failures, by {@link ClickHouseErrors}: a retryable one (no answer, a restarting or busy server)
 * is retried with doubling backoff up to {@code max-retries} times, then fails the job, which
 * restarts from its last checkpoint; a persistent one fails the job at once. Nothing is dropped
 * silently: rows not acknowledged are replayed from Kafka after the restart. When the server refuses
 * rows as data, the batch is halved until each refused row stands alone; it goes to the dead-letter
 * topic with the server's reason ({@link RejectedRowPublisher}, counted in {@code rowsDeadLettered})
 * and every other row is written, so one bad row never loops the job.
 *
 * <p>A row can reach the server more than once (a retry after a lost answer, a partly written batch,
 * a restart): that is by design, the tables are ReplacingMergeTrees read with FINAL.
 */
final class ClickHouseWriter<T> implements SinkWriter<T> {
    private static final Logger LOG = LoggerFactory.getLogger(ClickHouseWriter.class);
    static final String STORE = "clickhouse";

    private final ClickHouseSinkConfig config;
    private final ClickHouseRowMapper<T> mapper;
    private final ClickHouseHttp http;
    private final ClickHouseBatch batch;
    /** The live rows of a batch with superseded ones, bounded as the batch's buffer. */
    private final RowBinaryBuffer scratch;
    private final RejectedRowPublisher rejected;
    private final Counter rowsWritten;
    private final Counter batchesWritten;
    private final Counter bytesWritten;
    private final Counter insertsRetried;
    private final Counter insertsFailed;
    private TableLayout layout;
    private RowBinaryRow row;
    private String insert;
    private Map<String, String> insertSettings;
    private long lastVersion;

    ClickHouseWriter(ClickHouseSinkConfig config, ClickHouseRowMapper<T> mapper, MetricGroup metrics) {
        this.config = config;
        this.mapper = mapper;
        this.http = new ClickHouseHttp(config);
        this.batch = new ClickHouseBatch(config.batchMaxBytes());
        this.scratch = new RowBinaryBuffer(1 << 16, config.batchMaxBytes());
        MetricGroup g = metrics.addGroup(ClickHouseSinkMetrics.GROUP);
        this.rowsWritten = g.counter(ClickHouseSinkMetrics.ROWS_WRITTEN);
        this.batchesWritten = g.counter(ClickHouseSinkMetrics.BATCHES_WRITTEN);
        this.bytesWritten = g.counter(ClickHouseSinkMetrics.BYTES_WRITTEN);
        this.insertsRetried = g.counter(ClickHouseSinkMetrics.INSERTS_RETRIED);
        this.insertsFailed = g.counter(ClickHouseSinkMetrics.INSERTS_FAILED);
        g.gauge(ClickHouseSinkMetrics.PENDING_ROWS, batch::liveRows);
        g.gauge(ClickHouseSinkMetrics.PENDING_BYTES, batch::bytes);
        this.rejected = new RejectedRowPublisher(config.deadLetters(), g);
    }

    @Override
    public void write(T element, Context context) throws IOException {
        if (layout == null) {
            open();
        }
        batch.begin();
        try {
            mapper.write(element, row.start(nextVersion()));
            row.finish();
        } catch (RuntimeException e) {
            batch.abort();
            throw e;
        }
        batch.end(mapper.key(element), mapper.origin(element));
        if (batch.liveRows() >= config.batchMaxRows() || batch.bytes() >= config.batchMaxBytes()) {
            flush(false);
        }
    }

    /**
     * A version later than every earlier one of this writer: the wall clock in nanoseconds, bumped
     * when two rows share a clock reading. One writer subtask writes a given key, in emission order,
     * so the latest emission of a row always carries the highest version.
     */
    private long nextVersion() {
        long now = System.currentTimeMillis() * 1_000_000L;
        lastVersion = Math.max(now, lastVersion + 1);
        return lastVersion;
    }

    /** Learns the table's column types (retrying an unreachable server) and the insert statement. */
    private void open() throws IOException {
        String describe = withRetries("describing table " + mapper.table(), () -> http.query(
                "DESCRIBE TABLE " + TableLayout.quote(config.database()) + "." + TableLayout.quote(mapper.table())));
        layout = TableLayout.resolve(mapper.table(), mapper.columns(), describe);
        insert = layout.insertStatement(config.database());
        // newer servers refuse an insert spanning more than 100 partitions (days) unless told otherwise
        String hasLimit = withRetries("reading settings", () -> http.query(
                "SELECT count() FROM system.settings WHERE name = 'max_partitions_per_insert_block'"));
        insertSettings = hasLimit.trim().equals("0") ? Map.of() : Map.of("max_partitions_per_insert_block", "0");
        row = new RowBinaryRow(batch.buffer(), layout);
    }

    @Override
    public void flush(boolean endOfInput) throws IOException {
        if (batch.liveRows() == 0) {
            batch.clear();
            return;
        }
        int[] live = batch.live();
        if (batch.contiguous()) {
            send(live, 0, live.length, batch.buffer().array(), 0, batch.bytes());
        } else {
            batch.copy(live, 0, live.length, scratch);
            send(live, 0, live.length, scratch.array(), 0, scratch.length());
        }
        rejected.flush();
        batch.clear();
    }

    /**
     * Inserts rows {@code idx[from..to)} whose RowBinary is {@code bytes[off..off+len)}; on a data
     * error halves them until each refused row stands alone and dead-letters it.
     */
    private void send(int[] idx, int from, int to, byte[] bytes, int off, int len) throws IOException {
        try {
            withRetries("inserting into " + mapper.table(), () -> {
                http.insert(insert, insertSettings, bytes, off, len);
                return null;
            });
            rowsWritten.inc(to - from);
            batchesWritten.inc();
            bytesWritten.inc(len);
        } catch (ClickHouseException e) {
            if (e.kind() != ClickHouseException.Kind.DATA) {
                throw e;
            }
            if (to - from == 1) {
                reject(idx[from], e);
                return;
            }
            int mid = (from + to) >>> 1;
            RowBinaryBuffer part = new RowBinaryBuffer(len / 2 + 64, config.batchMaxBytes());
            batch.copy(idx, from, mid, part);
            send(idx, from, mid, part.array(), 0, part.length());
            batch.copy(idx, mid, to, part);
            send(idx, mid, to, part.array(), 0, part.length());
        }
    }

    private void reject(int index, ClickHouseException e) {
        Object[] values = new RowBinaryReader(batch.buffer().array(), batch.start(index)).row(layout.columns);
        rejected.publish(new RejectedRow(STORE, mapper.table(), e.code() < 0 ? null : Integer.toString(e.code()),
                e.getMessage(), batch.origin(index), values));
    }

    /** A request to the server. */
    @FunctionalInterface
    private interface Request<R> {
        R run() throws ClickHouseException;
    }

    /**
     * Runs {@code request}, retrying retryable failures with backoff; a data error is thrown for the
     * caller to isolate; anything else (or the last retryable failure) is counted and thrown.
     */
    private <R> R withRetries(String what, Request<R> request) throws IOException {
        for (int attempt = 0; ; attempt++) {
            try {
                return request.run();
            } catch (ClickHouseException e) {
                if (e.kind() == ClickHouseException.Kind.DATA) {
                    throw e;
                }
                if (e.kind() == ClickHouseException.Kind.PERSISTENT || attempt >= config.maxRetries()) {
                    insertsFailed.inc();
                    throw new ClickHouseException(what + " failed" + (attempt > 0 ? " after " + attempt + " retries" : "")
                            + " (" + config + "): " + e.getMessage(), e.code(), e.httpStatus(), e.kind(), e);
                }
                insertsRetried.inc();
                long sleep = config.backoff(attempt + 1).toMillis();
                LOG.warn("{} failed ({}); retry {} of {} in {} ms", what, e.getMessage(), attempt + 1, config.maxRetries(), sleep);
                try {
                    Thread.sleep(sleep);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while " + what, ie);
                }
            }
        }
    }

    @Override
    public void close() {
        try {
            rejected.close();
        } finally {
            http.close();
        }
    }
}
