package org.otlpanalytics.jobs.sink.postgres;

import java.util.ArrayList;
import java.util.List;
import org.otlpanalytics.operators.topology.TopoEdgeRow;

/**
 * Upserts of {@code topo_edge_time} intervals (with their tenant and resources). An interval is
 * identified by its lower bound, so the closed row of an interval replaces its open row; both
 * bounds are bound parameters, the upper one NULL (unbounded) while the interval is open.
 */
public final class TopoEdgeRowMapper implements PgRowMapper<TopoEdgeRow> {
    private static final long serialVersionUID = 1L;
    private static final int TOPO = DimensionRows.STATEMENTS.size();

    static final String UPSERT_TOPO = "INSERT INTO topo_edge_time (tenant_id, src_resource_id, dst_resource_id, relation, "
            + "valid, connection_type) VALUES (?, ?, ?, ?, tstzrange(?, ?, '[]'), ?) "
            + "ON CONFLICT (tenant_id, src_resource_id, dst_resource_id, relation, (lower(valid))) DO UPDATE SET "
            + "valid = EXCLUDED.valid, connection_type = EXCLUDED.connection_type";

    @Override
    public List<PgStatement> statements() {
        List<PgStatement> s = new ArrayList<>(DimensionRows.STATEMENTS);
        s.add(new PgStatement("topo_edge_time", UPSERT_TOPO));
        return s;
    }

    @Override
    public void map(TopoEdgeRow r, PgBatch b) {
        long tenantId = DimensionRows.tenant(b, r.tenant);
        long src = ServiceCallRowMapper.resource(b, tenantId, r.callerUrn, r.callerName);
        long dst = ServiceCallRowMapper.resource(b, tenantId, r.calleeUrn, r.calleeName);
        List<Object> key = List.of(tenantId, src, dst, r.relation, r.validFromMillis);
        b.add(TOPO, key, tenantId, src, dst, r.relation, PgParams.ts(r.validFromMillis),
                r.open ? null : PgParams.ts(r.validToMillis), r.connectionType);
    }
}
