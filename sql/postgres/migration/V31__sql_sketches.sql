-- Sketches plain SQL merges (issue 9): next to the DataSketches bytes, every row carries forms
-- that PostgreSQL merges without an extension, so any time range and any grouping gives true
-- quantiles and distinct counts, and hourly/daily roll-ups are exact merges, not max-of-minutes.
--
-- * Log histogram (quantiles): the order-independent histogram the operators keep (DDSketch
--   mapping, relative accuracy 0.005): bucket i holds the values in (γ^(i-1), γ^i], γ = 1.005/0.995,
--   and stands for 2γ^i/(γ+1), within 0.5% of every value in it. Stored sparse: <x>_idx int[]
--   (increasing; -2147483648 is the zero bucket, values <= 1e-6) and <x>_cnt bigint[]. Merging
--   = summing counts per index (loghist_merge). A quantile q is the value of the bucket holding
--   the nearest-rank item ceil(q*n), clamped to the exact [min, max]: within 0.5% of the exact
--   nearest-rank value, whatever the range.
-- * HLL registers (distinct counts): the 2^lgK registers of the DataSketches HLL, stored sparse
--   and packed: one int per non-zero register, register*64 + value (value 1..63). Merging =
--   element-wise max (hll_merge); hll_estimate is the standard HyperLogLog estimate with linear
--   counting below 2.5*m (relative standard error 1.04/sqrt(m): 2.3% at lgK 11).
-- Rows written before this version have empty arrays (count as nothing in the merges); a replay
-- (--from/--to) of their range rewrites them with the arrays.

ALTER TABLE red_1m
    ADD COLUMN IF NOT EXISTS duration_min_ms DOUBLE PRECISION,
    ADD COLUMN IF NOT EXISTS duration_max_ms DOUBLE PRECISION,
    ADD COLUMN IF NOT EXISTS duration_idx    INT[] NOT NULL DEFAULT '{}',
    ADD COLUMN IF NOT EXISTS duration_cnt    BIGINT[] NOT NULL DEFAULT '{}',
    ADD COLUMN IF NOT EXISTS trace_hll_regs  INT[] NOT NULL DEFAULT '{}';

ALTER TABLE service_call_5m
    ADD COLUMN IF NOT EXISTS duration_min_ms DOUBLE PRECISION,
    ADD COLUMN IF NOT EXISTS duration_max_ms DOUBLE PRECISION,
    ADD COLUMN IF NOT EXISTS duration_idx    INT[] NOT NULL DEFAULT '{}',
    ADD COLUMN IF NOT EXISTS duration_cnt    BIGINT[] NOT NULL DEFAULT '{}',
    ADD COLUMN IF NOT EXISTS server_min_ms   DOUBLE PRECISION,
    ADD COLUMN IF NOT EXISTS server_max_ms   DOUBLE PRECISION,
    ADD COLUMN IF NOT EXISTS server_idx      INT[] NOT NULL DEFAULT '{}',
    ADD COLUMN IF NOT EXISTS server_cnt      BIGINT[] NOT NULL DEFAULT '{}';

-- Top-K and distinct counts of configured span dimensions per service and minute (the RED
-- pipeline; dimensions: error.route, error.type, slow.peer and any --red-attributes key).
-- items/counts: the most frequent values, most frequent first (ties by value), counts exact for
-- the values the state kept; max_error bounds what is not listed: a listed value's true count is
-- in [count, count + max_error], an unlisted one's at most max_error. Summing counts per item
-- over rows merges them; the sum of max_error bounds the merged counts the same way.
CREATE TABLE IF NOT EXISTS span_attr_1m (
    bucket       TIMESTAMPTZ NOT NULL,
    tenant_id    BIGINT NOT NULL,
    resource_id  BIGINT NOT NULL,
    attribute    TEXT NOT NULL,        -- error.route | error.type | slow.peer | a span attribute key
    spans        BIGINT NOT NULL,      -- spans that had a value
    items        TEXT[] NOT NULL,
    counts       BIGINT[] NOT NULL,
    max_error    BIGINT NOT NULL,
    distinct_values DOUBLE PRECISION NOT NULL,
    hll_regs     INT[] NOT NULL,       -- packed HLL registers of the values (see above)
    hll          BYTEA NOT NULL,       -- DataSketches HllSketch (HLL_8) of the values' hashes
    items_sketch BYTEA NOT NULL,       -- DataSketches ItemsSketch<String> (frequent items) of the values
    sample_ref   BIGINT,
    PRIMARY KEY (bucket, tenant_id, resource_id, attribute)
);
CREATE INDEX IF NOT EXISTS span_attr_1m_resource ON span_attr_1m (resource_id, attribute, bucket DESC);

-- Pipeline health: dead letters the job wrote, counted per minute, input topic, stage and kind
-- (undecodable | future | late). bucket = the minute of the dead letter's time: the Kafka record
-- timestamp for undecodable messages and future records, the record's event time (or its
-- window's start for a late partial aggregate) for late records. records = input records behind
-- the dead letters (a late partial aggregate stands for all its spans). Written by the job as
-- absolute counts that only grow (GREATEST on upsert), so replays and restarts never lower them.
CREATE TABLE IF NOT EXISTS dead_letter_1m (
    bucket       TIMESTAMPTZ NOT NULL,
    source_topic TEXT NOT NULL,
    stage        TEXT NOT NULL,        -- the stage that wrote them: spans, red, edges, logs, metrics, ...
    kind         TEXT NOT NULL,        -- undecodable | future | late
    dead_letters BIGINT NOT NULL,      -- messages written to the dead-letter topic
    PRIMARY KEY (bucket, source_topic, stage, kind)
);

-- ---------------------------------------------------------------------------------------------
-- Log histogram functions
-- ---------------------------------------------------------------------------------------------
CREATE TYPE loghist AS (idx INT[], cnt BIGINT[]);

-- The value bucket i stands for: 2γ^i/(γ+1); 0 for the zero bucket.
CREATE OR REPLACE FUNCTION loghist_value(i INT) RETURNS DOUBLE PRECISION
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN i = -2147483648 THEN 0::float8
                ELSE 2 * power(1.005::float8 / 0.995::float8, i) / (1.005::float8 / 0.995::float8 + 1) END
$$;

-- Transition state: counts by bucket index in a bigint[] subscripted by the index itself (the zero
-- bucket at -1382, below every real index: values above 1e-6 have index >= -1381).
CREATE OR REPLACE FUNCTION loghist_acc(s BIGINT[], idx INT[], cnt BIGINT[]) RETURNS BIGINT[]
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    k INT;
    i INT;
BEGIN
    IF s IS NULL THEN
        s := '{}'::bigint[];
    END IF;
    IF idx IS NULL OR cnt IS NULL THEN
        RETURN s;
    END IF;
    FOR k IN 1 .. coalesce(array_length(idx, 1), 0) LOOP
        i := idx[k];
        IF i = -2147483648 THEN
            i := -1382;
        END IF;
        s[i] := coalesce(s[i], 0) + cnt[k];
    END LOOP;
    RETURN s;
END
$$;

CREATE OR REPLACE FUNCTION loghist_combine(a BIGINT[], b BIGINT[]) RETURNS BIGINT[]
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    i INT;
BEGIN
    IF a IS NULL OR array_lower(a, 1) IS NULL THEN
        RETURN b;
    END IF;
    IF b IS NULL OR array_lower(b, 1) IS NULL THEN
        RETURN a;
    END IF;
    FOR i IN array_lower(b, 1) .. array_upper(b, 1) LOOP
        IF b[i] IS NOT NULL THEN
            a[i] := coalesce(a[i], 0) + b[i];
        END IF;
    END LOOP;
    RETURN a;
END
$$;

CREATE OR REPLACE FUNCTION loghist_final(s BIGINT[]) RETURNS loghist
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT ROW(coalesce(array_agg(CASE WHEN i = -1382 THEN -2147483648 ELSE i END ORDER BY i), '{}'),
               coalesce(array_agg(c ORDER BY i), '{}'))::loghist
    FROM (SELECT array_lower(s, 1) + o::int - 1 AS i, c
          FROM unnest(s) WITH ORDINALITY AS u(c, o)
          WHERE c IS NOT NULL AND c <> 0) x
$$;

-- The merged histogram of a group of rows: loghist_merge(duration_idx, duration_cnt).
DROP AGGREGATE IF EXISTS loghist_merge(INT[], BIGINT[]);
CREATE AGGREGATE loghist_merge(INT[], BIGINT[]) (
    SFUNC = loghist_acc,
    STYPE = BIGINT[],
    FINALFUNC = loghist_final,
    COMBINEFUNC = loghist_combine,
    PARALLEL = SAFE
);

-- The same merge as two arrays, for roll-up tables (one column each; PostgreSQL computes the
-- shared state once when both appear in a query): loghist_merge_idx(...), loghist_merge_cnt(...).
-- (Self-contained: TimescaleDB refreshes continuous aggregates with search_path = pg_catalog, so
-- the functions the roll-up aggregates run name no other function or type of this schema.)
CREATE OR REPLACE FUNCTION loghist_final_idx(s BIGINT[]) RETURNS INT[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(CASE WHEN i = -1382 THEN -2147483648 ELSE i END ORDER BY i), '{}')
    FROM (SELECT array_lower(s, 1) + o::int - 1 AS i FROM unnest(s) WITH ORDINALITY AS u(c, o) WHERE c IS NOT NULL AND c <> 0) x
$$;

CREATE OR REPLACE FUNCTION loghist_final_cnt(s BIGINT[]) RETURNS BIGINT[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(c ORDER BY o), '{}')
    FROM unnest(s) WITH ORDINALITY AS u(c, o) WHERE c IS NOT NULL AND c <> 0
$$;

DROP AGGREGATE IF EXISTS loghist_merge_idx(INT[], BIGINT[]);
CREATE AGGREGATE loghist_merge_idx(INT[], BIGINT[]) (
    SFUNC = loghist_acc,
    STYPE = BIGINT[],
    FINALFUNC = loghist_final_idx,
    COMBINEFUNC = loghist_combine,
    PARALLEL = SAFE
);

DROP AGGREGATE IF EXISTS loghist_merge_cnt(INT[], BIGINT[]);
CREATE AGGREGATE loghist_merge_cnt(INT[], BIGINT[]) (
    SFUNC = loghist_acc,
    STYPE = BIGINT[],
    FINALFUNC = loghist_final_cnt,
    COMBINEFUNC = loghist_combine,
    PARALLEL = SAFE
);

CREATE OR REPLACE FUNCTION loghist_count(h loghist) RETURNS BIGINT
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(sum(c), 0)::bigint FROM unnest((h).cnt) AS c
$$;

-- Quantile q (0..1) of a histogram: the nearest-rank item ceil(q*n) lies in the bucket where the
-- cumulative count first reaches it; that bucket's value, clamped to [lo, hi] (the exact min and
-- max, when given), is within 0.5% of the item. NULL for an empty histogram.
CREATE OR REPLACE FUNCTION loghist_quantile(h loghist, q DOUBLE PRECISION, lo DOUBLE PRECISION DEFAULT NULL,
                                            hi DOUBLE PRECISION DEFAULT NULL) RETURNS DOUBLE PRECISION
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN i = -2147483648 THEN 0::float8
                ELSE least(greatest(loghist_value(i), coalesce(lo, '-Infinity'::float8)), coalesce(hi, 'Infinity'::float8)) END
    FROM (SELECT i, sum(c) OVER (ORDER BY i) AS cum, sum(c) OVER () AS total
          FROM unnest((h).idx, (h).cnt) AS u(i, c)) s
    WHERE cum >= greatest(1::float8, ceil(q * total::float8))
    ORDER BY i
    LIMIT 1
$$;

-- The same for one row's arrays: loghist_quantile(duration_idx, duration_cnt, 0.95, duration_min_ms, duration_max_ms).
CREATE OR REPLACE FUNCTION loghist_quantile(idx INT[], cnt BIGINT[], q DOUBLE PRECISION, lo DOUBLE PRECISION DEFAULT NULL,
                                            hi DOUBLE PRECISION DEFAULT NULL) RETURNS DOUBLE PRECISION
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT loghist_quantile(ROW(idx, cnt)::loghist, q, lo, hi)
$$;

-- ---------------------------------------------------------------------------------------------
-- HLL register functions (packed sparse registers: register*64 + value)
-- ---------------------------------------------------------------------------------------------
-- Transition state: register values in an int[] subscripted by the register number.
CREATE OR REPLACE FUNCTION hll_acc(s INT[], regs INT[]) RETURNS INT[]
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    k INT;
    r INT;
    v INT;
BEGIN
    IF s IS NULL THEN
        s := '{}'::int[];
    END IF;
    IF regs IS NULL THEN
        RETURN s;
    END IF;
    FOR k IN 1 .. coalesce(array_length(regs, 1), 0) LOOP
        r := regs[k] / 64;
        v := regs[k] % 64;
        IF s[r] IS NULL OR s[r] < v THEN
            s[r] := v;
        END IF;
    END LOOP;
    RETURN s;
END
$$;

CREATE OR REPLACE FUNCTION hll_combine(a INT[], b INT[]) RETURNS INT[]
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    i INT;
BEGIN
    IF a IS NULL OR array_lower(a, 1) IS NULL THEN
        RETURN b;
    END IF;
    IF b IS NULL OR array_lower(b, 1) IS NULL THEN
        RETURN a;
    END IF;
    FOR i IN array_lower(b, 1) .. array_upper(b, 1) LOOP
        IF b[i] IS NOT NULL AND (a[i] IS NULL OR a[i] < b[i]) THEN
            a[i] := b[i];
        END IF;
    END LOOP;
    RETURN a;
END
$$;

CREATE OR REPLACE FUNCTION hll_final(s INT[]) RETURNS INT[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(array_agg((array_lower(s, 1) + o::int - 1) * 64 + v ORDER BY o), '{}')
    FROM unnest(s) WITH ORDINALITY AS u(v, o)
    WHERE v IS NOT NULL AND v > 0
$$;

-- The union of a group of rows' registers: hll_merge(trace_hll_regs).
DROP AGGREGATE IF EXISTS hll_merge(INT[]);
CREATE AGGREGATE hll_merge(INT[]) (
    SFUNC = hll_acc,
    STYPE = INT[],
    FINALFUNC = hll_final,
    COMBINEFUNC = hll_combine,
    PARALLEL = SAFE
);

-- Distinct count from packed registers of 2^lgk registers (lgK 11 for trace ids and attributes):
-- alpha*m^2/sum(2^-M[j]) with alpha = 0.7213/(1 + 1.079/m); m*ln(m/V) when that is <= 2.5*m and
-- V > 0 registers are zero.
CREATE OR REPLACE FUNCTION hll_estimate(regs INT[], lgk INT DEFAULT 11) RETURNS DOUBLE PRECISION
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN raw <= 2.5 * m AND zeros > 0 THEN m * ln(m / zeros) ELSE raw END
    FROM (SELECT m, m - n AS zeros, 0.7213 / (1 + 1.079 / m) * m * m / ((m - n) + s) AS raw
          FROM (SELECT power(2::float8, lgk) AS m, count(*)::float8 AS n,
                       coalesce(sum(power(2::float8, -(r % 64))), 0) AS s
                FROM unnest(regs) AS r) a) b
$$;

-- ---------------------------------------------------------------------------------------------
-- Range SQL: what the dashboards and `analyze` (red_range.csv, service_range.csv) read
-- ---------------------------------------------------------------------------------------------
-- RED per tenant, service, operation and span kind over [t_from, t_to) (minutes whose start is in
-- the range): calls, errors, true quantiles and distinct traces of the whole range.
CREATE OR REPLACE FUNCTION red_range(t_from TIMESTAMPTZ, t_to TIMESTAMPTZ)
RETURNS TABLE (tenant TEXT, service TEXT, service_urn TEXT, operation TEXT, span_kind TEXT, calls BIGINT, errors BIGINT,
               duration_sum_ms DOUBLE PRECISION, p50_ms DOUBLE PRECISION, p95_ms DOUBLE PRECISION,
               p99_ms DOUBLE PRECISION, min_ms DOUBLE PRECISION, max_ms DOUBLE PRECISION, distinct_traces DOUBLE PRECISION)
LANGUAGE sql STABLE AS $$
    SELECT g.tenant, g.service, g.service_urn, g.operation, g.span_kind, g.calls, g.errors, g.duration_sum_ms,
           loghist_quantile(g.h, 0.50, g.lo, g.hi), loghist_quantile(g.h, 0.95, g.lo, g.hi),
           loghist_quantile(g.h, 0.99, g.lo, g.hi), g.lo, g.hi, hll_estimate(g.regs)
    FROM (SELECT t.code AS tenant, d.name AS service, d.urn AS service_urn, r.operation, r.span_kind,
                 sum(r.calls)::bigint AS calls, sum(r.errors)::bigint AS errors, sum(r.duration_sum_ms) AS duration_sum_ms,
                 min(r.duration_min_ms) AS lo, max(r.duration_max_ms) AS hi,
                 loghist_merge(r.duration_idx, r.duration_cnt) AS h, hll_merge(r.trace_hll_regs) AS regs
          FROM red_1m r
          JOIN dim_tenant t ON t.tenant_id = r.tenant_id
          JOIN dim_resource d ON d.resource_id = r.resource_id
          WHERE r.bucket >= t_from AND r.bucket < t_to
          GROUP BY t.code, d.name, d.urn, r.operation, r.span_kind) g
$$;

-- RED per tenant and service over [t_from, t_to), from its SERVER and CONSUMER spans (the
-- requests it served): calls, errors, true quantiles, distinct traces.
CREATE OR REPLACE FUNCTION service_range(t_from TIMESTAMPTZ, t_to TIMESTAMPTZ)
RETURNS TABLE (tenant TEXT, service TEXT, service_urn TEXT, calls BIGINT, errors BIGINT, p50_ms DOUBLE PRECISION,
               p95_ms DOUBLE PRECISION, p99_ms DOUBLE PRECISION, min_ms DOUBLE PRECISION, max_ms DOUBLE PRECISION,
               distinct_traces DOUBLE PRECISION)
LANGUAGE sql STABLE AS $$
    SELECT g.tenant, g.service, g.service_urn, g.calls, g.errors,
           loghist_quantile(g.h, 0.50, g.lo, g.hi), loghist_quantile(g.h, 0.95, g.lo, g.hi),
           loghist_quantile(g.h, 0.99, g.lo, g.hi), g.lo, g.hi, hll_estimate(g.regs)
    FROM (SELECT t.code AS tenant, d.name AS service, d.urn AS service_urn,
                 sum(r.calls)::bigint AS calls, sum(r.errors)::bigint AS errors,
                 min(r.duration_min_ms) AS lo, max(r.duration_max_ms) AS hi,
                 loghist_merge(r.duration_idx, r.duration_cnt) AS h, hll_merge(r.trace_hll_regs) AS regs
          FROM red_1m r
          JOIN dim_tenant t ON t.tenant_id = r.tenant_id
          JOIN dim_resource d ON d.resource_id = r.resource_id
          WHERE r.bucket >= t_from AND r.bucket < t_to AND r.span_kind IN ('SERVER', 'CONSUMER')
          GROUP BY t.code, d.name, d.urn) g
$$;

-- Top-K of a span dimension per tenant and service over [t_from, t_to): every value listed in a
-- minute of the range with its summed count (a lower bound), count_upper = count + the max_error
-- of the minutes that did not list it (an upper bound), and max_error = the sum of all max_error
-- (what an unlisted value can reach). Take the first k rows per group by count.
CREATE OR REPLACE FUNCTION span_attr_topk(t_from TIMESTAMPTZ, t_to TIMESTAMPTZ, dimension TEXT)
RETURNS TABLE (tenant TEXT, service TEXT, item TEXT, count BIGINT, count_upper BIGINT, max_error BIGINT, rank BIGINT)
LANGUAGE sql STABLE AS $$
    WITH rows AS (
        SELECT a.tenant_id, a.resource_id, a.items, a.counts, a.max_error
        FROM span_attr_1m a
        WHERE a.bucket >= t_from AND a.bucket < t_to AND a.attribute = dimension),
    errors AS (
        SELECT tenant_id, resource_id, sum(max_error)::bigint AS max_error FROM rows GROUP BY 1, 2),
    items AS (
        SELECT r.tenant_id, r.resource_id, u.item, sum(u.c)::bigint AS count, sum(r.max_error)::bigint AS listed_error
        FROM rows r, unnest(r.items, r.counts) AS u(item, c)
        GROUP BY 1, 2, 3)
    SELECT t.code, d.name, i.item, i.count, i.count + e.max_error - i.listed_error, e.max_error,
           row_number() OVER (PARTITION BY t.code, d.name, d.urn ORDER BY i.count DESC, i.item)
    FROM items i
    JOIN errors e ON e.tenant_id = i.tenant_id AND e.resource_id = i.resource_id
    JOIN dim_tenant t ON t.tenant_id = i.tenant_id
    JOIN dim_resource d ON d.resource_id = i.resource_id
$$;

-- ---------------------------------------------------------------------------------------------
-- Roll-ups: hourly and daily, exact merges of the minute rows (UTC-aligned). Plain views here;
-- with TimescaleDB, sql/postgres/timescaledb.sql replaces them with continuous aggregates of the
-- same columns. Created only when absent (an existing continuous aggregate of the name stays).
-- ---------------------------------------------------------------------------------------------
DO $do$
DECLARE
    w TEXT;
BEGIN
    FOREACH w IN ARRAY ARRAY['1 hour:1h', '1 day:1d'] LOOP
        IF to_regclass('red_' || split_part(w, ':', 2)) IS NULL THEN
            EXECUTE format($v$
                CREATE VIEW %I AS
                SELECT date_bin(%L, bucket, TIMESTAMPTZ '1970-01-01 00:00:00+00') AS bucket,
                       tenant_id, resource_id, operation, span_kind, status,
                       sum(calls)::bigint AS calls, sum(errors)::bigint AS errors,
                       sum(duration_sum_ms) AS duration_sum_ms,
                       min(duration_min_ms) AS duration_min_ms, max(duration_max_ms) AS duration_max_ms,
                       loghist_merge_idx(duration_idx, duration_cnt) AS duration_idx,
                       loghist_merge_cnt(duration_idx, duration_cnt) AS duration_cnt,
                       hll_merge(trace_hll_regs) AS trace_hll_regs
                FROM red_1m GROUP BY 1, 2, 3, 4, 5, 6 $v$, 'red_' || split_part(w, ':', 2), split_part(w, ':', 1));
        END IF;
        IF to_regclass('service_call_' || split_part(w, ':', 2)) IS NULL THEN
            EXECUTE format($v$
                CREATE VIEW %I AS
                SELECT date_bin(%L, bucket, TIMESTAMPTZ '1970-01-01 00:00:00+00') AS bucket,
                       tenant_id, src_resource_id, dst_resource_id,
                       sum(calls)::bigint AS calls, sum(errors)::bigint AS errors,
                       sum(duration_sum_ms) AS duration_sum_ms,
                       min(duration_min_ms) AS duration_min_ms, max(duration_max_ms) AS duration_max_ms,
                       loghist_merge_idx(duration_idx, duration_cnt) AS duration_idx,
                       loghist_merge_cnt(duration_idx, duration_cnt) AS duration_cnt,
                       sum(server_calls)::bigint AS server_calls,
                       min(server_min_ms) AS server_min_ms, max(server_max_ms) AS server_max_ms,
                       loghist_merge_idx(server_idx, server_cnt) AS server_idx,
                       loghist_merge_cnt(server_idx, server_cnt) AS server_cnt
                FROM service_call_5m GROUP BY 1, 2, 3, 4 $v$, 'service_call_' || split_part(w, ':', 2), split_part(w, ':', 1));
        END IF;
        IF to_regclass('log_pattern_' || split_part(w, ':', 2)) IS NULL THEN
            EXECUTE format($v$
                CREATE VIEW %I AS
                SELECT date_bin(%L, bucket, TIMESTAMPTZ '1970-01-01 00:00:00+00') AS bucket,
                       tenant_id, resource_id, fingerprint_id,
                       sum(count_total)::bigint AS count_total, sum(count_error)::bigint AS count_error
                FROM log_pattern_5m GROUP BY 1, 2, 3, 4 $v$, 'log_pattern_' || split_part(w, ':', 2), split_part(w, ':', 1));
        END IF;
        IF to_regclass('metric_' || split_part(w, ':', 2)) IS NULL THEN
            EXECUTE format($v$
                CREATE VIEW %I AS
                SELECT date_bin(%L, bucket, TIMESTAMPTZ '1970-01-01 00:00:00+00') AS bucket,
                       tenant_id, resource_id, metric, labels_hash,
                       sum(points)::bigint AS points, sum(avg * points) / nullif(sum(points), 0) AS avg,
                       min(min) AS min, max(max) AS max, sum(total) AS total,
                       sum(count)::bigint AS count, sum(sum) AS sum
                FROM metric_1m GROUP BY 1, 2, 3, 4, 5 $v$, 'metric_' || split_part(w, ':', 2), split_part(w, ':', 1));
        END IF;
    END LOOP;
END
$do$;
