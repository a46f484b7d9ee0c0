-- The slowest and most failing downstream edges of a service in the live AGE graph (its CALLS
-- properties cover the live window, the last 10 minutes). For the last 30 minutes use the
-- relational sql/postgres/queries/edges_worst_downstream_30m.sql, which reads service_call_5m;
-- the topology at a past instant is relational only (sql/postgres/queries/edges_topology_at.sql),
-- as the graph holds the present. Parameters: tenant_id, name, hops.
--   PREPARE edges_worst_downstream(agtype) AS <this statement>;
--   EXECUTE edges_worst_downstream('{"tenant_id": <tenant_id>, "name": "frontend", "hops": 5}');
-- The columns are named in a WITH and sorted in the RETURN that passes them on: AGE 1.6.0
-- cannot ORDER BY an alias made in RETURN ("could not find rte for ...", apache/age#801).
SELECT * FROM ag_catalog.cypher('ops', $$
    MATCH p = (s:Resource {tenant_id: $tenant_id, name: $name})-[:CALLS*1..10]->(b:Resource)
    WHERE length(p) <= $hops
    WITH nodes(p)[length(p) - 1] AS a, relationships(p)[length(p) - 1] AS e, b
    WITH DISTINCT a.name AS caller, b.name AS callee, e.p95 AS p95_ms, e.err_rate AS err_rate, e.calls AS calls,
         e.errors AS errors
    RETURN caller, callee, p95_ms, err_rate, calls, errors
    ORDER BY p95_ms DESC, err_rate DESC
$$, $1) AS (caller ag_catalog.agtype, callee ag_catalog.agtype, p95_ms ag_catalog.agtype, err_rate ag_catalog.agtype,
           calls ag_catalog.agtype, errors ag_catalog.agtype);
