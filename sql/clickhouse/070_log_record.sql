-- Every log record with its fingerprint, written by the logs pipeline (--clickhouse-log-records, on by
-- default with the ClickHouse sink). A record is identified by its Kafka coordinates (partition,
-- offset, index in the message), which are in the sorting key, so the copies a restart or a replay
-- writes are identical rows with the same key, collapsed by ReplacingMergeTree: read with FINAL.
-- No version column: every copy of a record is the same row.
--
-- Strings are as the decoder leaves them: bodies cut to 4096 characters, names and attribute keys to
-- 256, attribute values to 1024, at most 64 attributes per record and per resource; U+0000 and
-- invalid UTF-8 become U+FFFD, tabs, newlines, quotes and backslashes are kept. trace_id and span_id
-- are lower-case hex ('' when absent); severity_text is '' when absent.

CREATE TABLE IF NOT EXISTS log_record
(
    time                DateTime64(9, 'UTC') CODEC(Delta, ZSTD(1)),
    tenant              LowCardinality(String),
    service             LowCardinality(String),
    service_namespace   LowCardinality(String),
    service_urn         LowCardinality(String),
    host                LowCardinality(String),
    severity_number     UInt8,
    severity_text       LowCardinality(String),
    is_error            UInt8,
    fingerprint_id      Int64,
    body                String CODEC(ZSTD(1)),
    trace_id            String CODEC(ZSTD(1)),
    span_id             String CODEC(ZSTD(1)),
    attributes          Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    resource_attributes Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    kafka_partition     Int32,
    kafka_offset        Int64,
    index_in_message    UInt32,
    INDEX log_record_trace_id trace_id TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX log_record_fingerprint fingerprint_id TYPE bloom_filter(0.01) GRANULARITY 1
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMMDD(time)
ORDER BY (tenant, service_urn, time, kafka_partition, kafka_offset, index_in_message)
TTL toDateTime(time) + INTERVAL 30 DAY
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1;
