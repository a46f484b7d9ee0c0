-- The 20 most frequent log patterns of the last hour of data, with their error counts and text.
SELECT
    c.tenant AS tenant,
    c.service AS service,
    c.count_total AS count_total,
    c.count_error AS count_error,
    p.pattern AS pattern
FROM
(
    SELECT tenant, service, fingerprint_id, sum(count_total) AS count_total, sum(count_error) AS count_error
    FROM log_pattern_5m FINAL
    WHERE bucket > (SELECT max(bucket) FROM log_pattern_5m) - 3600
    GROUP BY tenant, service, fingerprint_id
) AS c
ANY LEFT JOIN
(
    SELECT fingerprint_id, pattern FROM log_pattern_current
) AS p USING (fingerprint_id)
ORDER BY count_total DESC, tenant, service, pattern
LIMIT 20;
