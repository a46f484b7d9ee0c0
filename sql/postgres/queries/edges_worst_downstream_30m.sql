-- The slowest and most failing downstream edges of a service over the 30 minutes before :at
-- (use at=now for the last 30 minutes), from service_call_5m: every edge reachable from the
-- service within :hops hops over the edges called in that window, with its calls, errors,
-- error rate, worst 5-minute p95 and call-weighted mean p95, ranked both ways. Sorted slowest
-- first; order by failing_rank for the most failing.
--   psql -v tenant=default -v service=frontend -v hops=5 -v at=now -f sql/postgres/queries/edges_worst_downstream_30m.sql
WITH RECURSIVE recent AS (
    SELECT tenant_id, src_resource_id, dst_resource_id, sum(calls) AS calls, sum(errors) AS errors,
           max(p95_ms) AS worst_p95_ms, sum(p95_ms * calls) / nullif(sum(calls), 0) AS mean_p95_ms
    FROM service_call_5m
    WHERE bucket >= :'at'::timestamptz - INTERVAL '30 minutes' AND bucket < :'at'::timestamptz
    GROUP BY tenant_id, src_resource_id, dst_resource_id
),
origin AS (
    SELECT t.tenant_id, r.resource_id
    FROM dim_tenant t
    JOIN dim_resource r ON r.tenant_id = t.tenant_id AND r.name = :'service'
    WHERE t.code = :'tenant'
),
walk (tenant_id, src_resource_id, dst_resource_id, hop, path, cycle) AS (
    SELECT e.tenant_id, e.src_resource_id, e.dst_resource_id, 1,
           ARRAY[e.src_resource_id, e.dst_resource_id], e.src_resource_id = e.dst_resource_id
    FROM recent e
    JOIN origin o ON o.tenant_id = e.tenant_id AND o.resource_id = e.src_resource_id
    UNION ALL
    SELECT e.tenant_id, e.src_resource_id, e.dst_resource_id, w.hop + 1,
           w.path || e.dst_resource_id, e.dst_resource_id = ANY (w.path)
    FROM walk w
    JOIN recent e ON e.tenant_id = w.tenant_id AND e.src_resource_id = w.dst_resource_id
    WHERE NOT w.cycle AND w.hop < :'hops'::int
),
edges AS (
    SELECT tenant_id, src_resource_id, dst_resource_id, min(hop) AS hop
    FROM walk
    GROUP BY tenant_id, src_resource_id, dst_resource_id
)
SELECT x.hop, s.name AS caller, d.name AS callee, r.calls, r.errors,
       round((r.errors::numeric / nullif(r.calls, 0)), 4) AS err_rate,
       round(r.worst_p95_ms::numeric, 3) AS worst_p95_ms, round(r.mean_p95_ms::numeric, 3) AS mean_p95_ms,
       rank() OVER (ORDER BY r.worst_p95_ms DESC) AS slowest_rank,
       rank() OVER (ORDER BY r.errors::numeric / nullif(r.calls, 0) DESC NULLS LAST) AS failing_rank,
       s.urn AS caller_urn, d.urn AS callee_urn
FROM edges x
JOIN recent r USING (tenant_id, src_resource_id, dst_resource_id)
JOIN dim_resource s ON s.resource_id = x.src_resource_id
JOIN dim_resource d ON d.resource_id = x.dst_resource_id
ORDER BY slowest_rank, failing_rank, caller, callee, caller_urn, callee_urn;
