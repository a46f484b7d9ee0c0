-- Pipeline health: dead letters the job wrote, counted per minute, input topic, stage and kind
-- (undecodable | future | late) — the twin of PostgreSQL's dead_letter_1m. bucket = the minute of the
-- dead letter's time (the Kafka record timestamp for undecodable messages and future records, the
-- record's event time or its window's start for late ones). dead_letters is the minute's absolute
-- total so far, which only grows: the engine keeps the row with the greatest total (as PostgreSQL's
-- GREATEST upsert), so a replay or restart never lowers it. Read with FINAL, or
-- max(dead_letters) GROUP BY the sorting key. version: the writer's clock (not the engine's version).

CREATE TABLE IF NOT EXISTS dead_letter_1m
(
    bucket       DateTime('UTC'),
    source_topic LowCardinality(String),
    stage        LowCardinality(String),
    kind         LowCardinality(String),
    dead_letters UInt64,
    version      UInt64
)
ENGINE = ReplacingMergeTree(dead_letters)
PARTITION BY toYYYYMMDD(bucket)
ORDER BY (source_topic, stage, kind, bucket)
TTL bucket + INTERVAL 365 DAY
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1;
