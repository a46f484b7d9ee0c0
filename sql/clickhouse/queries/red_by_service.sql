-- RED per service over the last hour of data (relative to the newest minute, so it also answers for a
-- replayed or captured range): calls/s, error % and the worst minute's p95 of SERVER and CONSUMER
-- spans. Duplicate-free: FINAL.
SELECT
    tenant,
    service,
    round(sum(calls) / 3600, 3) AS calls_per_s,
    round(100 * sum(errors) / greatest(sum(calls), 1), 2) AS error_pct,
    round(max(p95_ms), 3) AS worst_minute_p95_ms
FROM red_1m FINAL
WHERE span_kind IN ('SERVER', 'CONSUMER')
  AND bucket > (SELECT max(bucket) FROM red_1m) - 3600
GROUP BY tenant, service
ORDER BY tenant, service;
