-- Incidents: what the detector (operators/incidents) found, and the evidence behind each.
-- Written exactly once like every other table: event_id is a hash of (tenant, resource, kind,
-- signal, peer, opening minute), rows are upserts (an incident row is rewritten when it gets
-- worse and when it closes; closed_at stays NULL while it is open).
CREATE TABLE IF NOT EXISTS event_envelope (
    event_id        BIGINT PRIMARY KEY,
    tenant_id       BIGINT NOT NULL,
    resource_id     BIGINT NOT NULL,      -- the service (or host); for an edge incident its caller
    peer_resource_id BIGINT,              -- the callee of an edge incident
    kind            TEXT NOT NULL,        -- service | edge | resource
    signal          TEXT NOT NULL,        -- rate | errors | latency | utilization | saturation
    severity        TEXT NOT NULL,        -- warning | critical
    title           TEXT NOT NULL,
    summary         TEXT NOT NULL,        -- one line with the numbers
    opened_at       TIMESTAMPTZ NOT NULL, -- start of the first step that breached
    closed_at       TIMESTAMPTZ,          -- end of the last step that breached; NULL while open
    baseline        DOUBLE PRECISION NOT NULL,
    observed        DOUBLE PRECISION NOT NULL,
    deviations      DOUBLE PRECISION NOT NULL,  -- at the worst step (the level's ratio for USE)
    labels          JSONB NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS event_envelope_open ON event_envelope (tenant_id, opened_at DESC);
CREATE INDEX IF NOT EXISTS event_envelope_resource ON event_envelope (tenant_id, resource_id, opened_at DESC);

-- Evidence of an incident. dim says what ref names:
--   red_1m          '<minute ISO>|<operation>|<span_kind>|<status>' of the incident's service (a row that crossed)
--   kafka_locator   kafka_locator.id of such a minute: the way back to the raw spans
--   log_pattern     log_pattern.fingerprint_id (16 hex digits) whose error count rose during the incident
--   downstream_edge 'most_changed': detail names the callee whose latency or errors changed most
CREATE TABLE IF NOT EXISTS evidence_link (
    event_id  BIGINT NOT NULL,
    dim       TEXT NOT NULL,
    ref       TEXT NOT NULL,
    tenant_id BIGINT NOT NULL,
    detail    TEXT,
    score     DOUBLE PRECISION NOT NULL DEFAULT 0,
    PRIMARY KEY (event_id, dim, ref)
);
