-- analyze: OUT/clickhouse/event_envelope.csv: every incident in its latest state (FINAL).
SELECT
    event_id,
    tenant,
    resource_urn,
    resource_name,
    ifNull(peer_urn, '') AS peer_urn,
    kind,
    signal,
    severity,
    title,
    summary,
    concat(replaceOne(toString(opened_at), ' ', 'T'), 'Z') AS opened_at,
    if(isNull(closed_at), '', concat(replaceOne(toString(assumeNotNull(closed_at)), ' ', 'T'), 'Z')) AS closed_at,
    baseline,
    observed,
    deviations
FROM event_envelope FINAL
ORDER BY tenant, event_envelope.opened_at, event_id;
