-- The pattern dictionary collapsed to one row per fingerprint, merged as PostgreSQL's upsert merges it
-- (see 030_log_pattern.sql). A plain view: on a server that cannot replace views, changing it means
-- DROP VIEW log_pattern_current first. Nullable columns are wrapped in a tuple so that argMax does not
-- skip a NULL (the latest merged_into of a pattern that was never merged is NULL). The inner names
-- differ from the columns' because old servers refuse an alias that shadows a column it is computed from.

CREATE VIEW IF NOT EXISTS log_pattern_current AS
SELECT
    fingerprint_id,
    m_tenant AS tenant,
    m_service AS service,
    m_service_namespace AS service_namespace,
    m_service_urn AS service_urn,
    m_pattern AS pattern,
    m_sample AS sample,
    m_first_sample.1 AS sample_time,
    m_first_sample.2 AS sample_partition,
    m_first_sample.3 AS sample_offset,
    m_severity_number AS severity_number,
    m_severity_text AS severity_text,
    m_first_seen AS first_seen,
    m_last_seen AS last_seen,
    m_aliases AS aliases,
    m_merged_into AS merged_into
FROM
(
    SELECT
        fingerprint_id,
        any(tenant) AS m_tenant,
        any(service) AS m_service,
        any(service_namespace) AS m_service_namespace,
        any(service_urn) AS m_service_urn,
        argMax(pattern, version) AS m_pattern,
        argMin(sample, (sample_time, sample_partition, sample_offset)) AS m_sample,
        min((sample_time, sample_partition, sample_offset)) AS m_first_sample,
        max(severity_number) AS m_severity_number,
        argMax(tuple(severity_text), (severity_number, version)).1 AS m_severity_text,
        min(first_seen) AS m_first_seen,
        max(last_seen) AS m_last_seen,
        argMax(aliases, version) AS m_aliases,
        argMax(tuple(merged_into), version).1 AS m_merged_into
    FROM log_pattern
    GROUP BY fingerprint_id
);
