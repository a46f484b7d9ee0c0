-- TimescaleDB layer, applied by TimescaleSetup only when the extension can be created
-- (TimescaleDB 2.x; 2.28.3 is the last release for PostgreSQL 15). Idempotent: safe to
-- run at every start. One statement per ';' at a line end.
CREATE EXTENSION IF NOT EXISTS timescaledb;

SELECT create_hypertable('red_1m', by_range('bucket', INTERVAL '1 day'), if_not_exists => TRUE, migrate_data => TRUE);
ALTER TABLE red_1m SET (timescaledb.compress, timescaledb.compress_segmentby = 'tenant_id, resource_id', timescaledb.compress_orderby = 'bucket DESC');
SELECT add_compression_policy('red_1m', INTERVAL '7 days', if_not_exists => TRUE);
SELECT add_retention_policy('red_1m', INTERVAL '90 days', if_not_exists => TRUE);

-- hourly roll-up of RED; quantiles are re-derived by merging duration_kll in Flink or with
-- the DataSketches extension, so the aggregate keeps counts and sums
CREATE MATERIALIZED VIEW IF NOT EXISTS red_1h WITH (timescaledb.continuous) AS
SELECT time_bucket(INTERVAL '1 hour', bucket) AS bucket, tenant_id, resource_id, operation, span_kind, status,
       sum(calls) AS calls, sum(errors) AS errors, sum(duration_sum_ms) AS duration_sum_ms, max(p99_ms) AS max_p99_ms
FROM red_1m GROUP BY 1, 2, 3, 4, 5, 6 WITH NO DATA;
SELECT add_continuous_aggregate_policy('red_1h', start_offset => INTERVAL '3 hours', end_offset => INTERVAL '1 hour', schedule_interval => INTERVAL '30 minutes', if_not_exists => TRUE);
