-- The 20 slowest minutes of the last hour of data (by p95), per service and operation.
SELECT
    bucket,
    tenant,
    service,
    operation,
    span_kind,
    calls,
    errors,
    round(p95_ms, 3) AS p95_ms,
    round(p99_ms, 3) AS p99_ms
FROM red_1m FINAL
WHERE bucket > (SELECT max(bucket) FROM red_1m) - 3600
ORDER BY p95_ms DESC, bucket, tenant, service, operation, span_kind
LIMIT 20;
