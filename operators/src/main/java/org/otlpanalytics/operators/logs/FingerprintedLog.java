package org.otlpanalytics.operators.logs;

import org.otlpanalytics.schemas.logs.LogRecordFlat;

/**
 * One log record with the fingerprint it was mined into: what the raw-record stores
 * ({@code log_record} in ClickHouse) receive, so that every record leads to its pattern and every
 * pattern to its records. A Flink POJO.
 */
public class FingerprintedLog {
    public LogRecordFlat record;
    public long fingerprintId;

    public FingerprintedLog() {}

    public FingerprintedLog(LogRecordFlat record, long fingerprintId) {
        this.record = record;
        this.fingerprintId = fingerprintId;
    }
}
