-- TimescaleDB layer, applied by TimescaleSetup only when the extension can be created
-- (TimescaleDB 2.x; 2.28.3 is the last release for PostgreSQL 15). Idempotent: safe to
-- run at every start. One statement per ';' at a line end (outside $$-quoted bodies).
CREATE EXTENSION IF NOT EXISTS timescaledb;

SELECT create_hypertable('red_1m', by_range('bucket', INTERVAL '1 day'), if_not_exists => TRUE, migrate_data => TRUE);
ALTER TABLE red_1m SET (timescaledb.compress, timescaledb.compress_segmentby = 'tenant_id, resource_id', timescaledb.compress_orderby = 'bucket DESC, operation, span_kind, status');
SELECT add_compression_policy('red_1m', INTERVAL '7 days', if_not_exists => TRUE);
SELECT add_retention_policy('red_1m', INTERVAL '90 days', if_not_exists => TRUE);


-- service_call_5m (issue 3): 5-minute edge metrics, kept a year
SELECT create_hypertable('service_call_5m', by_range('bucket', INTERVAL '7 days'), if_not_exists => TRUE, migrate_data => TRUE);
ALTER TABLE service_call_5m SET (timescaledb.compress, timescaledb.compress_segmentby = 'tenant_id, src_resource_id, dst_resource_id', timescaledb.compress_orderby = 'bucket DESC');
SELECT add_compression_policy('service_call_5m', INTERVAL '7 days', if_not_exists => TRUE);
SELECT add_retention_policy('service_call_5m', INTERVAL '365 days', if_not_exists => TRUE);


-- metrics: metric_1m and use_1m (180 days)
SELECT create_hypertable('metric_1m', by_range('bucket', INTERVAL '1 day'), if_not_exists => TRUE, migrate_data => TRUE);
ALTER TABLE metric_1m SET (timescaledb.compress, timescaledb.compress_segmentby = 'tenant_id, resource_id', timescaledb.compress_orderby = 'bucket DESC, metric, labels_hash');
SELECT add_compression_policy('metric_1m', INTERVAL '7 days', if_not_exists => TRUE);
SELECT add_retention_policy('metric_1m', INTERVAL '180 days', if_not_exists => TRUE);
SELECT create_hypertable('use_1m', by_range('bucket', INTERVAL '1 day'), if_not_exists => TRUE, migrate_data => TRUE);
ALTER TABLE use_1m SET (timescaledb.compress, timescaledb.compress_segmentby = 'tenant_id, resource_id', timescaledb.compress_orderby = 'bucket DESC');
SELECT add_compression_policy('use_1m', INTERVAL '7 days', if_not_exists => TRUE);
SELECT add_retention_policy('use_1m', INTERVAL '180 days', if_not_exists => TRUE);


-- log_pattern_5m (issue 4): 5-minute counts per log fingerprint, kept 180 days
SELECT create_hypertable('log_pattern_5m', by_range('bucket', INTERVAL '1 day'), if_not_exists => TRUE, migrate_data => TRUE);
ALTER TABLE log_pattern_5m SET (timescaledb.compress, timescaledb.compress_segmentby = 'tenant_id, resource_id', timescaledb.compress_orderby = 'bucket DESC, fingerprint_id');
SELECT add_compression_policy('log_pattern_5m', INTERVAL '7 days', if_not_exists => TRUE);
SELECT add_retention_policy('log_pattern_5m', INTERVAL '180 days', if_not_exists => TRUE);


-- span_attr_1m and dead_letter_1m (issue 9)
SELECT create_hypertable('span_attr_1m', by_range('bucket', INTERVAL '1 day'), if_not_exists => TRUE, migrate_data => TRUE);
ALTER TABLE span_attr_1m SET (timescaledb.compress, timescaledb.compress_segmentby = 'tenant_id, resource_id', timescaledb.compress_orderby = 'bucket DESC, attribute');
SELECT add_compression_policy('span_attr_1m', INTERVAL '7 days', if_not_exists => TRUE);
SELECT add_retention_policy('span_attr_1m', INTERVAL '90 days', if_not_exists => TRUE);
SELECT create_hypertable('dead_letter_1m', by_range('bucket', INTERVAL '7 days'), if_not_exists => TRUE, migrate_data => TRUE);
SELECT add_retention_policy('dead_letter_1m', INTERVAL '365 days', if_not_exists => TRUE);

-- Roll-ups (issue 9): hourly and daily continuous aggregates that merge the minutes' histograms,
-- HLL registers and counts exactly (the functions of V31), so an hourly p95 is the p95 of the hour.
-- They replace the plain views of the same names that V31 creates, and the hourly aggregates of
-- earlier releases that kept a max of the minutes' quantiles. Real-time: a query also sees the
-- minutes not materialized yet. The policies re-materialize changes up to 7 days (hourly) and 35
-- days (daily) back; after a replay of an older range, refresh it by hand:
--   CALL refresh_continuous_aggregate('red_1h', '2026-03-01', '2026-03-02');  -- then red_1d
DO $do$
DECLARE
    v TEXT;
BEGIN
    -- the plain views (daily first: nothing depends on them)
    FOREACH v IN ARRAY ARRAY['red_1d', 'service_call_1d', 'log_pattern_1d', 'metric_1d', 'red_1h', 'service_call_1h', 'log_pattern_1h', 'metric_1h'] LOOP
        IF EXISTS (SELECT 1 FROM pg_views WHERE viewname = v AND schemaname = current_schema())
           AND NOT EXISTS (SELECT 1 FROM timescaledb_information.continuous_aggregates WHERE view_name = v) THEN
            EXECUTE format('DROP VIEW %I', v);
        END IF;
    END LOOP;
    -- hourly aggregates of earlier releases, without the mergeable columns
    FOREACH v IN ARRAY ARRAY['red_1h', 'service_call_1h', 'metric_1h'] LOOP
        IF EXISTS (SELECT 1 FROM timescaledb_information.continuous_aggregates WHERE view_name = v)
           AND (EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name = v AND column_name IN ('max_p99_ms', 'max_p95_ms', 'max_p95'))) THEN
            EXECUTE format('DROP MATERIALIZED VIEW %I CASCADE', v);
        END IF;
    END LOOP;
    -- metric roll-ups of earlier releases, without the value histogram (V32)
    IF EXISTS (SELECT 1 FROM timescaledb_information.continuous_aggregates WHERE view_name = 'metric_1h')
       AND NOT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name = 'metric_1h' AND column_name = 'value_idx') THEN
        DROP MATERIALIZED VIEW metric_1h CASCADE;
    END IF;
    -- the refresh policies of earlier releases (3 hours back) give way to the ones below
    FOREACH v IN ARRAY ARRAY['red_1h', 'service_call_1h', 'metric_1h', 'log_pattern_1h'] LOOP
        IF EXISTS (SELECT 1 FROM timescaledb_information.jobs WHERE proc_name = 'policy_refresh_continuous_aggregate'
                   AND hypertable_name = v AND config->>'start_offset' = '03:00:00') THEN
            PERFORM remove_continuous_aggregate_policy(v, if_exists => TRUE);
        END IF;
    END LOOP;
END
$do$;

CREATE MATERIALIZED VIEW IF NOT EXISTS red_1h WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
SELECT time_bucket(INTERVAL '1 hour', bucket) AS bucket, tenant_id, resource_id, operation, span_kind, status,
       sum(calls)::bigint AS calls, sum(errors)::bigint AS errors, sum(duration_sum_ms) AS duration_sum_ms,
       min(duration_min_ms) AS duration_min_ms, max(duration_max_ms) AS duration_max_ms,
       loghist_merge_idx(duration_idx, duration_cnt) AS duration_idx, loghist_merge_cnt(duration_idx, duration_cnt) AS duration_cnt,
       hll_merge(trace_hll_regs) AS trace_hll_regs
FROM red_1m GROUP BY 1, 2, 3, 4, 5, 6 WITH NO DATA;
SELECT add_continuous_aggregate_policy('red_1h', start_offset => INTERVAL '7 days', end_offset => INTERVAL '1 hour', schedule_interval => INTERVAL '30 minutes', if_not_exists => TRUE);
CREATE MATERIALIZED VIEW IF NOT EXISTS red_1d WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
SELECT time_bucket(INTERVAL '1 day', bucket) AS bucket, tenant_id, resource_id, operation, span_kind, status,
       sum(calls)::bigint AS calls, sum(errors)::bigint AS errors, sum(duration_sum_ms) AS duration_sum_ms,
       min(duration_min_ms) AS duration_min_ms, max(duration_max_ms) AS duration_max_ms,
       loghist_merge_idx(duration_idx, duration_cnt) AS duration_idx, loghist_merge_cnt(duration_idx, duration_cnt) AS duration_cnt,
       hll_merge(trace_hll_regs) AS trace_hll_regs
FROM red_1h GROUP BY 1, 2, 3, 4, 5, 6 WITH NO DATA;
SELECT add_continuous_aggregate_policy('red_1d', start_offset => INTERVAL '35 days', end_offset => INTERVAL '1 day', schedule_interval => INTERVAL '6 hours', if_not_exists => TRUE);

CREATE MATERIALIZED VIEW IF NOT EXISTS service_call_1h WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
SELECT time_bucket(INTERVAL '1 hour', bucket) AS bucket, tenant_id, src_resource_id, dst_resource_id,
       sum(calls)::bigint AS calls, sum(errors)::bigint AS errors, sum(duration_sum_ms) AS duration_sum_ms,
       min(duration_min_ms) AS duration_min_ms, max(duration_max_ms) AS duration_max_ms,
       loghist_merge_idx(duration_idx, duration_cnt) AS duration_idx, loghist_merge_cnt(duration_idx, duration_cnt) AS duration_cnt,
       sum(server_calls)::bigint AS server_calls, min(server_min_ms) AS server_min_ms, max(server_max_ms) AS server_max_ms,
       loghist_merge_idx(server_idx, server_cnt) AS server_idx, loghist_merge_cnt(server_idx, server_cnt) AS server_cnt
FROM service_call_5m GROUP BY 1, 2, 3, 4 WITH NO DATA;
SELECT add_continuous_aggregate_policy('service_call_1h', start_offset => INTERVAL '7 days', end_offset => INTERVAL '1 hour', schedule_interval => INTERVAL '30 minutes', if_not_exists => TRUE);
CREATE MATERIALIZED VIEW IF NOT EXISTS service_call_1d WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
SELECT time_bucket(INTERVAL '1 day', bucket) AS bucket, tenant_id, src_resource_id, dst_resource_id,
       sum(calls)::bigint AS calls, sum(errors)::bigint AS errors, sum(duration_sum_ms) AS duration_sum_ms,
       min(duration_min_ms) AS duration_min_ms, max(duration_max_ms) AS duration_max_ms,
       loghist_merge_idx(duration_idx, duration_cnt) AS duration_idx, loghist_merge_cnt(duration_idx, duration_cnt) AS duration_cnt,
       sum(server_calls)::bigint AS server_calls, min(server_min_ms) AS server_min_ms, max(server_max_ms) AS server_max_ms,
       loghist_merge_idx(server_idx, server_cnt) AS server_idx, loghist_merge_cnt(server_idx, server_cnt) AS server_cnt
FROM service_call_1h GROUP BY 1, 2, 3, 4 WITH NO DATA;
SELECT add_continuous_aggregate_policy('service_call_1d', start_offset => INTERVAL '35 days', end_offset => INTERVAL '1 day', schedule_interval => INTERVAL '6 hours', if_not_exists => TRUE);

CREATE MATERIALIZED VIEW IF NOT EXISTS log_pattern_1h WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
SELECT time_bucket(INTERVAL '1 hour', bucket) AS bucket, tenant_id, resource_id, fingerprint_id,
       sum(count_total)::bigint AS count_total, sum(count_error)::bigint AS count_error
FROM log_pattern_5m GROUP BY 1, 2, 3, 4 WITH NO DATA;
-- (an hourly aggregate of an earlier release had the same columns, but showed materialized rows only)
ALTER MATERIALIZED VIEW log_pattern_1h SET (timescaledb.materialized_only = false);
SELECT add_continuous_aggregate_policy('log_pattern_1h', start_offset => INTERVAL '7 days', end_offset => INTERVAL '1 hour', schedule_interval => INTERVAL '30 minutes', if_not_exists => TRUE);
CREATE MATERIALIZED VIEW IF NOT EXISTS log_pattern_1d WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
SELECT time_bucket(INTERVAL '1 day', bucket) AS bucket, tenant_id, resource_id, fingerprint_id,
       sum(count_total)::bigint AS count_total, sum(count_error)::bigint AS count_error
FROM log_pattern_1h GROUP BY 1, 2, 3, 4 WITH NO DATA;
SELECT add_continuous_aggregate_policy('log_pattern_1d', start_offset => INTERVAL '35 days', end_offset => INTERVAL '1 day', schedule_interval => INTERVAL '6 hours', if_not_exists => TRUE);

CREATE MATERIALIZED VIEW IF NOT EXISTS metric_1h WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
SELECT time_bucket(INTERVAL '1 hour', bucket) AS bucket, tenant_id, resource_id, metric, labels_hash,
       sum(points)::bigint AS points, sum(avg * points) / nullif(sum(points), 0) AS avg, min(min) AS min, max(max) AS max,
       sum(total) AS total, sum(count)::bigint AS count, sum(sum) AS sum,
       loghist_merge_idx(value_idx, value_cnt) AS value_idx, loghist_merge_cnt(value_idx, value_cnt) AS value_cnt,
       CASE WHEN count(min) = count(*) THEN min(min) END AS value_min, CASE WHEN count(max) = count(*) THEN max(max) END AS value_max,
       metric_loghist_quantile(loghist_merge_idx(value_idx, value_cnt), loghist_merge_cnt(value_idx, value_cnt), 0.50,
           CASE WHEN count(min) = count(*) THEN min(min) END, CASE WHEN count(max) = count(*) THEN max(max) END) AS p50,
       metric_loghist_quantile(loghist_merge_idx(value_idx, value_cnt), loghist_merge_cnt(value_idx, value_cnt), 0.95,
           CASE WHEN count(min) = count(*) THEN min(min) END, CASE WHEN count(max) = count(*) THEN max(max) END) AS p95,
       metric_loghist_quantile(loghist_merge_idx(value_idx, value_cnt), loghist_merge_cnt(value_idx, value_cnt), 0.99,
           CASE WHEN count(min) = count(*) THEN min(min) END, CASE WHEN count(max) = count(*) THEN max(max) END) AS p99
FROM metric_1m GROUP BY 1, 2, 3, 4, 5 WITH NO DATA;
SELECT add_continuous_aggregate_policy('metric_1h', start_offset => INTERVAL '7 days', end_offset => INTERVAL '1 hour', schedule_interval => INTERVAL '30 minutes', if_not_exists => TRUE);
CREATE MATERIALIZED VIEW IF NOT EXISTS metric_1d WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
SELECT time_bucket(INTERVAL '1 day', bucket) AS bucket, tenant_id, resource_id, metric, labels_hash,
       sum(points)::bigint AS points, sum(avg * points) / nullif(sum(points), 0) AS avg, min(min) AS min, max(max) AS max,
       sum(total) AS total, sum(count)::bigint AS count, sum(sum) AS sum,
       loghist_merge_idx(value_idx, value_cnt) AS value_idx, loghist_merge_cnt(value_idx, value_cnt) AS value_cnt,
       CASE WHEN count(value_min) = count(*) THEN min(value_min) END AS value_min,
       CASE WHEN count(value_max) = count(*) THEN max(value_max) END AS value_max,
       metric_loghist_quantile(loghist_merge_idx(value_idx, value_cnt), loghist_merge_cnt(value_idx, value_cnt), 0.50,
           CASE WHEN count(value_min) = count(*) THEN min(value_min) END, CASE WHEN count(value_max) = count(*) THEN max(value_max) END) AS p50,
       metric_loghist_quantile(loghist_merge_idx(value_idx, value_cnt), loghist_merge_cnt(value_idx, value_cnt), 0.95,
           CASE WHEN count(value_min) = count(*) THEN min(value_min) END, CASE WHEN count(value_max) = count(*) THEN max(value_max) END) AS p95,
       metric_loghist_quantile(loghist_merge_idx(value_idx, value_cnt), loghist_merge_cnt(value_idx, value_cnt), 0.99,
           CASE WHEN count(value_min) = count(*) THEN min(value_min) END, CASE WHEN count(value_max) = count(*) THEN max(value_max) END) AS p99
FROM metric_1h GROUP BY 1, 2, 3, 4, 5 WITH NO DATA;
SELECT add_continuous_aggregate_policy('metric_1d', start_offset => INTERVAL '35 days', end_offset => INTERVAL '1 day', schedule_interval => INTERVAL '6 hours', if_not_exists => TRUE);
