package org.otlpanalytics.jobs.sink.postgres;

import java.util.ArrayList;
import java.util.List;
import org.otlpanalytics.jobs.sink.rejected.KafkaOrigin;
import org.otlpanalytics.operators.edges.ServiceCallRow;

/**
 * Upserts of {@code service_call_5m} rows, with the tenant, both resources (services, or peers
 * under their {@code urn:peer:} URNs) and the Kafka locator behind each row.
 */
public final class ServiceCallRowMapper implements PgRowMapper<ServiceCallRow> {
    private static final long serialVersionUID = 1L;
    private static final int SERVICE_CALL = DimensionRows.STATEMENTS.size();
    private static final String SERVICE_URN_PREFIX = "urn:svc:";

    static final String UPSERT_SERVICE_CALL = "INSERT INTO service_call_5m (bucket, tenant_id, src_resource_id, "
            + "dst_resource_id, connection_type, calls, errors, rps, err_rate, duration_side, p50_ms, p95_ms, p99_ms, "
            + "duration_sum_ms, duration_kll, server_calls, server_p50_ms, server_p95_ms, server_kll, first_seen, last_seen, "
            + "sample_trace_id, sample_ref, duration_min_ms, duration_max_ms, duration_idx, duration_cnt, server_min_ms, "
            + "server_max_ms, server_idx, server_cnt) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            + "ON CONFLICT (bucket, tenant_id, src_resource_id, dst_resource_id) DO UPDATE SET "
            + "connection_type = EXCLUDED.connection_type, calls = EXCLUDED.calls, errors = EXCLUDED.errors, "
            + "rps = EXCLUDED.rps, err_rate = EXCLUDED.err_rate, duration_side = EXCLUDED.duration_side, "
            + "p50_ms = EXCLUDED.p50_ms, p95_ms = EXCLUDED.p95_ms, p99_ms = EXCLUDED.p99_ms, "
            + "duration_sum_ms = EXCLUDED.duration_sum_ms, duration_kll = EXCLUDED.duration_kll, "
            + "server_calls = EXCLUDED.server_calls, server_p50_ms = EXCLUDED.server_p50_ms, "
            + "server_p95_ms = EXCLUDED.server_p95_ms, server_kll = EXCLUDED.server_kll, first_seen = EXCLUDED.first_seen, "
            + "last_seen = EXCLUDED.last_seen, sample_trace_id = EXCLUDED.sample_trace_id, sample_ref = EXCLUDED.sample_ref, "
            + "duration_min_ms = EXCLUDED.duration_min_ms, duration_max_ms = EXCLUDED.duration_max_ms, "
            + "duration_idx = EXCLUDED.duration_idx, duration_cnt = EXCLUDED.duration_cnt, "
            + "server_min_ms = EXCLUDED.server_min_ms, server_max_ms = EXCLUDED.server_max_ms, "
            + "server_idx = EXCLUDED.server_idx, server_cnt = EXCLUDED.server_cnt";

    private final String topic;

    public ServiceCallRowMapper(String topic) {
        this.topic = topic;
    }

    @Override
    public List<PgStatement> statements() {
        List<PgStatement> s = new ArrayList<>(DimensionRows.STATEMENTS);
        s.add(new PgStatement("service_call_5m", UPSERT_SERVICE_CALL));
        return s;
    }

    @Override
    public void map(ServiceCallRow r, PgBatch b) {
        long tenantId = DimensionRows.tenant(b, r.tenant);
        long src = resource(b, tenantId, r.callerUrn, r.callerName);
        long dst = resource(b, tenantId, r.calleeUrn, r.calleeName);
        Long locator = DimensionRows.locator(b, topic, r.range, "service_call_5m", r.tenant, r.callerUrn, r.calleeUrn,
                Long.toString(r.bucketStartMillis));
        List<Object> key = List.of(r.bucketStartMillis, tenantId, src, dst);
        b.add(SERVICE_CALL, key, PgParams.ts(r.bucketStartMillis), tenantId, src, dst, r.connectionType, r.calls, r.errors,
                r.rps, r.errRate, r.durationSide, r.p50Ms, r.p95Ms, r.p99Ms, r.durationSumMs, r.kll, r.serverCalls,
                orNull(r.serverP50Ms), orNull(r.serverP95Ms), r.serverKll, PgParams.ts(r.firstSeenMillis),
                PgParams.ts(r.lastSeenMillis), r.sampleTraceId, locator, r.durationMinMs, r.durationMaxMs,
                orEmpty(r.durationIdx), orEmpty(r.durationCnt), orNull(r.serverMinMs), orNull(r.serverMaxMs),
                orEmpty(r.serverIdx), orEmpty(r.serverCnt));
    }

    /** Queues the {@code dim_resource} row of a service or a peer; returns its id. */
    static long resource(PgBatch b, long tenantId, String urn, String name) {
        return DimensionRows.resource(b, tenantId, urn, name, namespaceOf(urn, name));
    }

    /**
     * The namespace of a service URN ({@code urn:svc:<namespace>/<name>}), read from the end so
     * that a slash inside the namespace survives; null for peers.
     */
    static String namespaceOf(String urn, String name) {
        if (urn == null || name == null || !urn.startsWith(SERVICE_URN_PREFIX) || !urn.endsWith("/" + name)
                || urn.length() < SERVICE_URN_PREFIX.length() + name.length() + 1) {
            return null;
        }
        return urn.substring(SERVICE_URN_PREFIX.length(), urn.length() - name.length() - 1);
    }

    private static int[] orEmpty(int[] a) {
        return a == null ? new int[0] : a;
    }

    private static long[] orEmpty(long[] a) {
        return a == null ? new long[0] : a;
    }

    private static Double orNull(double v) {
        return Double.isNaN(v) ? null : v;
    }

    @Override
    public KafkaOrigin origin(ServiceCallRow r) {
        return KafkaOrigin.of(topic, r.range);
    }
}
