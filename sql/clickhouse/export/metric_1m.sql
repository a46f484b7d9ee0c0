-- analyze: OUT/clickhouse/metric_1m.csv, the columns of OUT/metric_1m.csv (kafka_offsets instead of
-- sample_ref). labels_pairs ([[name, value], ...], from labels.keys/labels.values, which exist on every
-- server version) is written as the JSON object column labels.
SELECT
    concat(replaceOne(toString(bucket), ' ', 'T'), 'Z') AS bucket,
    tenant,
    service,
    resource_urn AS resource,
    metric,
    arrayMap((k, v) -> [k, v], labels.keys, labels.values) AS labels_pairs,
    kind,
    unit,
    points,
    avg,
    min,
    max,
    p95,
    last,
    total,
    rate,
    count,
    sum,
    kafka_offsets
FROM metric_1m FINAL
ORDER BY metric_1m.bucket, tenant, resource, metric, labels_hash;
