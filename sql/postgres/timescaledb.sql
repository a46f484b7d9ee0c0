-- TimescaleDB layer, applied by TimescaleSetup only when the extension can be created
-- (TimescaleDB 2.x; 2.28.3 is the last release for PostgreSQL 15). Idempotent: safe to
-- run at every start. One statement per ';' at a line end.
CREATE EXTENSION IF NOT EXISTS timescaledb;

SELECT create_hypertable('red_1m', by_range('bucket', INTERVAL '1 day'), if_not_exists => TRUE, migrate_data => TRUE);
ALTER TABLE red_1m SET (timescaledb.compress, timescaledb.compress_segmentby = 'tenant_id, resource_id', timescaledb.compress_orderby = 'bucket DESC, operation, span_kind, status');
SELECT add_compression_policy('red_1m', INTERVAL '7 days', if_not_exists => TRUE);
SELECT add_retention_policy('red_1m', INTERVAL '90 days', if_not_exists => TRUE);

-- hourly roll-up of RED; quantiles are re-derived by merging duration_kll in Flink or with
-- the DataSketches extension, so the aggregate keeps counts and sums
CREATE MATERIALIZED VIEW IF NOT EXISTS red_1h WITH (timescaledb.continuous) AS
SELECT time_bucket(INTERVAL '1 hour', bucket) AS bucket, tenant_id, resource_id, operation, span_kind, status,
       sum(calls) AS calls, sum(errors) AS errors, sum(duration_sum_ms) AS duration_sum_ms, max(p99_ms) AS max_p99_ms
FROM red_1m GROUP BY 1, 2, 3, 4, 5, 6 WITH NO DATA;
SELECT add_continuous_aggregate_policy('red_1h', start_offset => INTERVAL '3 hours', end_offset => INTERVAL '1 hour', schedule_interval => INTERVAL '30 minutes', if_not_exists => TRUE);

-- service_call_5m (issue 3): 5-minute edge metrics, kept a year
SELECT create_hypertable('service_call_5m', by_range('bucket', INTERVAL '7 days'), if_not_exists => TRUE, migrate_data => TRUE);
ALTER TABLE service_call_5m SET (timescaledb.compress, timescaledb.compress_segmentby = 'tenant_id, src_resource_id, dst_resource_id', timescaledb.compress_orderby = 'bucket DESC');
SELECT add_compression_policy('service_call_5m', INTERVAL '7 days', if_not_exists => TRUE);
SELECT add_retention_policy('service_call_5m', INTERVAL '365 days', if_not_exists => TRUE);

-- hourly roll-up of the edges; quantiles are re-derived by merging duration_kll
CREATE MATERIALIZED VIEW IF NOT EXISTS service_call_1h WITH (timescaledb.continuous) AS
SELECT time_bucket(INTERVAL '1 hour', bucket) AS bucket, tenant_id, src_resource_id, dst_resource_id,
       sum(calls) AS calls, sum(errors) AS errors, sum(calls) / 3600.0 AS rps, max(p95_ms) AS max_p95_ms
FROM service_call_5m GROUP BY 1, 2, 3, 4 WITH NO DATA;
SELECT add_continuous_aggregate_policy('service_call_1h', start_offset => INTERVAL '3 hours', end_offset => INTERVAL '1 hour', schedule_interval => INTERVAL '30 minutes', if_not_exists => TRUE);

-- metrics: metric_1m and use_1m (180 days)
SELECT create_hypertable('metric_1m', by_range('bucket', INTERVAL '1 day'), if_not_exists => TRUE, migrate_data => TRUE);
ALTER TABLE metric_1m SET (timescaledb.compress, timescaledb.compress_segmentby = 'tenant_id, resource_id', timescaledb.compress_orderby = 'bucket DESC, metric, labels_hash');
SELECT add_compression_policy('metric_1m', INTERVAL '7 days', if_not_exists => TRUE);
SELECT add_retention_policy('metric_1m', INTERVAL '180 days', if_not_exists => TRUE);
SELECT create_hypertable('use_1m', by_range('bucket', INTERVAL '1 day'), if_not_exists => TRUE, migrate_data => TRUE);
ALTER TABLE use_1m SET (timescaledb.compress, timescaledb.compress_segmentby = 'tenant_id, resource_id', timescaledb.compress_orderby = 'bucket DESC');
SELECT add_compression_policy('use_1m', INTERVAL '7 days', if_not_exists => TRUE);
SELECT add_retention_policy('use_1m', INTERVAL '180 days', if_not_exists => TRUE);

-- hourly roll-up of metric_1m: avg weighted by points, extremes, totals; p95 over the hour is
-- re-derived by merging value_kll (levels, rates) or the buckets (histograms)
CREATE MATERIALIZED VIEW IF NOT EXISTS metric_1h WITH (timescaledb.continuous) AS
SELECT time_bucket(INTERVAL '1 hour', bucket) AS bucket, tenant_id, resource_id, metric, labels_hash,
       sum(points) AS points, sum(avg * points) / NULLIF(sum(points), 0) AS avg, min(min) AS min, max(max) AS max,
       max(p95) AS max_p95, sum(total) AS total, sum(count) AS count, sum(sum) AS sum
FROM metric_1m GROUP BY 1, 2, 3, 4, 5 WITH NO DATA;
SELECT add_continuous_aggregate_policy('metric_1h', start_offset => INTERVAL '3 hours', end_offset => INTERVAL '1 hour', schedule_interval => INTERVAL '30 minutes', if_not_exists => TRUE);

-- log_pattern_5m (issue 4): 5-minute counts per log fingerprint, kept 180 days
SELECT create_hypertable('log_pattern_5m', by_range('bucket', INTERVAL '1 day'), if_not_exists => TRUE, migrate_data => TRUE);
ALTER TABLE log_pattern_5m SET (timescaledb.compress, timescaledb.compress_segmentby = 'tenant_id, resource_id', timescaledb.compress_orderby = 'bucket DESC, fingerprint_id');
SELECT add_compression_policy('log_pattern_5m', INTERVAL '7 days', if_not_exists => TRUE);
SELECT add_retention_policy('log_pattern_5m', INTERVAL '180 days', if_not_exists => TRUE);

-- hourly roll-up of the pattern counts
CREATE MATERIALIZED VIEW IF NOT EXISTS log_pattern_1h WITH (timescaledb.continuous) AS
SELECT time_bucket(INTERVAL '1 hour', bucket) AS bucket, tenant_id, resource_id, fingerprint_id,
       sum(count_total) AS count_total, sum(count_error) AS count_error
FROM log_pattern_5m GROUP BY 1, 2, 3, 4 WITH NO DATA;
SELECT add_continuous_aggregate_policy('log_pattern_1h', start_offset => INTERVAL '3 hours', end_offset => INTERVAL '1 hour', schedule_interval => INTERVAL '30 minutes', if_not_exists => TRUE);
