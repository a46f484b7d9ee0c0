package org.otlpanalytics.jobs.sink.clickhouse;

import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.INT32;
import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.INT64;
import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.STRING;
import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.STRING_MAP;
import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.TIME_NANOS;
import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.UINT16;
import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.UINT32;
import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.UINT64;

import java.util.List;
import org.otlpanalytics.schemas.traces.SpanRecord;

/** Rows of {@code span} (sql/clickhouse/080_span.sql): every span, opt-in. Never rewritten within a run. */
public final class SpanRowMapper implements ClickHouseRowMapper<SpanRecord> {
    private static final long serialVersionUID = 1L;
    static final List<ChColumn> COLUMNS = List.of(ChColumn.of("start_time", TIME_NANOS), ChColumn.of("tenant", STRING),
            ChColumn.of("service", STRING), ChColumn.of("service_namespace", STRING), ChColumn.of("service_urn", STRING),
            ChColumn.of("host", STRING), ChColumn.of("name", STRING), ChColumn.of("kind", STRING),
            ChColumn.of("status", STRING), ChColumn.of("duration_ns", UINT64), ChColumn.of("trace_id", STRING),
            ChColumn.of("span_id", STRING), ChColumn.of("parent_span_id", STRING), ChColumn.of("http_status_code", UINT16),
            ChColumn.of("attributes", STRING_MAP), ChColumn.of("resource_attributes", STRING_MAP),
            ChColumn.of("kafka_partition", INT32), ChColumn.of("kafka_offset", INT64), ChColumn.of("index_in_message", UINT32));

    @Override
    public String table() {
        return "span";
    }

    @Override
    public List<ChColumn> columns() {
        return COLUMNS;
    }

    @Override
    public void write(SpanRecord s, RowBinaryRow row) {
        row.timeNanos(s.startTimeNanos).string(s.tenant).string(s.serviceName).string(s.serviceNamespace)
                .string(s.serviceUrn).string(s.hostName).string(s.name).string(SpanRecord.kindName(s.kind))
                .string(SpanRecord.statusName(s.statusCode)).uint64(s.durationNanos())
                .string(TraceIds.traceId(s.traceIdHi, s.traceIdLo)).string(TraceIds.spanId(s.spanId))
                .string(TraceIds.spanId(s.parentSpanId)).uint16(s.httpStatusCode).stringMap(s.spanAttributes)
                .stringMap(s.resourceAttributes).int32(s.kafkaPartition).int64(s.kafkaOffset).uint32(s.indexInMessage);
    }
}
