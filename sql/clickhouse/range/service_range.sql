-- RED per tenant and service over [t_from, t_to), from its SERVER and CONSUMER spans (the requests it
-- served): the ClickHouse twin of PostgreSQL's service_range(t_from, t_to), same columns. Parameters,
-- read rule and merges as in red_range.sql.

SELECT
    tenant,
    service,
    service_urn,
    g_calls AS calls,
    g_errors AS errors,
    if(total = 0, NULL, if(i50 = -2147483648, 0., least(greatest(2 * pow(1.005 / 0.995, i50) / (1.005 / 0.995 + 1), ifNull(lo, -inf)), ifNull(hi, inf)))) AS p50_ms,
    if(total = 0, NULL, if(i95 = -2147483648, 0., least(greatest(2 * pow(1.005 / 0.995, i95) / (1.005 / 0.995 + 1), ifNull(lo, -inf)), ifNull(hi, inf)))) AS p95_ms,
    if(total = 0, NULL, if(i99 = -2147483648, 0., least(greatest(2 * pow(1.005 / 0.995, i99) / (1.005 / 0.995 + 1), ifNull(lo, -inf)), ifNull(hi, inf)))) AS p99_ms,
    lo AS min_ms,
    hi AS max_ms,
    if(raw <= 2.5 * 2048 AND zeros > 0, 2048 * log(2048 / zeros), raw) AS distinct_traces
FROM
(
    SELECT
        tenant, service, service_urn, g_calls, g_errors, g_duration_sum_ms, lo, hi,
        arraySum(h_cnt) AS total,
        arrayCumSum(h_cnt) AS cum,
        h_idx[arrayFirstIndex(c -> c >= greatest(1, ceil(0.50 * total)), cum)] AS i50,
        h_idx[arrayFirstIndex(c -> c >= greatest(1, ceil(0.95 * total)), cum)] AS i95,
        h_idx[arrayFirstIndex(c -> c >= greatest(1, ceil(0.99 * total)), cum)] AS i99,
        arrayFilter((x, nx) -> nx = 0 OR intDiv(nx, 64) != intDiv(x, 64), regs_all, arrayPopFront(arrayPushBack(regs_all, 0))) AS regs,
        2048 - length(regs) AS zeros,
        0.7213 / (1 + 1.079 / 2048) * 2048 * 2048 / (zeros + arraySum(arrayMap(x -> pow(2., -toFloat64(x % 64)), regs))) AS raw
    FROM
    (
        SELECT
            tenant, service, service_urn,
            sum(calls) AS g_calls,
            sum(errors) AS g_errors,
            sum(duration_sum_ms) AS g_duration_sum_ms,
            min(duration_min_ms) AS lo,
            max(duration_max_ms) AS hi,
            sumMap(duration_idx, duration_cnt) AS h,
            tupleElement(h, 1) AS h_idx,
            tupleElement(h, 2) AS h_cnt,
            arraySort(groupArrayArray(trace_hll_regs)) AS regs_all
        FROM red_1m FINAL
        WHERE bucket >= {t_from:DateTime} AND bucket < {t_to:DateTime} AND span_kind IN ('SERVER', 'CONSUMER')
        GROUP BY tenant, service, service_urn
    )
)
ORDER BY tenant, service;
