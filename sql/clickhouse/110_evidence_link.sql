-- Evidence of an incident (the twin of PostgreSQL's evidence_link), keyed by (event_id, dim, ref); dim
-- says what ref names: red_1m ('<minute ISO>|<operation>|<span_kind>|<status>' of a row that crossed),
-- kafka_locator (PostgreSQL's kafka_locator id of such a minute; here the red_1m row that evidence
-- names carries the same Kafka range in kafka_offsets, the way back to the raw spans), log_pattern (a
-- fingerprint, 16 hex digits, whose error count rose) and downstream_edge ('most_changed': detail names
-- the callee whose latency or errors changed most). Rewritten as the incident grows: read with FINAL
-- (see 010_red_1m.sql); join event_envelope FINAL on (tenant, event_id).

CREATE TABLE IF NOT EXISTS evidence_link
(
    event_id Int64,
    tenant   LowCardinality(String),
    dim      LowCardinality(String),
    ref      String,
    detail   Nullable(String),
    score    Float64,
    version  UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (tenant, event_id, dim, ref)
SETTINGS index_granularity = 8192;
