-- analyze: OUT/clickhouse/log_record.csv: every log record once (FINAL), with its fingerprint as 16 hex
-- digits, in time order (ties in Kafka order).
SELECT
    concat(replaceOne(toString(time), ' ', 'T'), 'Z') AS time,
    tenant,
    service,
    severity_text,
    lower(substring(concat('0000000000000000', hex(toUInt64(fingerprint_id))), length(hex(toUInt64(fingerprint_id))) + 1, 16))
        AS fingerprint_id,
    trace_id,
    span_id,
    body,
    severity_number,
    service_urn,
    kafka_partition,
    kafka_offset,
    index_in_message
FROM log_record FINAL
ORDER BY log_record.time, tenant, service_urn, kafka_partition, kafka_offset, index_in_message;
