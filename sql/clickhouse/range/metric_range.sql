-- Metrics over any time range [t_from, t_to): per tenant, resource, metric, attribute set
-- (labels_hash) and kind: points, the values counted (observations), p50/p95/p99 of the merged value
-- histogram, min, max, avg. The twin of PostgreSQL's metric_range() (V32__metric_loghist.sql, where
-- the buckets, the sign split and the error bounds are described): sumMap merges the rows' sparse
-- value_idx/value_cnt exactly (the zero bucket -2147483648 keyed at -1382, its place in value order);
-- a quantile is the value of the bucket where the cumulative count first reaches ceil(q * n), clamped
-- to min/max when every row of the series knows them (histogram points may not carry min/max).
-- Duplicate-free: FINAL. Runs on 18.16 and current servers.
-- {t_from:DateTime} and {t_to:DateTime} are query parameters (param_t_from/param_t_to on a current
-- server's HTTP interface); 18.16 has none: the caller puts toDateTime(<epoch seconds>) in their place.
SELECT
    tenant,
    resource_urn,
    metric,
    labels_hash,
    kind,
    series_points AS points,
    observations,
    if(observations = 0, NULL, least(greatest(v[1], ifNull(lo, -inf)), ifNull(hi, inf))) AS p50,
    if(observations = 0, NULL, least(greatest(v[2], ifNull(lo, -inf)), ifNull(hi, inf))) AS p95,
    if(observations = 0, NULL, least(greatest(v[3], ifNull(lo, -inf)), ifNull(hi, inf))) AS p99,
    lo AS min,
    hi AS max,
    mean AS avg
FROM
(
    SELECT
        tenant, resource_urn, metric, labels_hash, kind, series_points, lo, hi, mean,
        arraySum(h.2) AS observations,
        arrayCumSum(h.2) AS cum,
        arrayMap(q -> (h.1)[arrayFirstIndex(c -> c >= greatest(1, ceil(q * observations)), cum)], [0.5, 0.95, 0.99]) AS o,
        arrayMap(i -> multiIf(i = -1382, 0.,
                              i > -1382, 2 * pow(1.005 / 0.995, i) / (1.005 / 0.995 + 1),
                              -2 * pow(1.005 / 0.995, -2764 - i) / (1.005 / 0.995 + 1)), o) AS v
    FROM
    (
        SELECT
            tenant, resource_urn, metric, labels_hash, kind,
            sum(points) AS series_points,
            if(count(min) = count(), min(min), NULL) AS lo,
            if(count(max) = count(), max(max), NULL) AS hi,
            if(sum(count) > 0, sum(sum) / sum(count), sum(avg * points) / sumIf(points, isNotNull(avg))) AS mean,
            sumMap(arrayMap(i -> if(i = -2147483648, -1382, i), value_idx), value_cnt) AS h
        FROM metric_1m FINAL
        WHERE bucket >= {t_from:DateTime} AND bucket < {t_to:DateTime}
        GROUP BY tenant, resource_urn, metric, labels_hash, kind
    )
)
ORDER BY tenant, resource_urn, metric, labels_hash, kind
