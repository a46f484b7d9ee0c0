-- analyze: OUT/clickhouse/red_1m.csv, the columns of OUT/red_1m.csv (kafka_offsets instead of the
-- PostgreSQL locator id sample_ref). Duplicate-free: FINAL. Runs on 18.16 and current servers.
SELECT
    concat(replaceOne(toString(bucket), ' ', 'T'), 'Z') AS bucket,
    tenant,
    service,
    service_urn,
    operation,
    span_kind,
    status,
    calls,
    errors,
    round(p50_ms, 3) AS p50_ms,
    round(p95_ms, 3) AS p95_ms,
    round(p99_ms, 3) AS p99_ms,
    round(distinct_traces, 1) AS distinct_traces,
    kafka_offsets
FROM red_1m FINAL
ORDER BY red_1m.bucket, tenant, service, operation, span_kind, status;
