package org.otlpanalytics.jobs.sink.clickhouse;

import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.DATETIME;
import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.STRING;
import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.UINT64;
import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.VERSION;

import java.util.List;
import org.otlpanalytics.operators.ingest.DeadLetterCount;

/**
 * Rows of {@code dead_letter_1m} (sql/clickhouse/120_dead_letter_1m.sql): a minute's dead-letter total
 * so far; the table keeps the greatest total of a key (ReplacingMergeTree(dead_letters)).
 */
public final class DeadLetterCountRowMapper implements ClickHouseRowMapper<DeadLetterCount> {
    private static final long serialVersionUID = 1L;
    static final List<ChColumn> COLUMNS = List.of(ChColumn.of("bucket", DATETIME), ChColumn.of("source_topic", STRING),
            ChColumn.of("stage", STRING), ChColumn.of("kind", STRING), ChColumn.of("dead_letters", UINT64),
            ChColumn.of("version", VERSION));

    @Override
    public String table() {
        return "dead_letter_1m";
    }

    @Override
    public List<ChColumn> columns() {
        return COLUMNS;
    }

    @Override
    public void write(DeadLetterCount r, RowBinaryRow row) {
        row.dateTime(r.bucketStartMillis).string(r.sourceTopic).string(r.stage).string(r.kind).uint64(r.deadLetters).version();
    }

    @Override
    public Object key(DeadLetterCount r) {
        return List.of(r.bucketStartMillis, r.sourceTopic, r.stage, r.kind);
    }
}
