package org.otlpanalytics.jobs.sink.clickhouse;

import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.ARRAY_STRING;
import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.ARRAY_UINT32;
import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.ARRAY_UINT64;
import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.BYTES;
import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.DATETIME;
import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.FLOAT64;
import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.STRING;
import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.UINT64;
import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.VERSION;

import java.util.List;
import org.otlpanalytics.jobs.sink.rejected.KafkaOrigin;
import org.otlpanalytics.operators.red.SpanAttrRow;
import org.otlpanalytics.operators.sketch.HllRegisters;

/** Rows of {@code span_attr_1m} (sql/clickhouse/025_span_attr_1m.sql): top values and distinct counts of span dimensions. */
public final class SpanAttrRowMapper implements ClickHouseRowMapper<SpanAttrRow> {
    private static final long serialVersionUID = 1L;
    static final List<ChColumn> COLUMNS = List.of(ChColumn.of("bucket", DATETIME), ChColumn.of("tenant", STRING),
            ChColumn.of("service", STRING), ChColumn.of("service_namespace", STRING), ChColumn.of("service_urn", STRING),
            ChColumn.of("attribute", STRING), ChColumn.of("spans", UINT64), ChColumn.of("items", ARRAY_STRING),
            ChColumn.of("counts", ARRAY_UINT64), ChColumn.of("max_error", UINT64), ChColumn.of("distinct_values", FLOAT64),
            ChColumn.of("hll_regs", ARRAY_UINT32), ChColumn.of("hll", BYTES), ChColumn.of("items_sketch", BYTES),
            ChColumn.of("kafka_offsets", STRING), ChColumn.of("version", VERSION));

    private final String topic;

    /** {@code topic}: the spans topic, named in kafka_offsets. */
    public SpanAttrRowMapper(String topic) {
        this.topic = topic;
    }

    @Override
    public String table() {
        return "span_attr_1m";
    }

    @Override
    public List<ChColumn> columns() {
        return COLUMNS;
    }

    @Override
    public void write(SpanAttrRow r, RowBinaryRow row) {
        row.dateTime(r.bucketStartMillis).string(r.tenant).string(r.serviceName).string(r.serviceNamespace)
                .string(r.serviceUrn).string(r.attribute).uint64(r.spans).stringArray(r.items).uint64Array(r.counts)
                .uint64(r.maxError).float64(r.distinctValues).uint32Array(HllRegisters.packed(r.hllRegisters)).bytes(r.hll)
                .bytes(r.itemsSketch).string(ClickHouseRowMapper.offsets(topic, r.range)).version();
    }

    @Override
    public Object key(SpanAttrRow r) {
        return List.of(r.bucketStartMillis, r.tenant, r.serviceUrn, r.attribute);
    }

    @Override
    public KafkaOrigin origin(SpanAttrRow r) {
        return KafkaOrigin.of(topic, r.range);
    }
}
