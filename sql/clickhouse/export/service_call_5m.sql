-- analyze: OUT/clickhouse/service_call_5m.csv, the columns of OUT/service_call_5m.csv (kafka_offsets
-- instead of sample_ref). Duplicate-free: FINAL.
SELECT
    concat(replaceOne(toString(bucket), ' ', 'T'), 'Z') AS bucket,
    tenant,
    caller,
    callee,
    calls,
    errors,
    round(p50_ms, 3) AS p50_ms,
    round(p95_ms, 3) AS p95_ms,
    round(p99_ms, 3) AS p99_ms,
    duration_side,
    round(rps, 4) AS rps,
    round(err_rate, 4) AS err_rate,
    round(server_p50_ms, 3) AS server_p50_ms,
    round(server_p95_ms, 3) AS server_p95_ms,
    connection_type,
    caller_urn,
    callee_urn,
    sample_trace_id,
    kafka_offsets
FROM service_call_5m FINAL
ORDER BY service_call_5m.bucket, tenant, caller, callee, caller_urn, callee_urn;
