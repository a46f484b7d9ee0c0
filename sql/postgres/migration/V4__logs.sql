-- Log fingerprints: the pattern dictionary (log_pattern) and 5-minute counts per fingerprint
-- (log_pattern_5m). Plain PostgreSQL; TimescaleSetup makes log_pattern_5m a hypertable with
-- compression, 180-day retention and an hourly continuous aggregate when the extension is present
-- (sql/postgres/timescaledb.sql).
-- fingerprint_id is the signed 64-bit template fingerprint (TemplateFingerprint): a fixed-seed hash
-- of tenant, service URN and the template text when its cluster was created; exports print it as
-- 16 hex digits (lpad(to_hex(fingerprint_id), 16, '0')).

CREATE TABLE IF NOT EXISTS log_pattern (
    fingerprint_id        BIGINT PRIMARY KEY,
    tenant_id             BIGINT NOT NULL,
    resource_id           BIGINT NOT NULL,     -- the service (urn:svc:<namespace>/<service.name>)
    pattern               TEXT NOT NULL,       -- variables printed as <*>
    sample                TEXT NOT NULL,       -- earliest record by (time, partition, offset), cut to 1024 chars
    sample_time           TIMESTAMPTZ NOT NULL,
    sample_time_unix_nano BIGINT NOT NULL,
    sample_partition      INT NOT NULL,        -- the sample's Kafka coordinates in the logs topic
    sample_offset         BIGINT NOT NULL,
    severity_number       SMALLINT NOT NULL,   -- highest OTLP severity number seen (17+ = error)
    severity_text         TEXT,                -- the text of a record with that severity
    first_seen            TIMESTAMPTZ NOT NULL,
    last_seen             TIMESTAMPTZ NOT NULL,
    aliases               BIGINT[] NOT NULL DEFAULT '{}',  -- fingerprints merged into this one
    merged_into           BIGINT               -- set when this fingerprint was merged into another
);
CREATE INDEX IF NOT EXISTS log_pattern_resource ON log_pattern (tenant_id, resource_id);

CREATE TABLE IF NOT EXISTS log_pattern_5m (
    bucket          TIMESTAMPTZ NOT NULL,
    tenant_id       BIGINT NOT NULL,
    resource_id     BIGINT NOT NULL,
    fingerprint_id  BIGINT NOT NULL,
    count_total     BIGINT NOT NULL,
    count_error     BIGINT NOT NULL,            -- severity number >= 17 or an ERROR/FATAL severity text
    sample_ref      BIGINT,                     -- kafka_locator.id: offsets and times of the counted records
    PRIMARY KEY (bucket, tenant_id, resource_id, fingerprint_id)
);
CREATE INDEX IF NOT EXISTS log_pattern_5m_fingerprint_bucket ON log_pattern_5m (fingerprint_id, bucket DESC);
