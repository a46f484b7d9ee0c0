-- The service-call graph of the newest complete 5-minute window: every edge with its calls, error %
-- and p95 (client-side when the caller is instrumented).
SELECT
    tenant,
    caller,
    callee,
    connection_type,
    calls,
    round(100 * err_rate, 2) AS error_pct,
    round(p95_ms, 3) AS p95_ms
FROM service_call_5m FINAL
WHERE bucket = (SELECT max(bucket) FROM service_call_5m)
ORDER BY tenant, caller, callee;
