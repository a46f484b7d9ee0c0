-- Log records per 5 minutes and fingerprint (the twin of PostgreSQL's log_pattern_5m), written by the
-- logs pipeline. count_error: severity number >= 17 or an ERROR/FATAL severity text. Read with FINAL
-- (see 010_red_1m.sql); join log_pattern_current for the pattern text.

CREATE TABLE IF NOT EXISTS log_pattern_5m
(
    bucket            DateTime('UTC'),
    tenant            LowCardinality(String),
    service           LowCardinality(String),
    service_namespace LowCardinality(String),
    service_urn       LowCardinality(String),
    fingerprint_id    Int64,
    count_total       UInt64,
    count_error       UInt64,
    kafka_offsets     String CODEC(ZSTD(1)),
    version           UInt64
)
ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMMDD(bucket)
ORDER BY (tenant, service_urn, bucket, fingerprint_id)
TTL bucket + INTERVAL 180 DAY
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1;
