-- Mergeable quantiles for metric_1m (issue 9): the values of a row as a signed log histogram that
-- plain SQL merges, next to value_kll (DataSketches) and buckets (JSONB).
--
-- value_idx INT[] / value_cnt BIGINT[]: sparse, increasing index order. The buckets are V31's
-- (relative accuracy 0.005: bucket k holds |v| in (γ^(k-1), γ^k], γ = 1.005/0.995, and stands for
-- 2γ^k/(γ+1)), split by sign: a positive value at index k (>= -1381), a negative one at -2764 - k
-- (<= -1383), |v| <= 1e-6 in the zero bucket -2147483648 (placed at -1382 in value order; V31's
-- loghist_merge keeps it there). Index order is value order, so V31's loghist_merge /
-- loghist_merge_idx / loghist_merge_cnt merge these arrays too (summing counts per index).
-- What a row counts: level and rate rows every sample; histogram rows each explicit bucket's count
-- at its upper bound (clamped to the points' min/max; the overflow bucket at max, else the last
-- bound); exponential-histogram rows each bucket at its middle; summaries nothing (empty arrays).
-- Error of a range quantile: level/rate within 0.5% of the exact nearest-rank sample (1e-6
-- absolute near zero); explicit histograms the upper bound of the explicit bucket holding the
-- exact nearest-rank observation (±0.5%); exponential histograms within (base-1)/(base+1) + 0.5%.
-- Rows written before this version have empty arrays; a replay (--from/--to) fills them.

ALTER TABLE metric_1m
    ADD COLUMN IF NOT EXISTS value_idx INT[] NOT NULL DEFAULT '{}',
    ADD COLUMN IF NOT EXISTS value_cnt BIGINT[] NOT NULL DEFAULT '{}';

-- The value a signed bucket stands for (0 for the zero bucket). Self-contained (no other function
-- of this schema), as TimescaleDB refreshes continuous aggregates with search_path = pg_catalog.
CREATE OR REPLACE FUNCTION metric_loghist_value(i INT) RETURNS DOUBLE PRECISION
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN i = -2147483648 OR i = -1382 THEN 0::float8
                WHEN i > -1382 THEN 2 * power(1.005::float8 / 0.995::float8, i) / (1.005::float8 / 0.995::float8 + 1)
                ELSE -2 * power(1.005::float8 / 0.995::float8, -2764 - i) / (1.005::float8 / 0.995::float8 + 1) END
$$;

-- Quantile q (0..1) of signed value arrays (one row's, or merged ones): the value of the bucket
-- holding the nearest-rank item ceil(q*n), clamped to [lo, hi] when given. NULL when empty.
-- Self-contained, like metric_loghist_value.
CREATE OR REPLACE FUNCTION metric_loghist_quantile(idx INT[], cnt BIGINT[], q DOUBLE PRECISION,
                                                   lo DOUBLE PRECISION DEFAULT NULL, hi DOUBLE PRECISION DEFAULT NULL)
RETURNS DOUBLE PRECISION
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT least(greatest(CASE WHEN o = -1382 THEN 0::float8
                               WHEN o > -1382 THEN 2 * power(1.005::float8 / 0.995::float8, o) / (1.005::float8 / 0.995::float8 + 1)
                               ELSE -2 * power(1.005::float8 / 0.995::float8, -2764 - o) / (1.005::float8 / 0.995::float8 + 1) END,
                          coalesce(lo, '-Infinity'::float8)), coalesce(hi, 'Infinity'::float8))
    FROM (SELECT o, sum(c) OVER (ORDER BY o) AS cum, sum(c) OVER () AS total
          FROM (SELECT CASE WHEN u.i = -2147483648 THEN -1382 ELSE u.i END AS o, u.c
                FROM unnest(idx, cnt) AS u(i, c)) b) s
    WHERE cum >= greatest(1::float8, ceil(q * total::float8))
    ORDER BY o
    LIMIT 1
$$;

-- Per tenant, resource, metric and attribute set over [t_from, t_to): points, the values counted
-- (observations), p50/p95/p99 of the merged histogram, min, max and avg.
-- min/max: the exact extremes when every row of the series knows them (histogram points may not
-- carry min/max), else NULL; the quantiles are clamped to them only when known.
-- avg: sum/count for histograms and summaries, else the points-weighted mean of the minutes' avg.
CREATE OR REPLACE FUNCTION metric_range(t_from TIMESTAMPTZ, t_to TIMESTAMPTZ)
RETURNS TABLE (tenant TEXT, resource TEXT, resource_urn TEXT, metric TEXT, labels JSONB, labels_hash BIGINT, kind TEXT,
               points BIGINT, observations BIGINT, p50 DOUBLE PRECISION, p95 DOUBLE PRECISION, p99 DOUBLE PRECISION,
               min DOUBLE PRECISION, max DOUBLE PRECISION, avg DOUBLE PRECISION)
LANGUAGE sql STABLE AS $$
    SELECT g.tenant, g.resource, g.resource_urn, g.metric, g.labels, g.labels_hash, g.kind, g.points,
           coalesce((SELECT sum(c) FROM unnest((g.h).cnt) AS c), 0)::bigint,
           metric_loghist_quantile((g.h).idx, (g.h).cnt, 0.50, g.lo, g.hi),
           metric_loghist_quantile((g.h).idx, (g.h).cnt, 0.95, g.lo, g.hi),
           metric_loghist_quantile((g.h).idx, (g.h).cnt, 0.99, g.lo, g.hi),
           g.lo, g.hi, g.avg
    FROM (SELECT t.code AS tenant, d.name AS resource, d.urn AS resource_urn, m.metric, m.labels, m.labels_hash, m.kind,
                 sum(m.points)::bigint AS points,
                 CASE WHEN count(m.min) = count(*) THEN min(m.min) END AS lo,
                 CASE WHEN count(m.max) = count(*) THEN max(m.max) END AS hi,
                 CASE WHEN sum(m.count) > 0 THEN sum(m.sum) / sum(m.count)
                      ELSE sum(m.avg * m.points) / nullif(sum(m.points) FILTER (WHERE m.avg IS NOT NULL), 0) END AS avg,
                 loghist_merge(m.value_idx, m.value_cnt) AS h
          FROM metric_1m m
          JOIN dim_tenant t ON t.tenant_id = m.tenant_id
          JOIN dim_resource d ON d.resource_id = m.resource_id
          WHERE m.bucket >= t_from AND m.bucket < t_to
          GROUP BY t.code, d.name, d.urn, m.metric, m.labels, m.labels_hash, m.kind) g
$$;

-- Roll-ups: V31's plain metric_1h/metric_1d views, now with the merged arrays, known extremes and
-- p50/p95/p99 of the merged histogram (the hour's, not a max of minutes). Replaced only while they
-- are plain views (with TimescaleDB, sql/postgres/timescaledb.sql defines the same columns as
-- continuous aggregates).
DO $do$
DECLARE
    w TEXT;
    cagg BOOLEAN;
BEGIN
    FOREACH w IN ARRAY ARRAY['1 day:1d', '1 hour:1h'] LOOP
        -- a continuous aggregate (also listed in pg_views) stays: timescaledb.sql replaces it
        cagg := false;
        IF to_regclass('timescaledb_information.continuous_aggregates') IS NOT NULL THEN
            EXECUTE 'SELECT EXISTS (SELECT 1 FROM timescaledb_information.continuous_aggregates WHERE view_name = $1)'
                INTO cagg USING 'metric_' || split_part(w, ':', 2);
        END IF;
        IF NOT cagg AND EXISTS (SELECT 1 FROM pg_views WHERE viewname = 'metric_' || split_part(w, ':', 2)
                                AND schemaname = current_schema()) THEN
            EXECUTE format('DROP VIEW %I', 'metric_' || split_part(w, ':', 2));
        END IF;
    END LOOP;
    FOREACH w IN ARRAY ARRAY['1 hour:1h', '1 day:1d'] LOOP
        IF to_regclass('metric_' || split_part(w, ':', 2)) IS NULL THEN
            EXECUTE format($v$
                CREATE VIEW %I AS
                SELECT bucket, tenant_id, resource_id, metric, labels_hash, points, avg, min, max, total, count, sum,
                       value_idx, value_cnt, value_min, value_max,
                       metric_loghist_quantile(value_idx, value_cnt, 0.50, value_min, value_max) AS p50,
                       metric_loghist_quantile(value_idx, value_cnt, 0.95, value_min, value_max) AS p95,
                       metric_loghist_quantile(value_idx, value_cnt, 0.99, value_min, value_max) AS p99
                FROM (SELECT date_bin(%L, bucket, TIMESTAMPTZ '1970-01-01 00:00:00+00') AS bucket,
                             tenant_id, resource_id, metric, labels_hash,
                             sum(points)::bigint AS points, sum(avg * points) / nullif(sum(points), 0) AS avg,
                             min(min) AS min, max(max) AS max, sum(total) AS total,
                             sum(count)::bigint AS count, sum(sum) AS sum,
                             loghist_merge_idx(value_idx, value_cnt) AS value_idx,
                             loghist_merge_cnt(value_idx, value_cnt) AS value_cnt,
                             CASE WHEN count(min) = count(*) THEN min(min) END AS value_min,
                             CASE WHEN count(max) = count(*) THEN max(max) END AS value_max
                      FROM metric_1m GROUP BY 1, 2, 3, 4, 5) g $v$,
                'metric_' || split_part(w, ':', 2), split_part(w, ':', 1));
        END IF;
    END LOOP;
END
$do$;
