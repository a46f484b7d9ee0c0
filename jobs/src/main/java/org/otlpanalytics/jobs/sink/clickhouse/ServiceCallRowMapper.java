package org.otlpanalytics.jobs.sink.clickhouse;

import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.ARRAY_INT32;
import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.ARRAY_UINT64;
import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.BYTES;
import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.DATETIME;
import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.FLOAT64;
import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.NULLABLE_BYTES;
import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.NULLABLE_FLOAT64;
import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.STRING;
import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.TIME_MILLIS;
import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.UINT64;
import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.UINT8;
import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.VERSION;

import java.util.List;
import org.otlpanalytics.jobs.sink.rejected.KafkaOrigin;
import org.otlpanalytics.operators.edges.ServiceCallRow;

/** Rows of {@code service_call_5m} (sql/clickhouse/020_service_call_5m.sql). */
public final class ServiceCallRowMapper implements ClickHouseRowMapper<ServiceCallRow> {
    private static final long serialVersionUID = 1L;
    static final List<ChColumn> COLUMNS = List.of(ChColumn.of("bucket", DATETIME), ChColumn.of("tenant", STRING),
            ChColumn.of("caller", STRING), ChColumn.of("caller_urn", STRING), ChColumn.of("caller_virtual", UINT8),
            ChColumn.of("callee", STRING), ChColumn.of("callee_urn", STRING), ChColumn.of("callee_virtual", UINT8),
            ChColumn.of("connection_type", STRING), ChColumn.of("calls", UINT64), ChColumn.of("errors", UINT64),
            ChColumn.of("rps", FLOAT64), ChColumn.of("err_rate", FLOAT64), ChColumn.of("duration_side", STRING),
            ChColumn.of("p50_ms", FLOAT64), ChColumn.of("p95_ms", FLOAT64), ChColumn.of("p99_ms", FLOAT64),
            ChColumn.of("duration_sum_ms", FLOAT64), ChColumn.of("duration_kll", BYTES), ChColumn.of("server_calls", UINT64),
            ChColumn.of("server_p50_ms", NULLABLE_FLOAT64), ChColumn.of("server_p95_ms", NULLABLE_FLOAT64),
            ChColumn.of("server_kll", NULLABLE_BYTES),
            ChColumn.of("duration_min_ms", NULLABLE_FLOAT64), ChColumn.of("duration_max_ms", NULLABLE_FLOAT64),
            ChColumn.of("duration_idx", ARRAY_INT32), ChColumn.of("duration_cnt", ARRAY_UINT64),
            ChColumn.of("server_min_ms", NULLABLE_FLOAT64), ChColumn.of("server_max_ms", NULLABLE_FLOAT64),
            ChColumn.of("server_idx", ARRAY_INT32), ChColumn.of("server_cnt", ARRAY_UINT64), ChColumn.of("first_seen", TIME_MILLIS),
            ChColumn.of("last_seen", TIME_MILLIS), ChColumn.of("sample_trace_id", STRING), ChColumn.of("kafka_offsets", STRING),
            ChColumn.of("version", VERSION));

    private final String topic;

    /** {@code topic}: the spans topic, named in kafka_offsets. */
    public ServiceCallRowMapper(String topic) {
        this.topic = topic;
    }

    @Override
    public String table() {
        return "service_call_5m";
    }

    @Override
    public List<ChColumn> columns() {
        return COLUMNS;
    }

    @Override
    public void write(ServiceCallRow r, RowBinaryRow row) {
        row.dateTime(r.bucketStartMillis).string(r.tenant).string(r.callerName).string(r.callerUrn)
                .uint8(r.callerVirtual ? 1 : 0).string(r.calleeName).string(r.calleeUrn).uint8(r.calleeVirtual ? 1 : 0)
                .string(r.connectionType).uint64(r.calls).uint64(r.errors).float64(r.rps).float64(r.errRate)
                .string(r.durationSide).float64(r.p50Ms).float64(r.p95Ms).float64(r.p99Ms).float64(r.durationSumMs)
                .bytes(r.kll).uint64(r.serverCalls).nullableFloat64(r.serverP50Ms).nullableFloat64(r.serverP95Ms)
                .nullableBytes(r.serverKll).nullableFloat64(r.durationMinMs).nullableFloat64(r.durationMaxMs)
                .int32Array(r.durationIdx).uint64Array(r.durationCnt).nullableFloat64(r.serverMinMs)
                .nullableFloat64(r.serverMaxMs).int32Array(r.serverIdx).uint64Array(r.serverCnt).timeMillis(r.firstSeenMillis).timeMillis(r.lastSeenMillis)
                .string(r.sampleTraceId).string(ClickHouseRowMapper.offsets(topic, r.range)).version();
    }

    @Override
    public Object key(ServiceCallRow r) {
        return List.of(r.bucketStartMillis, r.tenant, r.callerUrn, r.calleeUrn);
    }

    @Override
    public KafkaOrigin origin(ServiceCallRow r) {
        return KafkaOrigin.of(topic, r.range);
    }
}
