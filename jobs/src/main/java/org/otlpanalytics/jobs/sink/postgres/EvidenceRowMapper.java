package org.otlpanalytics.jobs.sink.postgres;

import java.util.List;
import org.otlpanalytics.operators.incidents.EvidenceRow;

/** Upserts of {@code evidence_link}. */
public final class EvidenceRowMapper implements PgRowMapper<EvidenceRow> {
    private static final long serialVersionUID = 1L;

    static final String UPSERT = "INSERT INTO evidence_link (event_id, dim, ref, tenant_id, detail, score) VALUES (?, ?, ?, ?, ?, ?) "
            + "ON CONFLICT (event_id, dim, ref) DO UPDATE SET detail = EXCLUDED.detail, score = EXCLUDED.score";

    @Override
    public List<PgStatement> statements() {
        return List.of(new PgStatement("evidence_link", UPSERT));
    }

    @Override
    public void map(EvidenceRow r, PgBatch b) {
        b.add(0, List.of(r.eventId, r.dim, r.ref), r.eventId, r.dim, r.ref, DimensionRows.tenantId(r.tenant), r.detail,
                Double.isFinite(r.score) ? r.score : 0.0);
    }
}
