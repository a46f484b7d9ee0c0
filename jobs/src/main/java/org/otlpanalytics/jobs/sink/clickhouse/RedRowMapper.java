package org.otlpanalytics.jobs.sink.clickhouse;

import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.ARRAY_INT32;
import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.ARRAY_UINT32;
import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.ARRAY_UINT64;
import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.BYTES;
import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.DATETIME;
import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.FLOAT64;
import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.NULLABLE_FLOAT64;
import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.STRING;
import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.UINT64;
import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.VERSION;

import java.util.List;
import org.otlpanalytics.jobs.sink.rejected.KafkaOrigin;
import org.otlpanalytics.operators.red.RedRow;
import org.otlpanalytics.operators.sketch.HllRegisters;

/** Rows of {@code red_1m} (sql/clickhouse/010_red_1m.sql). */
public final class RedRowMapper implements ClickHouseRowMapper<RedRow> {
    private static final long serialVersionUID = 1L;
    static final List<ChColumn> COLUMNS = List.of(ChColumn.of("bucket", DATETIME), ChColumn.of("tenant", STRING),
            ChColumn.of("service", STRING), ChColumn.of("service_namespace", STRING), ChColumn.of("service_urn", STRING),
            ChColumn.of("operation", STRING), ChColumn.of("span_kind", STRING), ChColumn.of("status", STRING),
            ChColumn.of("calls", UINT64), ChColumn.of("errors", UINT64), ChColumn.of("duration_sum_ms", FLOAT64),
            ChColumn.of("p50_ms", FLOAT64), ChColumn.of("p95_ms", FLOAT64), ChColumn.of("p99_ms", FLOAT64),
            ChColumn.of("distinct_traces", FLOAT64), ChColumn.of("duration_kll", BYTES), ChColumn.of("trace_hll", BYTES),
            ChColumn.of("duration_min_ms", NULLABLE_FLOAT64), ChColumn.of("duration_max_ms", NULLABLE_FLOAT64),
            ChColumn.of("duration_idx", ARRAY_INT32), ChColumn.of("duration_cnt", ARRAY_UINT64),
            ChColumn.of("trace_hll_regs", ARRAY_UINT32), ChColumn.of("kafka_offsets", STRING), ChColumn.of("version", VERSION));

    private final String topic;

    /** {@code topic}: the spans topic, named in kafka_offsets. */
    public RedRowMapper(String topic) {
        this.topic = topic;
    }

    @Override
    public String table() {
        return "red_1m";
    }

    @Override
    public List<ChColumn> columns() {
        return COLUMNS;
    }

    @Override
    public void write(RedRow r, RowBinaryRow row) {
        row.dateTime(r.bucketStartMillis).string(r.tenant).string(r.serviceName).string(r.serviceNamespace)
                .string(r.serviceUrn).string(r.operation).string(r.spanKind).string(r.status).uint64(r.calls)
                .uint64(r.errors).float64(r.durationSumMs).float64(r.p50Ms).float64(r.p95Ms).float64(r.p99Ms)
                .float64(r.distinctTraces).bytes(r.kll).bytes(r.hll).nullableFloat64(r.durationMinMs).nullableFloat64(r.durationMaxMs)
                .int32Array(r.durationIdx).uint64Array(r.durationCnt).uint32Array(HllRegisters.packed(r.traceRegisters))
                .string(ClickHouseRowMapper.offsets(topic, r.range))
                .version();
    }

    @Override
    public Object key(RedRow r) {
        return List.of(r.bucketStartMillis, r.tenant, r.serviceUrn, r.operation, r.spanKind, r.status);
    }

    @Override
    public KafkaOrigin origin(RedRow r) {
        return KafkaOrigin.of(topic, r.range);
    }
}
