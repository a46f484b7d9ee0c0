-- Downstream dependencies of a service, up to :hops hops, in the live graph (live_edge: the
-- edges called within the last 10 minutes of event time). Every edge reachable from the
-- service is listed once, at its shortest distance; an edge back into the path is listed but
-- not followed, so cycles end. The service is matched by name (a service.name, or a peer's
-- name such as redis); every resource of that name in the tenant is a starting point
-- (resources are per tenant: resource ids never cross tenants).
--   psql -v tenant=default -v service=checkout -v hops=3 -f sql/postgres/queries/edges_downstream.sql
WITH RECURSIVE origin AS (
    SELECT t.tenant_id, r.resource_id
    FROM dim_tenant t
    JOIN dim_resource r ON r.tenant_id = t.tenant_id AND r.name = :'service'
    WHERE t.code = :'tenant'
),
walk (tenant_id, src_resource_id, dst_resource_id, hop, path, cycle) AS (
    SELECT e.tenant_id, e.src_resource_id, e.dst_resource_id, 1,
           ARRAY[e.src_resource_id, e.dst_resource_id], e.src_resource_id = e.dst_resource_id
    FROM live_edge e
    JOIN origin o ON o.tenant_id = e.tenant_id AND o.resource_id = e.src_resource_id
    UNION ALL
    SELECT e.tenant_id, e.src_resource_id, e.dst_resource_id, w.hop + 1,
           w.path || e.dst_resource_id, e.dst_resource_id = ANY (w.path)
    FROM walk w
    JOIN live_edge e ON e.tenant_id = w.tenant_id AND e.src_resource_id = w.dst_resource_id
    WHERE NOT w.cycle AND w.hop < :'hops'::int
)
SELECT min(w.hop) AS hop, s.name AS caller, d.name AS callee, d.kind AS callee_kind, e.connection_type,
       e.calls, e.errors, round(e.rps::numeric, 4) AS rps, round(e.err_rate::numeric, 4) AS err_rate,
       round(e.p95_ms::numeric, 3) AS p95_ms, s.urn AS caller_urn, d.urn AS callee_urn
FROM walk w
JOIN live_edge e USING (tenant_id, src_resource_id, dst_resource_id)
JOIN dim_resource s ON s.resource_id = w.src_resource_id
JOIN dim_resource d ON d.resource_id = w.dst_resource_id
GROUP BY s.name, d.name, d.kind, e.connection_type, e.calls, e.errors, e.rps, e.err_rate, e.p95_ms, s.urn, d.urn
ORDER BY hop, caller, callee, caller_urn, callee_urn;
