-- analyze: OUT/clickhouse/evidence_link.csv: the evidence of every incident (FINAL).
SELECT event_id, tenant, dim, ref, ifNull(detail, '') AS detail, score
FROM evidence_link FINAL
ORDER BY tenant, event_id, dim, ref;
