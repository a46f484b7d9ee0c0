package org.otlpanalytics.jobs.sink.postgres;

import java.util.ArrayList;
import java.util.List;
import org.otlpanalytics.operators.incidents.IncidentRow;

/** Upserts of {@code event_envelope} (with their tenant and resources). */
public final class IncidentRowMapper implements PgRowMapper<IncidentRow> {
    private static final long serialVersionUID = 1L;
    private static final int EVENT = DimensionRows.STATEMENTS.size();

    static final String UPSERT = "INSERT INTO event_envelope (event_id, tenant_id, resource_id, peer_resource_id, kind, signal, "
            + "severity, title, summary, opened_at, closed_at, baseline, observed, deviations, labels) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb) ON CONFLICT (event_id) DO UPDATE SET "
            + "severity = EXCLUDED.severity, title = EXCLUDED.title, summary = EXCLUDED.summary, "
            + "closed_at = EXCLUDED.closed_at, baseline = EXCLUDED.baseline, observed = EXCLUDED.observed, "
            + "deviations = EXCLUDED.deviations, labels = EXCLUDED.labels";

    @Override
    public List<PgStatement> statements() {
        List<PgStatement> s = new ArrayList<>(DimensionRows.STATEMENTS);
        s.add(new PgStatement("event_envelope", UPSERT));
        return s;
    }

    @Override
    public void map(IncidentRow r, PgBatch b) {
        long tenantId = DimensionRows.tenant(b, r.tenant);
        long resource = ServiceCallRowMapper.resource(b, tenantId, r.resourceUrn, r.resourceName);
        Long peer = r.peerUrn == null ? null : ServiceCallRowMapper.resource(b, tenantId, r.peerUrn, r.peerName);
        StringBuilder labels = new StringBuilder("{\"resource\":");
        org.otlpanalytics.schemas.JsonText.appendQuoted(labels, r.resourceUrn);
        if (r.peerUrn != null) {
            labels.append(",\"peer\":");
            org.otlpanalytics.schemas.JsonText.appendQuoted(labels, r.peerUrn);
        }
        labels.append('}');
        b.add(EVENT, r.eventId, r.eventId, tenantId, resource, peer, r.kind, r.signal, r.severity, r.title, r.summary,
                PgParams.ts(r.openedMillis), r.closedMillis == null ? null : PgParams.ts(r.closedMillis),
                finite(r.baseline), finite(r.observed), finite(r.deviations), labels.toString());
    }

    static double finite(double v) {
        return Double.isFinite(v) ? v : 0.0;
    }
}
