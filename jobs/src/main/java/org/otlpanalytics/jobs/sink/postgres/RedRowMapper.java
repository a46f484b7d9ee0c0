package org.otlpanalytics.jobs.sink.postgres;

import java.util.ArrayList;
import java.util.List;
import org.otlpanalytics.jobs.sink.rejected.KafkaOrigin;
import org.otlpanalytics.operators.red.RedRow;
import org.otlpanalytics.operators.sketch.HllRegisters;

/** Upserts of {@code red_1m} rows (with their tenant, resource and locator). */
public final class RedRowMapper implements PgRowMapper<RedRow> {
    private static final long serialVersionUID = 1L;
    private static final int RED = DimensionRows.STATEMENTS.size();

    static final String UPSERT_RED = "INSERT INTO red_1m (bucket, tenant_id, resource_id, operation, span_kind, status, "
            + "calls, errors, duration_sum_ms, p50_ms, p95_ms, p99_ms, distinct_traces, duration_kll, trace_hll, sample_ref, "
            + "duration_min_ms, duration_max_ms, duration_idx, duration_cnt, trace_hll_regs) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            + "ON CONFLICT (bucket, tenant_id, resource_id, operation, span_kind, status) DO UPDATE SET "
            + "calls = EXCLUDED.calls, errors = EXCLUDED.errors, duration_sum_ms = EXCLUDED.duration_sum_ms, "
            + "p50_ms = EXCLUDED.p50_ms, p95_ms = EXCLUDED.p95_ms, p99_ms = EXCLUDED.p99_ms, "
            + "distinct_traces = EXCLUDED.distinct_traces, duration_kll = EXCLUDED.duration_kll, "
            + "trace_hll = EXCLUDED.trace_hll, sample_ref = EXCLUDED.sample_ref, "
            + "duration_min_ms = EXCLUDED.duration_min_ms, duration_max_ms = EXCLUDED.duration_max_ms, "
            + "duration_idx = EXCLUDED.duration_idx, duration_cnt = EXCLUDED.duration_cnt, "
            + "trace_hll_regs = EXCLUDED.trace_hll_regs";

    private final String topic;

    public RedRowMapper(String topic) {
        this.topic = topic;
    }

    @Override
    public List<PgStatement> statements() {
        List<PgStatement> s = new ArrayList<>(DimensionRows.STATEMENTS);
        s.add(new PgStatement("red_1m", UPSERT_RED));
        return s;
    }

    @Override
    public void map(RedRow r, PgBatch b) {
        long tenantId = DimensionRows.tenant(b, r.tenant);
        long resourceId = DimensionRows.resource(b, tenantId, r.serviceUrn, r.serviceName, r.serviceNamespace);
        Long locator = DimensionRows.locator(b, topic, r.range, "red_1m", r.tenant, r.serviceUrn,
                Long.toString(r.bucketStartMillis));
        List<Object> key = List.of(r.bucketStartMillis, tenantId, resourceId, r.operation, r.spanKind, r.status);
        b.add(RED, key, PgParams.ts(r.bucketStartMillis), tenantId, resourceId, r.operation, r.spanKind, r.status,
                r.calls, r.errors, r.durationSumMs, r.p50Ms, r.p95Ms, r.p99Ms, r.distinctTraces, r.kll, r.hll, locator,
                r.durationMinMs, r.durationMaxMs, r.durationIdx == null ? new int[0] : r.durationIdx,
                r.durationCnt == null ? new long[0] : r.durationCnt, HllRegisters.packed(r.traceRegisters));
    }

    @Override
    public KafkaOrigin origin(RedRow r) {
        return KafkaOrigin.of(topic, r.range);
    }
}
