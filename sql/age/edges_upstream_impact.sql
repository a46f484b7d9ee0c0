-- The impact set of a failing service in the live AGE graph: every resource with a CALLS path
-- of at most $hops hops (at most 10) into it, at its shortest distance. The relational twin
-- is sql/postgres/queries/edges_upstream_impact.sql. Parameters: tenant_id, name, hops.
--   PREPARE edges_upstream_impact(agtype) AS <this statement>;
--   EXECUTE edges_upstream_impact('{"tenant_id": <tenant_id>, "name": "payment", "hops": 5}');
-- The columns are named in a WITH and sorted in the RETURN that passes them on: AGE 1.6.0
-- cannot ORDER BY an alias made in RETURN ("could not find rte for ...", apache/age#801).
SELECT * FROM ag_catalog.cypher('ops', $$
    MATCH p = (a:Resource)-[:CALLS*1..10]->(f:Resource {tenant_id: $tenant_id, name: $name})
    WHERE length(p) <= $hops AND a.name <> $name
    WITH min(length(p)) AS hops_away, a.name AS affected, a.kind AS affected_kind, a.urn AS affected_urn
    RETURN hops_away, affected, affected_kind, affected_urn
    ORDER BY hops_away, affected
$$, $1) AS (hops_away ag_catalog.agtype, affected ag_catalog.agtype, affected_kind ag_catalog.agtype,
           affected_urn ag_catalog.agtype);
