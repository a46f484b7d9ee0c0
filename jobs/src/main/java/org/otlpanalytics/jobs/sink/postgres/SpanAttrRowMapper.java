package org.otlpanalytics.jobs.sink.postgres;

import java.util.ArrayList;
import java.util.List;
import org.otlpanalytics.jobs.sink.rejected.KafkaOrigin;
import org.otlpanalytics.operators.red.SpanAttrRow;
import org.otlpanalytics.operators.sketch.HllRegisters;

/** Upserts of {@code span_attr_1m} rows (top values and distinct counts of span dimensions), with tenant, service and locator. */
public final class SpanAttrRowMapper implements PgRowMapper<SpanAttrRow> {
    private static final long serialVersionUID = 1L;
    private static final int SPAN_ATTR = DimensionRows.STATEMENTS.size();

    static final String UPSERT_SPAN_ATTR = "INSERT INTO span_attr_1m (bucket, tenant_id, resource_id, attribute, spans, "
            + "items, counts, max_error, distinct_values, hll_regs, hll, items_sketch, sample_ref) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            + "ON CONFLICT (bucket, tenant_id, resource_id, attribute) DO UPDATE SET spans = EXCLUDED.spans, "
            + "items = EXCLUDED.items, counts = EXCLUDED.counts, max_error = EXCLUDED.max_error, "
            + "distinct_values = EXCLUDED.distinct_values, hll_regs = EXCLUDED.hll_regs, hll = EXCLUDED.hll, "
            + "items_sketch = EXCLUDED.items_sketch, sample_ref = EXCLUDED.sample_ref";

    private final String topic;

    public SpanAttrRowMapper(String topic) {
        this.topic = topic;
    }

    @Override
    public List<PgStatement> statements() {
        List<PgStatement> s = new ArrayList<>(DimensionRows.STATEMENTS);
        s.add(new PgStatement("span_attr_1m", UPSERT_SPAN_ATTR));
        return s;
    }

    @Override
    public void map(SpanAttrRow r, PgBatch b) {
        long tenantId = DimensionRows.tenant(b, r.tenant);
        long resourceId = DimensionRows.resource(b, tenantId, r.serviceUrn, r.serviceName, r.serviceNamespace);
        // its own locator: the spans behind this row's range are not those of the minute's red_1m rows
        // (another operator, other spans), and two sink tasks must never write one locator id
        Long locator = DimensionRows.locator(b, topic, r.range, "span_attr_1m", r.tenant, r.serviceUrn,
                Long.toString(r.bucketStartMillis), r.attribute);
        List<Object> key = List.of(r.bucketStartMillis, tenantId, resourceId, r.attribute);
        b.add(SPAN_ATTR, key, PgParams.ts(r.bucketStartMillis), tenantId, resourceId, r.attribute, r.spans, r.items,
                r.counts, r.maxError, r.distinctValues, HllRegisters.packed(r.hllRegisters), r.hll, r.itemsSketch, locator);
    }

    @Override
    public KafkaOrigin origin(SpanAttrRow r) {
        return KafkaOrigin.of(topic, r.range);
    }
}
