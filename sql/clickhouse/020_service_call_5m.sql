-- Service-call edges per 5 minutes (the twin of PostgreSQL's service_call_5m), written by the edges
-- pipeline. caller/callee are service names or the peer's name (redis, postgresql, kafka, user);
-- *_virtual = 1 for an uninstrumented peer. p50/p95/p99, duration_sum_ms and duration_kll are
-- client-side when the caller is instrumented, else server-side (duration_side); server_* are the
-- callee's own durations when it is instrumented (NULL otherwise). Read with FINAL (see 010_red_1m.sql).
-- duration_idx/duration_cnt (and server_idx/server_cnt, empty for a virtual callee) are the log
-- histograms SQL merges, with their exact min/max, as in red_1m.

CREATE TABLE IF NOT EXISTS service_call_5m
(
    bucket          DateTime('UTC'),
    tenant          LowCardinality(String),
    caller          LowCardinality(String),
    caller_urn      LowCardinality(String),
    caller_virtual  UInt8,
    callee          LowCardinality(String),
    callee_urn      LowCardinality(String),
    callee_virtual  UInt8,
    connection_type LowCardinality(String),
    calls           UInt64,
    errors          UInt64,
    rps             Float64,
    err_rate        Float64,
    duration_side   LowCardinality(String),
    p50_ms          Float64,
    p95_ms          Float64,
    p99_ms          Float64,
    duration_sum_ms Float64,
    duration_kll    String CODEC(ZSTD(1)),
    server_calls    UInt64,
    server_p50_ms   Nullable(Float64),
    server_p95_ms   Nullable(Float64),
    server_kll      Nullable(String) CODEC(ZSTD(1)),
    duration_min_ms Nullable(Float64),
    duration_max_ms Nullable(Float64),
    duration_idx    Array(Int32),
    duration_cnt    Array(UInt64),
    server_min_ms   Nullable(Float64),
    server_max_ms   Nullable(Float64),
    server_idx      Array(Int32),
    server_cnt      Array(UInt64),
    first_seen      DateTime64(3, 'UTC'),
    last_seen       DateTime64(3, 'UTC'),
    sample_trace_id String,
    kafka_offsets   String CODEC(ZSTD(1)),
    version         UInt64
)
ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMMDD(bucket)
ORDER BY (tenant, caller_urn, callee_urn, bucket)
TTL bucket + INTERVAL 365 DAY
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1;

ALTER TABLE service_call_5m
    ADD COLUMN IF NOT EXISTS duration_min_ms Nullable(Float64),
    ADD COLUMN IF NOT EXISTS duration_max_ms Nullable(Float64),
    ADD COLUMN IF NOT EXISTS duration_idx Array(Int32),
    ADD COLUMN IF NOT EXISTS duration_cnt Array(UInt64),
    ADD COLUMN IF NOT EXISTS server_min_ms Nullable(Float64),
    ADD COLUMN IF NOT EXISTS server_max_ms Nullable(Float64),
    ADD COLUMN IF NOT EXISTS server_idx Array(Int32),
    ADD COLUMN IF NOT EXISTS server_cnt Array(UInt64);
