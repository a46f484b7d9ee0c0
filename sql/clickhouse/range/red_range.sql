-- RED per tenant, service, operation and span kind over [t_from, t_to) (minutes whose start is in the
-- range), the ClickHouse twin of PostgreSQL's red_range(t_from, t_to), same columns, same values:
-- calls, errors, true quantiles of the whole range and distinct traces. Runs on 18.16 and current.
--
-- Parameters: {t_from:DateTime} and {t_to:DateTime}. On a current server they are ClickHouse query
-- parameters (clickhouse-client --param_t_from='2026-05-04 13:00:00' ..., or param_t_from= over HTTP);
-- 18.16 has none, so the project's caller (ClickHouseRangeSql) puts toDateTime(<epoch seconds>, 'UTC')
-- in their place, rendered from a typed instant (digits only: nothing else can reach the text).
-- In Grafana, put $__fromTime / $__toTime there.
--
-- How (the documented read rule and PostgreSQL's functions, in plain SQL):
-- * duplicate-free: FROM red_1m FINAL;
-- * quantile q: the histograms merged by sumMap(duration_idx, duration_cnt) (indexes sorted), the
--   nearest-rank item max(1, ceil(q*n)) found in the cumulative counts, and that bucket's value
--   2γ^i/(γ+1), γ = 1.005/0.995 (0 for the zero bucket), clamped to the exact [min, max]
--   (loghist_quantile): within 0.5% of the exact nearest-rank value; NULL when no row has a histogram;
-- * distinct traces: the registers (register*64 + value) of every row, sorted, keep the last (highest
--   value) of each register = the element-wise max (compared with the next element, never through a
--   lambda that captures the array: a captured array is copied once per element); then hll_estimate's HyperLogLog estimate with
--   linear counting, m = 2048 (relative standard error 2.3%).
-- Inner names differ from the columns' because 18.16 refuses an alias that shadows a column it reads.

SELECT
    tenant,
    service,
    service_urn,
    operation,
    span_kind,
    g_calls AS calls,
    g_errors AS errors,
    g_duration_sum_ms AS duration_sum_ms,
    if(total = 0, NULL, if(i50 = -2147483648, 0., least(greatest(2 * pow(1.005 / 0.995, i50) / (1.005 / 0.995 + 1), ifNull(lo, -inf)), ifNull(hi, inf)))) AS p50_ms,
    if(total = 0, NULL, if(i95 = -2147483648, 0., least(greatest(2 * pow(1.005 / 0.995, i95) / (1.005 / 0.995 + 1), ifNull(lo, -inf)), ifNull(hi, inf)))) AS p95_ms,
    if(total = 0, NULL, if(i99 = -2147483648, 0., least(greatest(2 * pow(1.005 / 0.995, i99) / (1.005 / 0.995 + 1), ifNull(lo, -inf)), ifNull(hi, inf)))) AS p99_ms,
    lo AS min_ms,
    hi AS max_ms,
    if(raw <= 2.5 * 2048 AND zeros > 0, 2048 * log(2048 / zeros), raw) AS distinct_traces
FROM
(
    SELECT
        tenant, service, service_urn, operation, span_kind, g_calls, g_errors, g_duration_sum_ms, lo, hi,
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
            tenant, service, service_urn, operation, span_kind,
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
        WHERE bucket >= {t_from:DateTime} AND bucket < {t_to:DateTime}
        GROUP BY tenant, service, service_urn, operation, span_kind
    )
)
ORDER BY tenant, service, operation, span_kind;
