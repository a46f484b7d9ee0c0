-- Every span, opt-in (--clickhouse-spans true) because of its volume, written by the span ingest
-- stage: a slow minute in red_1m leads to its spans (same tenant, service_urn, name = operation,
-- kind, status, start_time within the minute) and their traces. Identified by Kafka coordinates,
-- like log_record: read with FINAL. Bounds as in log_record (070_log_record.sql).

CREATE TABLE IF NOT EXISTS span
(
    start_time          DateTime64(9, 'UTC') CODEC(Delta, ZSTD(1)),
    tenant              LowCardinality(String),
    service             LowCardinality(String),
    service_namespace   LowCardinality(String),
    service_urn         LowCardinality(String),
    host                LowCardinality(String),
    name                LowCardinality(String),
    kind                LowCardinality(String),
    status              LowCardinality(String),
    duration_ns         UInt64 CODEC(ZSTD(1)),
    trace_id            String CODEC(ZSTD(1)),
    span_id             String CODEC(ZSTD(1)),
    parent_span_id      String CODEC(ZSTD(1)),
    http_status_code    UInt16,
    attributes          Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    resource_attributes Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    kafka_partition     Int32,
    kafka_offset        Int64,
    index_in_message    UInt32,
    INDEX span_trace_id trace_id TYPE bloom_filter(0.01) GRANULARITY 1
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMMDD(start_time)
ORDER BY (tenant, service_urn, name, start_time, kafka_partition, kafka_offset, index_in_message)
TTL toDateTime(start_time) + INTERVAL 7 DAY
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1;
