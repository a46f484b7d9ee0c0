package org.otlpanalytics.jobs.sink.clickhouse;

import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.ARRAY_INT64;
import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.INT32;
import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.INT64;
import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.NULLABLE_INT64;
import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.NULLABLE_STRING;
import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.STRING;
import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.TIME_MILLIS;
import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.TIME_NANOS;
import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.UINT8;
import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.VERSION;

import java.util.List;
import org.otlpanalytics.operators.logs.LogPatternRow;

/**
 * Rows of {@code log_pattern}, one per emission of a pattern (sql/clickhouse/030_log_pattern.sql):
 * the view {@code log_pattern_current} merges them as PostgreSQL's upsert does. Their {@code version}
 * is the snapshot's event time in nanoseconds ({@link LogPatternRow#snapshotMillis}), not the
 * writer's clock: rows of one fingerprint may reach the writers out of the order emitted (a batch
 * exchange reorders them, and different writer subtasks may write them), and the view's
 * {@code argMax(pattern | aliases | merged_into, version)} and the table's replacing merge must keep
 * the newest snapshot, whatever was written last.
 */
public final class LogPatternRowMapper implements ClickHouseRowMapper<LogPatternRow> {
    private static final long serialVersionUID = 1L;
    static final List<ChColumn> COLUMNS = List.of(ChColumn.of("fingerprint_id", INT64), ChColumn.of("tenant", STRING),
            ChColumn.of("service", STRING), ChColumn.of("service_namespace", STRING), ChColumn.of("service_urn", STRING),
            ChColumn.of("pattern", STRING), ChColumn.of("sample", STRING), ChColumn.of("sample_time", TIME_NANOS),
            ChColumn.of("sample_partition", INT32), ChColumn.of("sample_offset", INT64),
            ChColumn.of("severity_number", UINT8), ChColumn.of("severity_text", NULLABLE_STRING),
            ChColumn.of("first_seen", TIME_MILLIS), ChColumn.of("last_seen", TIME_MILLIS), ChColumn.of("aliases", ARRAY_INT64),
            ChColumn.of("merged_into", NULLABLE_INT64), ChColumn.of("version", VERSION));

    @Override
    public String table() {
        return "log_pattern";
    }

    @Override
    public List<ChColumn> columns() {
        return COLUMNS;
    }

    @Override
    public void write(LogPatternRow r, RowBinaryRow row) {
        row.int64(r.fingerprintId).string(r.tenant).string(r.serviceName).string(r.serviceNamespace).string(r.serviceUrn)
                .string(r.pattern).string(r.sample).timeNanos(r.sampleTimeNanos).int32(r.samplePartition)
                .int64(r.sampleOffset).uint8(r.severityNumber).nullableString(r.severityText).timeMillis(r.firstSeenMillis)
                .timeMillis(r.lastSeenMillis).int64Array(r.aliases).nullableInt64(r.mergedInto).version(version(r));
    }

    /** The snapshot's event time in nanoseconds (as the other versions, which are the wall clock's). */
    static long version(LogPatternRow r) {
        return r.snapshotMillis * 1_000_000L;
    }

    /**
     * The sorting key and the snapshot: two snapshots with one {@code last_seen} (a pattern merged
     * away without a new record) are both sent, and the table keeps the newer, in whichever order they came.
     */
    @Override
    public Object key(LogPatternRow r) {
        return List.of(r.tenant, r.serviceUrn, r.fingerprintId, r.lastSeenMillis, r.snapshotMillis);
    }
}
