-- The resources closest to saturation over the last 5 minutes of data: the 20 with the highest
-- pressure (the larger of their worst saturation and worst utilization), as PostgreSQL's
-- use_saturation_ranking view ranks them, with its column names. (An alias must not reuse a column's
-- name here: ClickHouse resolves a name to the alias everywhere in the query, so max(x) AS x would put
-- an aggregate inside argMax(..., x).)
SELECT
    tenant,
    resource_urn,
    any(resource_kind) AS resource_kind,
    round(greatest(ifNull(max(saturation), 0), ifNull(max(utilization), 0)), 4) AS pressure,
    round(max(saturation), 4) AS max_saturation,
    argMax(saturation_component, saturation) AS saturation_component,
    round(max(utilization), 4) AS max_utilization,
    argMax(utilization_component, utilization) AS utilization_component,
    round(max(errors_per_s), 4) AS max_errors_per_s
FROM use_1m FINAL
WHERE bucket > (SELECT max(bucket) FROM use_1m) - 300
GROUP BY tenant, resource_urn
ORDER BY pressure DESC, resource_urn
LIMIT 20;
