-- analyze: OUT/clickhouse/log_pattern_5m.csv, the columns of OUT/log_pattern_5m.csv (kafka_offsets
-- instead of sample_ref), the pattern text from the collapsing view log_pattern_current.
SELECT
    concat(replaceOne(toString(c.bucket), ' ', 'T'), 'Z') AS bucket,
    c.tenant AS tenant,
    c.service AS service,
    lower(substring(concat('0000000000000000', hex(toUInt64(fp))), length(hex(toUInt64(fp))) + 1, 16)) AS fingerprint_id,
    p.pattern AS pattern,
    c.count_total AS count_total,
    c.count_error AS count_error,
    c.service_urn AS service_urn,
    c.kafka_offsets AS kafka_offsets
FROM
(
    SELECT bucket, tenant, service, fingerprint_id AS fp, count_total, count_error, service_urn, kafka_offsets
    FROM log_pattern_5m FINAL
) AS c
ANY LEFT JOIN
(
    SELECT fingerprint_id AS fp, pattern FROM log_pattern_current
) AS p USING (fp)
ORDER BY c.bucket, tenant, service, count_total DESC, fp;
