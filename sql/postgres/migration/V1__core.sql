-- otlp-analytics core schema (plain PostgreSQL; TimescaleDB features are added by
-- TimescaleSetup when the extension is available, see sql/postgres/timescaledb.sql).
-- Ids are deterministic 63-bit hashes of the natural keys, so every writer computes the
-- same id without a lookup and replays write the same rows.

CREATE TABLE IF NOT EXISTS dim_tenant (
    tenant_id   BIGINT PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    first_seen  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS dim_resource (
    resource_id BIGINT PRIMARY KEY,
    urn         TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL,          -- svc | host | k8s | peer
    name        TEXT NOT NULL,
    namespace   TEXT,
    tenant_id   BIGINT REFERENCES dim_tenant (tenant_id),
    attributes  JSONB NOT NULL DEFAULT '{}'::jsonb,
    first_seen  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS kafka_locator (
    id          BIGINT PRIMARY KEY,
    topic       TEXT NOT NULL,
    partitions  INT[] NOT NULL,
    offset_from BIGINT[] NOT NULL,      -- per partition, same order as partitions
    offset_to   BIGINT[] NOT NULL,      -- inclusive
    time_from   TIMESTAMPTZ NOT NULL,
    time_to     TIMESTAMPTZ NOT NULL
);

CREATE TABLE IF NOT EXISTS red_1m (
    bucket          TIMESTAMPTZ NOT NULL,
    tenant_id       BIGINT NOT NULL,
    resource_id     BIGINT NOT NULL,
    operation       TEXT NOT NULL,
    span_kind       TEXT NOT NULL,
    status          TEXT NOT NULL,
    calls           BIGINT NOT NULL,
    errors          BIGINT NOT NULL,
    duration_sum_ms DOUBLE PRECISION NOT NULL,
    p50_ms          DOUBLE PRECISION NOT NULL,
    p95_ms          DOUBLE PRECISION NOT NULL,
    p99_ms          DOUBLE PRECISION NOT NULL,
    distinct_traces DOUBLE PRECISION NOT NULL,
    duration_kll    BYTEA NOT NULL,     -- DataSketches KllDoublesSketch, milliseconds
    trace_hll       BYTEA NOT NULL,     -- DataSketches HllSketch (HLL_4) of trace ids
    sample_ref      BIGINT,             -- kafka_locator.id
    PRIMARY KEY (bucket, tenant_id, resource_id, operation, span_kind, status)
);
CREATE INDEX IF NOT EXISTS red_1m_resource_bucket ON red_1m (resource_id, bucket DESC);
