-- JVM heap in use per service and minute over the last 30 minutes of data (jvm.memory.used with
-- jvm.memory.type = heap). labels.keys / labels.values are the attribute names and values: the
-- subcolumns of a Map on current servers, the Nested columns an older server stores instead.
SELECT
    bucket,
    tenant,
    service,
    round(max(avg) / 1048576, 1) AS heap_used_mib
FROM metric_1m FINAL
WHERE metric = 'jvm.memory.used'
  AND labels.values[indexOf(labels.keys, 'jvm.memory.type')] = 'heap'
  AND bucket > (SELECT max(bucket) FROM metric_1m) - 1800
GROUP BY bucket, tenant, service
ORDER BY bucket, tenant, service;
