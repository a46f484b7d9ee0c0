-- OTLP metrics: metric_1m (one row per tenant, resource, metric, attribute set and minute) and
-- USE per resource and minute (use_1m), plus a view ranking resources by how close they are to
-- saturation. Plain PostgreSQL; TimescaleSetup adds hypertables, compression, retention and
-- hourly continuous aggregates when the extension is present (sql/postgres/timescaledb.sql).
-- What avg/min/max/p95 mean depends on kind (level | rate | histogram | exponential_histogram |
-- summary); see the README's metrics section.

CREATE TABLE IF NOT EXISTS metric_1m (
    bucket              TIMESTAMPTZ NOT NULL,
    tenant_id           BIGINT NOT NULL,
    resource_id         BIGINT NOT NULL,     -- urn:host:<host.name> for system.*, else the service
    metric              TEXT NOT NULL,
    labels_hash         BIGINT NOT NULL,     -- LabelsHash of the sorted attributes
    labels              JSONB NOT NULL,      -- the attributes, e.g. {"state": "used"}
    service_resource_id BIGINT,              -- the reporting service (smallest URN of the minute)
    unit                TEXT NOT NULL,
    metric_type         TEXT NOT NULL,       -- gauge | sum | histogram | exponential_histogram | summary
    kind                TEXT NOT NULL,       -- level | rate | histogram | exponential_histogram | summary
    points              BIGINT NOT NULL,
    avg                 DOUBLE PRECISION,
    min                 DOUBLE PRECISION,
    max                 DOUBLE PRECISION,
    p95                 DOUBLE PRECISION,
    last                DOUBLE PRECISION,    -- level: latest value; rate: latest per-second rate
    total               DOUBLE PRECISION,    -- rate: sum of the deltas in the minute
    rate                DOUBLE PRECISION,    -- rate: total / covered seconds (time-weighted)
    count               BIGINT NOT NULL DEFAULT 0,   -- histograms, summaries: observations
    sum                 DOUBLE PRECISION,    -- histograms, summaries: sum of observations
    value_kll           BYTEA,               -- level, rate: DataSketches KllDoublesSketch of the samples
    buckets             JSONB,               -- histograms: merged buckets (mergeable into hours/days)
    sample_ref          BIGINT,              -- kafka_locator.id of the resource's minute
    PRIMARY KEY (bucket, tenant_id, resource_id, metric, labels_hash)
);
CREATE INDEX IF NOT EXISTS metric_1m_resource_metric_bucket ON metric_1m (resource_id, metric, bucket DESC);

CREATE TABLE IF NOT EXISTS use_1m (
    bucket                TIMESTAMPTZ NOT NULL,
    tenant_id             BIGINT NOT NULL,
    resource_id           BIGINT NOT NULL,
    utilization           DOUBLE PRECISION,  -- 0..1, the busiest component
    utilization_component TEXT,              -- cpu | memory | filesystem | disk | jvm.heap | ...
    saturation            DOUBLE PRECISION,  -- >= 0, 1 = demand equals capacity
    saturation_component  TEXT,
    errors_per_s          DOUBLE PRECISION,  -- sum of the error components
    contributors          JSONB NOT NULL,    -- ["saturation/cpu=system.cpu.load_average.1m:0.5000", ...]
    PRIMARY KEY (bucket, tenant_id, resource_id)
);
CREATE INDEX IF NOT EXISTS use_1m_resource_bucket ON use_1m (resource_id, bucket DESC);

-- Resources closest to saturation over the last 5 minutes of data (relative to the newest USE
-- minute, so the view also answers for a replayed or captured range): the worst minute's
-- saturation and utilization per resource, ranked by pressure = greatest of the two.
CREATE OR REPLACE VIEW use_saturation_ranking AS
WITH latest AS (SELECT max(bucket) AS b FROM use_1m),
recent AS (
    SELECT u.* FROM use_1m u, latest
    WHERE u.bucket > latest.b - INTERVAL '5 minutes' AND u.bucket <= latest.b
)
SELECT t.code AS tenant,
       d.urn AS resource,
       d.kind AS resource_kind,
       max(r.bucket) AS last_bucket,
       max(r.saturation) AS max_saturation,
       (array_agg(r.saturation_component ORDER BY r.saturation DESC NULLS LAST, r.bucket DESC))[1] AS saturation_component,
       max(r.utilization) AS max_utilization,
       (array_agg(r.utilization_component ORDER BY r.utilization DESC NULLS LAST, r.bucket DESC))[1] AS utilization_component,
       max(r.errors_per_s) AS max_errors_per_s,
       GREATEST(coalesce(max(r.saturation), 0), coalesce(max(r.utilization), 0)) AS pressure
FROM recent r
JOIN dim_tenant t USING (tenant_id)
JOIN dim_resource d USING (resource_id)
GROUP BY t.code, d.urn, d.kind;
