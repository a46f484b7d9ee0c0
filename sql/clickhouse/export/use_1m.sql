-- analyze: OUT/clickhouse/use_1m.csv, the columns of OUT/use_1m.csv. Duplicate-free: FINAL.
SELECT
    concat(replaceOne(toString(bucket), ' ', 'T'), 'Z') AS bucket,
    tenant,
    resource_urn AS resource,
    resource_kind,
    utilization,
    utilization_component,
    saturation,
    saturation_component,
    errors_per_s,
    arrayStringConcat(contributors, ' ') AS contributors
FROM use_1m FINAL
ORDER BY use_1m.bucket, tenant, resource;
