-- Downstream dependencies of a service to $hops hops (at most 10) in the live AGE graph: every
-- CALLS edge on a path from the service, at its shortest distance, with its live properties.
-- The relational twin is sql/postgres/queries/edges_downstream.sql. Parameters, one agtype map
-- bound as a statement parameter: tenant_id (SELECT tenant_id FROM dim_tenant WHERE code = 'default'),
-- name, hops. In psql (after setup.sql's LOAD and SET search_path):
--   PREPARE edges_downstream(agtype) AS <this statement>;
--   EXECUTE edges_downstream('{"tenant_id": <tenant_id>, "name": "checkout", "hops": 3}');
-- The columns are named in a WITH and sorted in the RETURN that passes them on: AGE 1.6.0
-- cannot ORDER BY an alias made in RETURN ("could not find rte for ...", apache/age#801).
SELECT * FROM ag_catalog.cypher('ops', $$
    MATCH p = (s:Resource {tenant_id: $tenant_id, name: $name})-[:CALLS*1..10]->(b:Resource)
    WHERE length(p) <= $hops
    WITH nodes(p)[length(p) - 1] AS a, relationships(p)[length(p) - 1] AS e, b, length(p) AS hop
    WITH min(hop) AS hop, a.name AS caller, b.name AS callee, e.rps AS rps, e.err_rate AS err_rate,
         e.p95 AS p95_ms, a.urn AS caller_urn, b.urn AS callee_urn
    RETURN hop, caller, callee, rps, err_rate, p95_ms, caller_urn, callee_urn
    ORDER BY hop, caller, callee
$$, $1) AS (hop ag_catalog.agtype, caller ag_catalog.agtype, callee ag_catalog.agtype, rps ag_catalog.agtype,
           err_rate ag_catalog.agtype, p95_ms ag_catalog.agtype, caller_urn ag_catalog.agtype, callee_urn ag_catalog.agtype);
