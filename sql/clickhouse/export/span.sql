-- analyze: OUT/clickhouse/span.csv (with --clickhouse-spans true): every span once (FINAL), in start
-- time order (ties in Kafka order).
SELECT
    concat(replaceOne(toString(start_time), ' ', 'T'), 'Z') AS start_time,
    tenant,
    service,
    name,
    kind,
    status,
    round(duration_ns / 1000000, 3) AS duration_ms,
    trace_id,
    span_id,
    parent_span_id,
    http_status_code,
    service_urn,
    kafka_partition,
    kafka_offset,
    index_in_message
FROM span FINAL
ORDER BY span.start_time, tenant, service_urn, kafka_partition, kafka_offset, index_in_message;
