-- The log pattern dictionary (the twin of PostgreSQL's log_pattern), written by the logs pipeline.
--
-- Unlike the other tables this one keeps one row per emission of a pattern (one per 5-minute window in
-- which it changed: last_seen is in the sorting key), because PostgreSQL merges a rewritten pattern
-- order-insensitively (first_seen only widens, the sample is the earliest record, the severity the
-- highest), so a replay of a sub-range never narrows it. Read it collapsed, as the view
-- log_pattern_current (090_views.sql) does: GROUP BY fingerprint_id with min(first_seen),
-- max(last_seen), argMin(sample, (sample_time, sample_partition, sample_offset)),
-- max(severity_number) and argMax(pattern | aliases | merged_into, version). Those aggregates ignore
-- duplicate rows, so this read is duplicate-free with or without FINAL.
-- Here version is not the writer's clock but the event time (ns) of the fingerprinter's snapshot the
-- row is (LogPatternRow.snapshotMillis): rows of one fingerprint can reach the writers out of the
-- order emitted (a batch backfill's exchange reorders them), and the newest snapshot must win both in
-- argMax and in the replacing merge of two rows with one last_seen. Rows written before this rule
-- carry the wall clock of their write and win until the pattern's snapshots pass that time.
-- fingerprint_id is the signed 64-bit TemplateFingerprint; print it as 16 hex digits in the client.

CREATE TABLE IF NOT EXISTS log_pattern
(
    fingerprint_id    Int64,
    tenant            LowCardinality(String),
    service           LowCardinality(String),
    service_namespace LowCardinality(String),
    service_urn       LowCardinality(String),
    pattern           String CODEC(ZSTD(1)),
    sample            String CODEC(ZSTD(1)),
    sample_time       DateTime64(9, 'UTC'),
    sample_partition  Int32,
    sample_offset     Int64,
    severity_number   UInt8,
    severity_text     LowCardinality(Nullable(String)),
    first_seen        DateTime64(3, 'UTC'),
    last_seen         DateTime64(3, 'UTC'),
    aliases           Array(Int64),
    merged_into       Nullable(Int64),
    version           UInt64
)
ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(last_seen)
ORDER BY (tenant, service_urn, fingerprint_id, last_seen)
TTL toDateTime(last_seen) + INTERVAL 180 DAY
SETTINGS index_granularity = 8192;
