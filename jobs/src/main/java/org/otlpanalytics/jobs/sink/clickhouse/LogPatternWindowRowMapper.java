package org.otlpanalytics.jobs.sink.clickhouse;

import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.DATETIME;
import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.INT64;
import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.STRING;
import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.UINT64;
import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.VERSION;

import java.util.List;
import org.otlpanalytics.jobs.sink.rejected.KafkaOrigin;
import org.otlpanalytics.operators.logs.LogPatternWindowRow;

/** Rows of {@code log_pattern_5m} (sql/clickhouse/040_log_pattern_5m.sql). */
public final class LogPatternWindowRowMapper implements ClickHouseRowMapper<LogPatternWindowRow> {
    private static final long serialVersionUID = 1L;
    static final List<ChColumn> COLUMNS = List.of(ChColumn.of("bucket", DATETIME), ChColumn.of("tenant", STRING),
            ChColumn.of("service", STRING), ChColumn.of("service_namespace", STRING), ChColumn.of("service_urn", STRING),
            ChColumn.of("fingerprint_id", INT64), ChColumn.of("count_total", UINT64), ChColumn.of("count_error", UINT64),
            ChColumn.of("kafka_offsets", STRING), ChColumn.of("version", VERSION));

    private final String topic;

    /** {@code topic}: the logs topic, named in kafka_offsets. */
    public LogPatternWindowRowMapper(String topic) {
        this.topic = topic;
    }

    @Override
    public String table() {
        return "log_pattern_5m";
    }

    @Override
    public List<ChColumn> columns() {
        return COLUMNS;
    }

    @Override
    public void write(LogPatternWindowRow r, RowBinaryRow row) {
        row.dateTime(r.windowStartMillis).string(r.tenant).string(r.serviceName).string(r.serviceNamespace)
                .string(r.serviceUrn).int64(r.fingerprintId).uint64(r.countTotal).uint64(r.countError)
                .string(ClickHouseRowMapper.offsets(topic, r.range)).version();
    }

    @Override
    public Object key(LogPatternWindowRow r) {
        return List.of(r.windowStartMillis, r.tenant, r.serviceUrn, r.fingerprintId);
    }

    @Override
    public KafkaOrigin origin(LogPatternWindowRow r) {
        return KafkaOrigin.of(topic, r.range);
    }
}
