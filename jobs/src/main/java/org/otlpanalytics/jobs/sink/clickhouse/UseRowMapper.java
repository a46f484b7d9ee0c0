package org.otlpanalytics.jobs.sink.clickhouse;

import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.ARRAY_STRING;
import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.DATETIME;
import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.NULLABLE_FLOAT64;
import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.NULLABLE_STRING;
import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.STRING;
import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.VERSION;

import java.util.List;
import org.otlpanalytics.operators.metrics.UseRow;

/** Rows of {@code use_1m} (sql/clickhouse/060_use_1m.sql). */
public final class UseRowMapper implements ClickHouseRowMapper<UseRow> {
    private static final long serialVersionUID = 1L;
    static final List<ChColumn> COLUMNS = List.of(ChColumn.of("bucket", DATETIME), ChColumn.of("tenant", STRING),
            ChColumn.of("resource_urn", STRING), ChColumn.of("resource_kind", STRING),
            ChColumn.of("utilization", NULLABLE_FLOAT64), ChColumn.of("utilization_component", NULLABLE_STRING),
            ChColumn.of("saturation", NULLABLE_FLOAT64), ChColumn.of("saturation_component", NULLABLE_STRING),
            ChColumn.of("errors_per_s", NULLABLE_FLOAT64), ChColumn.of("contributors", ARRAY_STRING),
            ChColumn.of("version", VERSION));

    @Override
    public String table() {
        return "use_1m";
    }

    @Override
    public List<ChColumn> columns() {
        return COLUMNS;
    }

    @Override
    public void write(UseRow u, RowBinaryRow row) {
        row.dateTime(u.bucketStartMillis).string(u.tenant).string(u.resourceUrn)
                .string(ClickHouseRowMapper.resourceKind(u.resourceUrn)).nullableFloat64(u.utilization)
                .nullableString(u.utilizationComponent).nullableFloat64(u.saturation).nullableString(u.saturationComponent)
                .nullableFloat64(u.errorsPerSecond).stringArray(u.contributors).version();
    }

    @Override
    public Object key(UseRow u) {
        return List.of(u.bucketStartMillis, u.tenant, u.resourceUrn);
    }
}
