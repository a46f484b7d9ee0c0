-- Service-call edges: 5-minute edge metrics, temporal topology and the relational live graph.
-- Plain PostgreSQL; with TimescaleDB, service_call_5m becomes a hypertable (timescaledb.sql).
-- Resources (services and uninstrumented peers, urn:peer:<system>/<address>) are dim_resource
-- rows; every id is the deterministic hash the writers compute (see V1__core.sql).

-- One row per 5-minute bucket and directed edge. p50/p95/p99, duration_sum_ms and
-- duration_kll are client-side (what the caller waited) when the caller is instrumented,
-- else server-side (duration_side says which); server_* are the callee's own durations
-- whenever the callee is instrumented (NULL for a database, cache, broker or external host).
CREATE TABLE IF NOT EXISTS service_call_5m (
    bucket          TIMESTAMPTZ NOT NULL,
    tenant_id       BIGINT NOT NULL,
    src_resource_id BIGINT NOT NULL,
    dst_resource_id BIGINT NOT NULL,
    connection_type TEXT NOT NULL,      -- request | database | messaging_system, comma-joined when mixed
    calls           BIGINT NOT NULL,
    errors          BIGINT NOT NULL,
    rps             DOUBLE PRECISION NOT NULL,
    err_rate        DOUBLE PRECISION NOT NULL,
    duration_side   TEXT NOT NULL,      -- client | server
    p50_ms          DOUBLE PRECISION NOT NULL,
    p95_ms          DOUBLE PRECISION NOT NULL,
    p99_ms          DOUBLE PRECISION NOT NULL,
    duration_sum_ms DOUBLE PRECISION NOT NULL,
    duration_kll    BYTEA NOT NULL,     -- DataSketches KllDoublesSketch, milliseconds
    server_calls    BIGINT NOT NULL,
    server_p50_ms   DOUBLE PRECISION,
    server_p95_ms   DOUBLE PRECISION,
    server_kll      BYTEA,
    first_seen      TIMESTAMPTZ NOT NULL,
    last_seen       TIMESTAMPTZ NOT NULL,
    sample_trace_id TEXT,               -- one call's trace (a failed one when errors > 0)
    sample_ref      BIGINT,             -- kafka_locator.id: the spans behind the row
    PRIMARY KEY (bucket, tenant_id, src_resource_id, dst_resource_id)
);
CREATE INDEX IF NOT EXISTS service_call_5m_src ON service_call_5m (tenant_id, src_resource_id, bucket DESC);
CREATE INDEX IF NOT EXISTS service_call_5m_dst ON service_call_5m (tenant_id, dst_resource_id, bucket DESC);

-- Validity intervals of edges. An interval opens at the first call and closes when the edge
-- has not been called for edges.topology.idle-timeout; open rows have no upper bound, closed
-- rows are [first call, last call]. An interval is identified by its lower bound, so closing
-- it rewrites its open row.
CREATE TABLE IF NOT EXISTS topo_edge_time (
    tenant_id       BIGINT NOT NULL,
    src_resource_id BIGINT NOT NULL,
    dst_resource_id BIGINT NOT NULL,
    relation        TEXT NOT NULL,      -- calls
    valid           TSTZRANGE NOT NULL,
    connection_type TEXT NOT NULL,
    CONSTRAINT topo_edge_time_bounded_below CHECK (NOT isempty(valid) AND NOT lower_inf(valid))
);
CREATE UNIQUE INDEX IF NOT EXISTS topo_edge_time_key
    ON topo_edge_time (tenant_id, src_resource_id, dst_resource_id, relation, (lower(valid)));
CREATE INDEX IF NOT EXISTS topo_edge_time_valid ON topo_edge_time USING gist (valid);

-- The live graph (edges called within edges.live.window, default the last 10 minutes of event
-- time), kept whether or not Apache AGE is installed; with AGE the same graph is also in the
-- graph 'ops'. Rows leave when the edge has been idle for the window.
CREATE TABLE IF NOT EXISTS live_edge (
    tenant_id       BIGINT NOT NULL,
    src_resource_id BIGINT NOT NULL,
    dst_resource_id BIGINT NOT NULL,
    connection_type TEXT NOT NULL,
    first_seen      TIMESTAMPTZ NOT NULL,
    last_seen       TIMESTAMPTZ NOT NULL,
    calls           BIGINT NOT NULL,
    errors          BIGINT NOT NULL,
    rps             DOUBLE PRECISION NOT NULL,
    err_rate        DOUBLE PRECISION NOT NULL,
    p95_ms          DOUBLE PRECISION NOT NULL,
    as_of           TIMESTAMPTZ NOT NULL,   -- event time the properties are as of
    PRIMARY KEY (tenant_id, src_resource_id, dst_resource_id)
);
CREATE INDEX IF NOT EXISTS live_edge_dst ON live_edge (tenant_id, dst_resource_id);
