-- Hourly and daily roll-ups of metric_1m (issue 9): metric_1h and metric_1d, UTC-aligned, exact merges
-- of the minute rows read duplicate-free (FINAL), views for the reason 130_rollups.sql gives. They carry
-- the columns sql/clickhouse/range/metric_range.sql reads, under the minute table's names, so that file
-- runs on them unchanged with "metric_1m FINAL" replaced by "metric_1h": points, count and sum summed;
-- min/max only when every minute row of the series knows them (as the range SQL decides); avg weighted
-- as the range SQL weighs it; the signed value histograms merged by sumMap (the zero bucket
-- -2147483648 keyed at -1382, its place in value order, while merging, and given back its index after).
-- An hourly p95 is then the p95 of the hour, not a max of minutes.

CREATE VIEW IF NOT EXISTS metric_1h AS
SELECT
    g_bucket AS bucket, tenant, resource_urn, metric, labels_hash, kind,
    g_points AS points, g_count AS count, g_sum AS sum, g_min AS min, g_max AS max, g_avg AS avg,
    arrayMap(i -> if(i = -1382, -2147483648, i), tupleElement(h, 1)) AS value_idx, tupleElement(h, 2) AS value_cnt
FROM
(
    SELECT
        toStartOfHour(bucket) AS g_bucket, tenant, resource_urn, metric, labels_hash, kind,
        sum(points) AS g_points, sum(count) AS g_count, sum(sum) AS g_sum,
        if(count(min) = count(), min(min), NULL) AS g_min,
        if(count(max) = count(), max(max), NULL) AS g_max,
        if(sum(count) > 0, sum(sum) / sum(count), sum(avg * points) / sumIf(points, isNotNull(avg))) AS g_avg,
        sumMap(arrayMap(i -> if(i = -2147483648, -1382, i), value_idx), value_cnt) AS h
    FROM metric_1m FINAL
    GROUP BY g_bucket, tenant, resource_urn, metric, labels_hash, kind
);

CREATE VIEW IF NOT EXISTS metric_1d AS
SELECT
    g_bucket AS bucket, tenant, resource_urn, metric, labels_hash, kind,
    g_points AS points, g_count AS count, g_sum AS sum, g_min AS min, g_max AS max, g_avg AS avg,
    arrayMap(i -> if(i = -1382, -2147483648, i), tupleElement(h, 1)) AS value_idx, tupleElement(h, 2) AS value_cnt
FROM
(
    SELECT
        toStartOfDay(bucket) AS g_bucket, tenant, resource_urn, metric, labels_hash, kind,
        sum(points) AS g_points, sum(count) AS g_count, sum(sum) AS g_sum,
        if(count(min) = count(), min(min), NULL) AS g_min,
        if(count(max) = count(), max(max), NULL) AS g_max,
        if(sum(count) > 0, sum(sum) / sum(count), sum(avg * points) / sumIf(points, isNotNull(avg))) AS g_avg,
        sumMap(arrayMap(i -> if(i = -2147483648, -1382, i), value_idx), value_cnt) AS h
    FROM metric_1m FINAL
    GROUP BY g_bucket, tenant, resource_urn, metric, labels_hash, kind
);
