-- Incidents (the twin of PostgreSQL's event_envelope), written by the incidents pipeline: one row per
-- incident, keyed by its deterministic event_id (a hash of tenant, resource, kind, signal, peer and
-- opening minute, so a replay or a restart finds the same incidents). An incident is written again when
-- its worst step gets worse and when it closes; read with FINAL (see 010_red_1m.sql): the row with the
-- highest version is the latest state, as PostgreSQL's upsert keeps it. closed_at is NULL while open.
-- Names instead of ids: resource_urn is the service (or host); for an edge incident its caller, and
-- peer_urn the callee (NULL for other kinds).

CREATE TABLE IF NOT EXISTS event_envelope
(
    event_id      Int64,
    tenant        LowCardinality(String),
    resource_urn  LowCardinality(String),
    resource_name LowCardinality(String),
    peer_urn      LowCardinality(Nullable(String)),
    peer_name     LowCardinality(Nullable(String)),
    kind          LowCardinality(String),
    signal        LowCardinality(String),
    severity      LowCardinality(String),
    title         String,
    summary       String,
    opened_at     DateTime64(3, 'UTC'),
    closed_at     Nullable(DateTime64(3, 'UTC')),
    baseline      Float64,
    observed      Float64,
    deviations    Float64,
    version       UInt64
)
ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(opened_at)
ORDER BY (tenant, opened_at, event_id)
SETTINGS index_granularity = 8192;
