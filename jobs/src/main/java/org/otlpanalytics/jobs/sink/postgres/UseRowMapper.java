package org.otlpanalytics.jobs.sink.postgres;

import java.util.ArrayList;
import java.util.List;
import org.otlpanalytics.operators.metrics.UseRow;

/** Upserts of {@code use_1m} rows (with their tenant and resource). */
public final class UseRowMapper implements PgRowMapper<UseRow> {
    private static final long serialVersionUID = 1L;
    private static final int USE = DimensionRows.STATEMENTS.size();

    static final String UPSERT_USE = "INSERT INTO use_1m (bucket, tenant_id, resource_id, utilization, "
            + "utilization_component, saturation, saturation_component, errors_per_s, contributors) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
            + "ON CONFLICT (bucket, tenant_id, resource_id) DO UPDATE SET utilization = EXCLUDED.utilization, "
            + "utilization_component = EXCLUDED.utilization_component, saturation = EXCLUDED.saturation, "
            + "saturation_component = EXCLUDED.saturation_component, errors_per_s = EXCLUDED.errors_per_s, "
            + "contributors = EXCLUDED.contributors";

    @Override
    public List<PgStatement> statements() {
        List<PgStatement> s = new ArrayList<>(DimensionRows.STATEMENTS);
        s.add(new PgStatement("use_1m", UPSERT_USE));
        return s;
    }

    @Override
    public void map(UseRow u, PgBatch b) {
        long tenantId = b.dimensions().tenant(b, u.tenant);
        long resourceId = MetricRowMapper.resource(b, tenantId, u.resourceUrn);
        List<Object> key = List.of(u.bucketStartMillis, tenantId, resourceId);
        b.add(USE, key, PgParams.ts(u.bucketStartMillis), tenantId, resourceId, u.utilization, u.utilizationComponent,
                u.saturation, u.saturationComponent, u.errorsPerSecond,
                new PgParams.Json(MetricRowMapper.jsonStrings(u.contributors == null ? new String[0] : u.contributors)));
    }
}
