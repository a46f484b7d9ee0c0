-- From a slow minute to its traces: the 20 slowest spans of the SERVER minute with the highest p95 in
-- red_1m (same tenant, service, operation and minute), with their trace ids. Needs the span table
-- (--clickhouse-spans true).
SELECT
    s.start_time,
    s.service,
    s.name,
    s.status,
    round(s.duration_ns / 1e6, 3) AS duration_ms,
    s.trace_id,
    s.span_id
FROM span AS s FINAL
WHERE (s.tenant, s.service_urn, s.name, toStartOfMinute(s.start_time)) IN
(
    SELECT tenant, service_urn, operation, bucket
    FROM red_1m FINAL
    WHERE span_kind = 'SERVER'
    ORDER BY p95_ms DESC, bucket, tenant, service_urn, operation
    LIMIT 1
)
ORDER BY s.duration_ns DESC, s.trace_id, s.span_id
LIMIT 20;
