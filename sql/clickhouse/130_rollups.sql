-- Hourly and daily roll-ups (issue 9): red_1h/red_1d, service_call_1h/service_call_1d and
-- log_pattern_1h/log_pattern_1d, UTC-aligned, exact merges of the minute (5-minute) rows read
-- duplicate-free (FINAL): counts summed, histograms merged by sumMap, HLL registers by the maximum per
-- register, min/max of the exact bounds. Their columns are the minute tables' (same names and types),
-- so the range SQL of sql/clickhouse/range/ runs on them unchanged with red_1m FINAL replaced by
-- red_1h: an hourly p95 is the p95 of the hour, not a max of minutes.
--
-- Plain views, not materialized views into Summing/AggregatingMergeTree: a materialized view sees
-- every insert, and the sink writes a minute's row again (a late record, a restart, a replay) with the
-- same sorting key and a higher version; ReplacingMergeTree keeps the last one, but a SummingMergeTree
-- or AggregatingMergeTree fed by the inserts would add both, counting the minute twice. A view reads
-- what the read rule reads, so a roll-up row always equals the range SQL over its hour or day. The
-- cost: each read merges the minute rows of the range it selects (a day is 1440 rows per series).
-- On a server that cannot replace views, changing one means DROP VIEW first.

CREATE VIEW IF NOT EXISTS red_1h AS
SELECT
    g_bucket AS bucket, tenant, service, service_namespace, service_urn, operation, span_kind, status,
    g_calls AS calls, g_errors AS errors, g_duration_sum_ms AS duration_sum_ms,
    g_min AS duration_min_ms, g_max AS duration_max_ms,
    tupleElement(h, 1) AS duration_idx, tupleElement(h, 2) AS duration_cnt,
    arrayFilter((x, nx) -> nx = 0 OR intDiv(nx, 64) != intDiv(x, 64), regs_all, arrayPopFront(arrayPushBack(regs_all, 0))) AS trace_hll_regs
FROM
(
    SELECT
        toStartOfHour(bucket) AS g_bucket, tenant, service, service_namespace, service_urn, operation, span_kind, status,
        sum(calls) AS g_calls, sum(errors) AS g_errors, sum(duration_sum_ms) AS g_duration_sum_ms,
        min(duration_min_ms) AS g_min, max(duration_max_ms) AS g_max,
        sumMap(duration_idx, duration_cnt) AS h,
        arraySort(groupArrayArray(trace_hll_regs)) AS regs_all
    FROM red_1m FINAL
    GROUP BY g_bucket, tenant, service, service_namespace, service_urn, operation, span_kind, status
);

CREATE VIEW IF NOT EXISTS service_call_1h AS
SELECT
    g_bucket AS bucket, tenant, caller, caller_urn, caller_virtual, callee, callee_urn, callee_virtual, connection_type,
    g_calls AS calls, g_errors AS errors, g_duration_sum_ms AS duration_sum_ms,
    g_min AS duration_min_ms, g_max AS duration_max_ms,
    tupleElement(h, 1) AS duration_idx, tupleElement(h, 2) AS duration_cnt,
    g_server_calls AS server_calls, g_server_min AS server_min_ms, g_server_max AS server_max_ms,
    tupleElement(sh, 1) AS server_idx, tupleElement(sh, 2) AS server_cnt
FROM
(
    SELECT
        toStartOfHour(bucket) AS g_bucket, tenant, caller, caller_urn, caller_virtual, callee, callee_urn, callee_virtual, connection_type,
        sum(calls) AS g_calls, sum(errors) AS g_errors, sum(duration_sum_ms) AS g_duration_sum_ms,
        min(duration_min_ms) AS g_min, max(duration_max_ms) AS g_max,
        sumMap(duration_idx, duration_cnt) AS h,
        sum(server_calls) AS g_server_calls, min(server_min_ms) AS g_server_min, max(server_max_ms) AS g_server_max,
        sumMap(server_idx, server_cnt) AS sh
    FROM service_call_5m FINAL
    GROUP BY g_bucket, tenant, caller, caller_urn, caller_virtual, callee, callee_urn, callee_virtual, connection_type
);

CREATE VIEW IF NOT EXISTS log_pattern_1h AS
SELECT
    g_bucket AS bucket, tenant, service, service_namespace, service_urn, fingerprint_id,
    g_count_total AS count_total, g_count_error AS count_error
FROM
(
    SELECT
        toStartOfHour(bucket) AS g_bucket, tenant, service, service_namespace, service_urn, fingerprint_id,
        sum(count_total) AS g_count_total, sum(count_error) AS g_count_error
    FROM log_pattern_5m FINAL
    GROUP BY g_bucket, tenant, service, service_namespace, service_urn, fingerprint_id
);

CREATE VIEW IF NOT EXISTS red_1d AS
SELECT
    g_bucket AS bucket, tenant, service, service_namespace, service_urn, operation, span_kind, status,
    g_calls AS calls, g_errors AS errors, g_duration_sum_ms AS duration_sum_ms,
    g_min AS duration_min_ms, g_max AS duration_max_ms,
    tupleElement(h, 1) AS duration_idx, tupleElement(h, 2) AS duration_cnt,
    arrayFilter((x, nx) -> nx = 0 OR intDiv(nx, 64) != intDiv(x, 64), regs_all, arrayPopFront(arrayPushBack(regs_all, 0))) AS trace_hll_regs
FROM
(
    SELECT
        toStartOfDay(bucket) AS g_bucket, tenant, service, service_namespace, service_urn, operation, span_kind, status,
        sum(calls) AS g_calls, sum(errors) AS g_errors, sum(duration_sum_ms) AS g_duration_sum_ms,
        min(duration_min_ms) AS g_min, max(duration_max_ms) AS g_max,
        sumMap(duration_idx, duration_cnt) AS h,
        arraySort(groupArrayArray(trace_hll_regs)) AS regs_all
    FROM red_1m FINAL
    GROUP BY g_bucket, tenant, service, service_namespace, service_urn, operation, span_kind, status
);

CREATE VIEW IF NOT EXISTS service_call_1d AS
SELECT
    g_bucket AS bucket, tenant, caller, caller_urn, caller_virtual, callee, callee_urn, callee_virtual, connection_type,
    g_calls AS calls, g_errors AS errors, g_duration_sum_ms AS duration_sum_ms,
    g_min AS duration_min_ms, g_max AS duration_max_ms,
    tupleElement(h, 1) AS duration_idx, tupleElement(h, 2) AS duration_cnt,
    g_server_calls AS server_calls, g_server_min AS server_min_ms, g_server_max AS server_max_ms,
    tupleElement(sh, 1) AS server_idx, tupleElement(sh, 2) AS server_cnt
FROM
(
    SELECT
        toStartOfDay(bucket) AS g_bucket, tenant, caller, caller_urn, caller_virtual, callee, callee_urn, callee_virtual, connection_type,
        sum(calls) AS g_calls, sum(errors) AS g_errors, sum(duration_sum_ms) AS g_duration_sum_ms,
        min(duration_min_ms) AS g_min, max(duration_max_ms) AS g_max,
        sumMap(duration_idx, duration_cnt) AS h,
        sum(server_calls) AS g_server_calls, min(server_min_ms) AS g_server_min, max(server_max_ms) AS g_server_max,
        sumMap(server_idx, server_cnt) AS sh
    FROM service_call_5m FINAL
    GROUP BY g_bucket, tenant, caller, caller_urn, caller_virtual, callee, callee_urn, callee_virtual, connection_type
);

CREATE VIEW IF NOT EXISTS log_pattern_1d AS
SELECT
    g_bucket AS bucket, tenant, service, service_namespace, service_urn, fingerprint_id,
    g_count_total AS count_total, g_count_error AS count_error
FROM
(
    SELECT
        toStartOfDay(bucket) AS g_bucket, tenant, service, service_namespace, service_urn, fingerprint_id,
        sum(count_total) AS g_count_total, sum(count_error) AS g_count_error
    FROM log_pattern_5m FINAL
    GROUP BY g_bucket, tenant, service, service_namespace, service_urn, fingerprint_id
);
