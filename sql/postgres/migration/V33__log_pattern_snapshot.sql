-- The event time of the dictionary snapshot a log_pattern row was last written from (issue 10, batch
-- backfill): the fingerprinter emits a pattern again at every window end where it changed, and rows
-- of one fingerprint may reach the sink out of order (a batch-mode exchange does reorder them). The
-- upsert takes pattern, aliases and merged_into from the row whose snapshot_time is the latest (a tie
-- keeps the later write, as before); the other columns only widen. Rows written before this version
-- have -infinity, so the next snapshot of their fingerprint sets them.

ALTER TABLE log_pattern
    ADD COLUMN IF NOT EXISTS snapshot_time TIMESTAMPTZ NOT NULL DEFAULT '-infinity';
