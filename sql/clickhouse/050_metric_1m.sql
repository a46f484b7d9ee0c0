-- Metrics per minute, resource, metric and attribute set (the twin of PostgreSQL's metric_1m), written
-- by the metrics pipeline. resource_urn is urn:host:<host.name> for system.* metrics, else the
-- service; service/service_urn name the reporting service. What avg/min/max/p95 mean depends on kind
-- (level | rate | histogram | exponential_histogram | summary), see the README. Histogram buckets are
-- arrays, so hours and days merge exactly in SQL (sumForEach(bucket_counts) per bucket_bounds).
-- value_idx/value_cnt: the values as a signed log histogram (0.5% buckets; the mapping and error
-- bounds are in sql/postgres/migration/V32__metric_loghist.sql): merged by summing counts per index,
-- so any range's quantiles come from plain SQL (range/metric_range.sql).
-- Read with FINAL (see 010_red_1m.sql).

CREATE TABLE IF NOT EXISTS metric_1m
(
    bucket              DateTime('UTC'),
    tenant              LowCardinality(String),
    resource_urn        LowCardinality(String),
    service             LowCardinality(String),
    service_urn         LowCardinality(String),
    metric              LowCardinality(String),
    labels_hash         Int64,
    labels              Map(LowCardinality(String), String),
    unit                LowCardinality(String),
    metric_type         LowCardinality(String),
    kind                LowCardinality(String),
    points              UInt64,
    avg                 Nullable(Float64),
    min                 Nullable(Float64),
    max                 Nullable(Float64),
    p95                 Nullable(Float64),
    last                Nullable(Float64),
    total               Nullable(Float64),
    rate                Nullable(Float64),
    count               UInt64,
    sum                 Nullable(Float64),
    value_kll           Nullable(String) CODEC(ZSTD(1)),
    bucket_bounds       Array(Float64),
    bucket_counts       Array(UInt64),
    exp_scale           Int32,
    exp_zero_count      UInt64,
    exp_positive_offset Int32,
    exp_positive_counts Array(UInt64),
    exp_negative_offset Int32,
    exp_negative_counts Array(UInt64),
    value_idx           Array(Int32),
    value_cnt           Array(UInt64),
    kafka_offsets       String CODEC(ZSTD(1)),
    version             UInt64
)
ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMMDD(bucket)
ORDER BY (tenant, resource_urn, metric, bucket, labels_hash)
TTL bucket + INTERVAL 180 DAY
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1;

-- Tables created before the value histogram get its columns in place (empty arrays in old rows).
ALTER TABLE metric_1m ADD COLUMN IF NOT EXISTS value_idx Array(Int32);
ALTER TABLE metric_1m ADD COLUMN IF NOT EXISTS value_cnt Array(UInt64);
