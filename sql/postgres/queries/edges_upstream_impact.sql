-- The impact set of a failing service: every resource that calls it, directly or through up to
-- :hops hops, in the live graph (live_edge), at its shortest distance, with the callees it
-- reaches the failure through and the worst error rate of those calls. The failing service is
-- matched by name (a service.name, or a peer's name such as postgresql or redis).
--   psql -v tenant=default -v service=payment -v hops=5 -f sql/postgres/queries/edges_upstream_impact.sql
WITH RECURSIVE failing AS (
    SELECT t.tenant_id, r.resource_id
    FROM dim_tenant t
    JOIN dim_resource r ON r.tenant_id = t.tenant_id AND r.name = :'service'
    WHERE t.code = :'tenant'
),
walk (tenant_id, src_resource_id, dst_resource_id, hop, path, cycle) AS (
    SELECT e.tenant_id, e.src_resource_id, e.dst_resource_id, 1,
           ARRAY[e.dst_resource_id, e.src_resource_id], e.src_resource_id = e.dst_resource_id
    FROM live_edge e
    JOIN failing f ON f.tenant_id = e.tenant_id AND f.resource_id = e.dst_resource_id
    UNION ALL
    SELECT e.tenant_id, e.src_resource_id, e.dst_resource_id, w.hop + 1,
           w.path || e.src_resource_id, e.src_resource_id = ANY (w.path)
    FROM walk w
    JOIN live_edge e ON e.tenant_id = w.tenant_id AND e.dst_resource_id = w.src_resource_id
    WHERE NOT w.cycle AND w.hop < :'hops'::int
),
edges AS (
    SELECT tenant_id, src_resource_id, dst_resource_id, min(hop) AS hop
    FROM walk
    WHERE NOT EXISTS (SELECT 1 FROM failing f WHERE f.tenant_id = walk.tenant_id AND f.resource_id = walk.src_resource_id)
    GROUP BY tenant_id, src_resource_id, dst_resource_id
)
SELECT min(x.hop) AS hops_away, a.name AS affected, a.kind AS affected_kind,
       string_agg(c.name, ', ' ORDER BY c.name, c.urn) AS calls_into,
       round(max(e.err_rate)::numeric, 4) AS max_err_rate, round(sum(e.rps)::numeric, 4) AS rps_into_chain,
       a.urn AS affected_urn
FROM edges x
JOIN live_edge e USING (tenant_id, src_resource_id, dst_resource_id)
JOIN dim_resource a ON a.resource_id = x.src_resource_id
JOIN dim_resource c ON c.resource_id = x.dst_resource_id
GROUP BY a.name, a.kind, a.urn
ORDER BY hops_away, affected, affected_urn;
