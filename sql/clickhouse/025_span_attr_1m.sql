-- Top-K and distinct counts of configured span dimensions per service and minute (the twin of
-- PostgreSQL's span_attr_1m), written by the red pipeline. Dimensions: error.route, error.type,
-- slow.peer and any --red-attributes key. items/counts: the most frequent values, most frequent
-- first, counts exact for the values listed; max_error bounds what is not listed (a listed value's
-- true count is in [count, count + max_error], an unlisted one's at most max_error). A range merges
-- by summing counts per item (and max_error). hll_regs: packed HLL registers of the values
-- (register*64 + value, lgK 11, as red_1m.trace_hll_regs); hll/items_sketch the DataSketches forms.
-- Read with FINAL (see 010_red_1m.sql).

CREATE TABLE IF NOT EXISTS span_attr_1m
(
    bucket            DateTime('UTC'),
    tenant            LowCardinality(String),
    service           LowCardinality(String),
    service_namespace LowCardinality(String),
    service_urn       LowCardinality(String),
    attribute         LowCardinality(String),
    spans             UInt64,
    items             Array(String),
    counts            Array(UInt64),
    max_error         UInt64,
    distinct_values   Float64,
    hll_regs          Array(UInt32),
    hll               String CODEC(ZSTD(1)),
    items_sketch      String CODEC(ZSTD(1)),
    kafka_offsets     String CODEC(ZSTD(1)),
    version           UInt64
)
ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMMDD(bucket)
ORDER BY (tenant, service_urn, bucket, attribute)
TTL bucket + INTERVAL 90 DAY
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1;
