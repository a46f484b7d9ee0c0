package org.otlpanalytics.jobs.sink.clickhouse;

import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.INT32;
import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.INT64;
import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.STRING;
import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.STRING_MAP;
import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.TIME_NANOS;
import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.UINT32;
import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.UINT8;

import java.util.List;
import org.otlpanalytics.operators.logs.FingerprintedLog;
import org.otlpanalytics.schemas.logs.LogRecordFlat;

/**
 * Rows of {@code log_record} (sql/clickhouse/070_log_record.sql): every log record with its
 * fingerprint. Records are never rewritten within a run, so batches are not de-duplicated; the copies
 * a restart writes have the same Kafka coordinates, which are in the sorting key.
 */
public final class LogRecordMapper implements ClickHouseRowMapper<FingerprintedLog> {
    private static final long serialVersionUID = 1L;
    static final List<ChColumn> COLUMNS = List.of(ChColumn.of("time", TIME_NANOS), ChColumn.of("tenant", STRING),
            ChColumn.of("service", STRING), ChColumn.of("service_namespace", STRING), ChColumn.of("service_urn", STRING),
            ChColumn.of("host", STRING), ChColumn.of("severity_number", UINT8), ChColumn.of("severity_text", STRING),
            ChColumn.of("is_error", UINT8), ChColumn.of("fingerprint_id", INT64), ChColumn.of("body", STRING),
            ChColumn.of("trace_id", STRING), ChColumn.of("span_id", STRING), ChColumn.of("attributes", STRING_MAP),
            ChColumn.of("resource_attributes", STRING_MAP), ChColumn.of("kafka_partition", INT32),
            ChColumn.of("kafka_offset", INT64), ChColumn.of("index_in_message", UINT32));

    @Override
    public String table() {
        return "log_record";
    }

    @Override
    public List<ChColumn> columns() {
        return COLUMNS;
    }

    @Override
    public void write(FingerprintedLog f, RowBinaryRow row) {
        LogRecordFlat r = f.record;
        row.timeNanos(r.timeNanos).string(r.tenant).string(r.serviceName).string(r.serviceNamespace).string(r.serviceUrn)
                .string(r.hostName).uint8(r.severityNumber).string(r.severityText).uint8(r.isError() ? 1 : 0)
                .int64(f.fingerprintId).string(r.body).string(TraceIds.traceId(r.traceIdHi, r.traceIdLo))
                .string(TraceIds.spanId(r.spanId)).stringMap(r.attributes).stringMap(r.resourceAttributes)
                .int32(r.kafkaPartition).int64(r.kafkaOffset).uint32(r.indexInMessage);
    }
}
