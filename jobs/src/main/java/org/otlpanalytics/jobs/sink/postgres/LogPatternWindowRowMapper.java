package org.otlpanalytics.jobs.sink.postgres;

import java.util.ArrayList;
import java.util.List;
import org.otlpanalytics.jobs.sink.rejected.KafkaOrigin;
import org.otlpanalytics.operators.logs.LogPatternWindowRow;
import org.otlpanalytics.operators.logs.TemplateFingerprint;

/** Upserts of {@code log_pattern_5m} rows (with their tenant, resource and Kafka locator). */
public final class LogPatternWindowRowMapper implements PgRowMapper<LogPatternWindowRow> {
    private static final long serialVersionUID = 1L;
    private static final int COUNTS = DimensionRows.STATEMENTS.size();

    static final String UPSERT_COUNTS = "INSERT INTO log_pattern_5m (bucket, tenant_id, resource_id, fingerprint_id, "
            + "count_total, count_error, sample_ref) VALUES (?, ?, ?, ?, ?, ?, ?) "
            + "ON CONFLICT (bucket, tenant_id, resource_id, fingerprint_id) DO UPDATE SET "
            + "count_total = EXCLUDED.count_total, count_error = EXCLUDED.count_error, sample_ref = EXCLUDED.sample_ref";

    private final String topic;

    public LogPatternWindowRowMapper(String topic) {
        this.topic = topic;
    }

    @Override
    public List<PgStatement> statements() {
        List<PgStatement> s = new ArrayList<>(DimensionRows.STATEMENTS);
        s.add(new PgStatement("log_pattern_5m", UPSERT_COUNTS));
        return s;
    }

    @Override
    public void map(LogPatternWindowRow r, PgBatch b) {
        long tenantId = DimensionRows.tenant(b, r.tenant);
        long resourceId = DimensionRows.resource(b, tenantId, r.serviceUrn, r.serviceName, r.serviceNamespace);
        Long locator = DimensionRows.locator(b, topic, r.range, "log_pattern_5m", r.tenant, r.serviceUrn,
                Long.toString(r.windowStartMillis), TemplateFingerprint.toHex(r.fingerprintId));
        List<Object> key = List.of(r.windowStartMillis, tenantId, resourceId, r.fingerprintId);
        b.add(COUNTS, key, PgParams.ts(r.windowStartMillis), tenantId, resourceId, r.fingerprintId, r.countTotal,
                r.countError, locator);
    }

    @Override
    public KafkaOrigin origin(LogPatternWindowRow r) {
        return KafkaOrigin.of(topic, r.range);
    }
}
