-- RED per minute (the ClickHouse twin of PostgreSQL's red_1m), written by the red pipeline.
--
-- Written for current ClickHouse and run unchanged there; older servers (18.16, as Debian ships it)
-- get a form derived at start by ClickHouseDdl (LowCardinality, CODEC, TTL, SETTINGS they lack are
-- dropped). The database is chosen by the caller (HTTP parameter, clickhouse-client --database), never
-- named here. One statement per ';' at a line end.
--
-- Read rule (every table here): rows are written at least once (again after a restart or a replay),
-- with the same sorting key; ReplacingMergeTree collapses them in background merges, so a query must
-- read with FINAL (or collapse itself with argMax(column, version) GROUP BY the sorting key). The row
-- with the highest version wins: version is the writer's clock when it wrote the row, so the latest
-- emission of a row (a late record rewrites its minute) wins, as PostgreSQL's upsert does.
--
-- Names instead of surrogate ids: tenant, service and URNs are stored in every row (LowCardinality),
-- which is what a Grafana panel filters and groups on. kafka_offsets names the records behind the row
-- (topic:partition:from-to,..., the --offsets form of a replay).
--
-- Sketches plain SQL merges (issue 9; the same forms and conventions as PostgreSQL's red_1m, see
-- sql/postgres/migration/V31__sql_sketches.sql): duration_idx/duration_cnt the sparse log histogram
-- (bucket i holds (γ^(i-1), γ^i], γ = 1.005/0.995, value 2γ^i/(γ+1); -2147483648 the zero bucket),
-- merged by sumMap(duration_idx, duration_cnt); duration_min_ms/duration_max_ms the exact bounds that
-- clamp a quantile; trace_hll_regs the packed HLL registers (register*64 + value, lgK 11), merged by
-- the maximum per register. sql/clickhouse/range/ reads them. Rows written before have empty arrays.

CREATE TABLE IF NOT EXISTS red_1m
(
    bucket            DateTime('UTC'),
    tenant            LowCardinality(String),
    service           LowCardinality(String),
    service_namespace LowCardinality(String),
    service_urn       LowCardinality(String),
    operation         String,
    span_kind         LowCardinality(String),
    status            LowCardinality(String),
    calls             UInt64,
    errors            UInt64,
    duration_sum_ms   Float64,
    p50_ms            Float64,
    p95_ms            Float64,
    p99_ms            Float64,
    distinct_traces   Float64,
    duration_kll      String CODEC(ZSTD(1)),
    trace_hll         String CODEC(ZSTD(1)),
    duration_min_ms   Nullable(Float64),
    duration_max_ms   Nullable(Float64),
    duration_idx      Array(Int32),
    duration_cnt      Array(UInt64),
    trace_hll_regs    Array(UInt32),
    kafka_offsets     String CODEC(ZSTD(1)),
    version           UInt64
)
ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMMDD(bucket)
ORDER BY (tenant, service_urn, bucket, operation, span_kind, status)
TTL bucket + INTERVAL 90 DAY
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1;

-- A table created by an earlier version gets the columns here (the job's schema step adds only the
-- missing ones on servers without ADD COLUMN IF NOT EXISTS, such as 18.16).
ALTER TABLE red_1m
    ADD COLUMN IF NOT EXISTS duration_min_ms Nullable(Float64),
    ADD COLUMN IF NOT EXISTS duration_max_ms Nullable(Float64),
    ADD COLUMN IF NOT EXISTS duration_idx Array(Int32),
    ADD COLUMN IF NOT EXISTS duration_cnt Array(UInt64),
    ADD COLUMN IF NOT EXISTS trace_hll_regs Array(UInt32);
