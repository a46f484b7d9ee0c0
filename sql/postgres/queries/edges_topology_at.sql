-- The service-call topology as it was at a past instant :at, from topo_edge_time: every edge
-- whose validity interval contains it (an open interval reaches up to now). Intervals are
-- [first call, last call] of a run of calls with no gap longer than edges.topology.idle-timeout.
--   psql -v tenant=default -v at='2026-03-01T10:15:00Z' -f sql/postgres/queries/edges_topology_at.sql
SELECT s.name AS caller, d.name AS callee, e.relation, e.connection_type,
       lower(e.valid) AS valid_from, upper(e.valid) AS valid_to,
       s.urn AS caller_urn, d.urn AS callee_urn
FROM topo_edge_time e
JOIN dim_tenant t USING (tenant_id)
JOIN dim_resource s ON s.resource_id = e.src_resource_id
JOIN dim_resource d ON d.resource_id = e.dst_resource_id
WHERE t.code = :'tenant' AND e.valid @> :'at'::timestamptz
ORDER BY caller, callee, caller_urn, callee_urn;
