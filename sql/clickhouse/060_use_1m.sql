-- USE per resource and minute (the twin of PostgreSQL's use_1m), written by the metrics pipeline:
-- utilization 0..1 (the busiest component), saturation >= 0 (1 = demand equals capacity), errors per
-- second, and the contributing rules. Read with FINAL (see 010_red_1m.sql).

CREATE TABLE IF NOT EXISTS use_1m
(
    bucket                DateTime('UTC'),
    tenant                LowCardinality(String),
    resource_urn          LowCardinality(String),
    resource_kind         LowCardinality(String),
    utilization           Nullable(Float64),
    utilization_component LowCardinality(Nullable(String)),
    saturation            Nullable(Float64),
    saturation_component  LowCardinality(Nullable(String)),
    errors_per_s          Nullable(Float64),
    contributors          Array(String),
    version               UInt64
)
ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMMDD(bucket)
ORDER BY (tenant, resource_urn, bucket)
TTL bucket + INTERVAL 180 DAY
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1;
