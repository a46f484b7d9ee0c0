package org.otlpanalytics.jobs.sink.clickhouse;

import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.ARRAY_FLOAT64;
import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.ARRAY_INT32;
import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.ARRAY_UINT64;
import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.DATETIME;
import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.INT32;
import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.INT64;
import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.NULLABLE_BYTES;
import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.NULLABLE_FLOAT64;
import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.STRING;
import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.STRING_MAP;
import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.UINT64;
import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.VERSION;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.otlpanalytics.jobs.sink.rejected.KafkaOrigin;
import org.otlpanalytics.operators.metrics.MetricRow;

/** Rows of {@code metric_1m} (sql/clickhouse/050_metric_1m.sql); the attributes in key order. */
public final class MetricRowMapper implements ClickHouseRowMapper<MetricRow> {
    private static final long serialVersionUID = 1L;
    static final List<ChColumn> COLUMNS = List.of(ChColumn.of("bucket", DATETIME), ChColumn.of("tenant", STRING),
            ChColumn.of("resource_urn", STRING), ChColumn.of("service", STRING), ChColumn.of("service_urn", STRING),
            ChColumn.of("metric", STRING), ChColumn.of("labels_hash", INT64), ChColumn.of("labels", STRING_MAP),
            ChColumn.of("unit", STRING), ChColumn.of("metric_type", STRING), ChColumn.of("kind", STRING),
            ChColumn.of("points", UINT64), ChColumn.of("avg", NULLABLE_FLOAT64), ChColumn.of("min", NULLABLE_FLOAT64),
            ChColumn.of("max", NULLABLE_FLOAT64), ChColumn.of("p95", NULLABLE_FLOAT64), ChColumn.of("last", NULLABLE_FLOAT64),
            ChColumn.of("total", NULLABLE_FLOAT64), ChColumn.of("rate", NULLABLE_FLOAT64), ChColumn.of("count", UINT64),
            ChColumn.of("sum", NULLABLE_FLOAT64), ChColumn.of("value_kll", NULLABLE_BYTES),
            ChColumn.of("bucket_bounds", ARRAY_FLOAT64), ChColumn.of("bucket_counts", ARRAY_UINT64),
            ChColumn.of("exp_scale", INT32), ChColumn.of("exp_zero_count", UINT64), ChColumn.of("exp_positive_offset", INT32),
            ChColumn.of("exp_positive_counts", ARRAY_UINT64), ChColumn.of("exp_negative_offset", INT32),
            ChColumn.of("exp_negative_counts", ARRAY_UINT64), ChColumn.of("value_idx", ARRAY_INT32),
            ChColumn.of("value_cnt", ARRAY_UINT64), ChColumn.of("kafka_offsets", STRING),
            ChColumn.of("version", VERSION));

    private static final int[] NO_INTS = new int[0];
    private static final long[] NO_LONGS = new long[0];

    private final String topic;

    /** {@code topic}: the metrics topic, named in kafka_offsets. */
    public MetricRowMapper(String topic) {
        this.topic = topic;
    }

    @Override
    public String table() {
        return "metric_1m";
    }

    @Override
    public List<ChColumn> columns() {
        return COLUMNS;
    }

    @Override
    public void write(MetricRow r, RowBinaryRow row) {
        row.dateTime(r.bucketStartMillis).string(r.tenant).string(r.resourceUrn).string(r.serviceName).string(r.serviceUrn)
                .string(r.metric).int64(r.labelsHash).stringMap(r.attributes()).string(r.unit).string(lower(r.type))
                .string(lower(r.kind)).uint64(r.points).nullableFloat64(r.avg).nullableFloat64(r.min)
                .nullableFloat64(r.max).nullableFloat64(r.p95).nullableFloat64(r.last).nullableFloat64(r.total)
                .nullableFloat64(r.rate).uint64(r.count).nullableFloat64(r.sum).nullableBytes(r.kll)
                .float64Array(r.bucketBounds).uint64Array(r.bucketCounts).int32(r.expScale).uint64(r.expZeroCount)
                .int32(r.expPositiveOffset).uint64Array(r.expPositiveCounts).int32(r.expNegativeOffset)
                .uint64Array(r.expNegativeCounts).int32Array(r.valueIdx == null ? NO_INTS : r.valueIdx)
                .uint64Array(r.valueCnt == null ? NO_LONGS : r.valueCnt).string(ClickHouseRowMapper.offsets(topic, r.kafkaRange)).version();
    }

    private static String lower(Enum<?> e) {
        return e == null ? "" : e.name().toLowerCase(Locale.ROOT);
    }

    @Override
    public Object key(MetricRow r) {
        List<Object> k = new ArrayList<>(5);
        k.add(r.bucketStartMillis);
        k.add(r.tenant);
        k.add(r.resourceUrn);
        k.add(r.metric);
        k.add(r.labelsHash);
        return k;
    }

    @Override
    public KafkaOrigin origin(MetricRow r) {
        return KafkaOrigin.of(topic, r.kafkaRange);
    }
}
