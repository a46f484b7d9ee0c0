package org.otlpanalytics.jobs.sink.clickhouse;

import java.io.IOException;

/**
 * A failed request to ClickHouse: the server's error code (-1 when the request never got an answer),
 * the HTTP status (-1 likewise) and what the writer does about it ({@link ClickHouseErrors}).
 */
public final class ClickHouseException extends IOException {
    private static final long serialVersionUID = 1L;

    /** What a failed insert means for its rows. */
    public enum Kind {
        /** The rows' fault: the same rows fail again, other rows do not (isolate them, dead-letter them). */
        DATA,
        /** An outage (connection refused or lost, timeout, server busy or restarting): retry with backoff. */
        RETRYABLE,
        /** Neither will change by retrying (credentials, a missing table, a schema that does not match): fail the job. */
        PERSISTENT
    }

    private final int code;
    private final int httpStatus;
    private final Kind kind;

    public ClickHouseException(String message, int code, int httpStatus, Kind kind, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.httpStatus = httpStatus;
        this.kind = kind;
    }

    public int code() {
        return code;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public Kind kind() {
        return kind;
    }
}
