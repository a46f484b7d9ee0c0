package org.otlpanalytics.jobs.sink.clickhouse;

/** Names of the ClickHouse writer's metrics (group {@value #GROUP}, one per sink subtask). */
public final class ClickHouseSinkMetrics {
    public static final String GROUP = "clickhouseSink";
    /** Rows the server acknowledged (a row sent again after a retry or a restart counts again). */
    public static final String ROWS_WRITTEN = "rowsWritten";
    /** Insert requests the server acknowledged. */
    public static final String BATCHES_WRITTEN = "batchesWritten";
    /** RowBinary bytes of the acknowledged inserts. */
    public static final String BYTES_WRITTEN = "bytesWritten";
    /** Requests sent again after a retryable failure (an outage, a busy server). */
    public static final String INSERTS_RETRIED = "insertsRetried";
    /** Requests that failed for good (persistent error, or retries exhausted): each fails the job. */
    public static final String INSERTS_FAILED = "insertsFailed";
    /** Rows the server rejected as data, sent to the dead-letter topic (RejectedRowPublisher). */
    public static final String ROWS_DEAD_LETTERED = org.otlpanalytics.jobs.sink.rejected.RejectedRowPublisher.ROWS_DEAD_LETTERED;
    /** Rows waiting in the current batch. */
    public static final String PENDING_ROWS = "pendingRows";
    /** Bytes waiting in the current batch. */
    public static final String PENDING_BYTES = "pendingBytes";

    private ClickHouseSinkMetrics() {}
}
