package org.otlpanalytics.jobs.sink.clickhouse;

import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.FLOAT64;
import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.INT64;
import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.NULLABLE_STRING;
import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.STRING;
import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.VERSION;

import java.util.List;
import org.otlpanalytics.operators.incidents.EvidenceRow;

/** Rows of {@code evidence_link} (sql/clickhouse/110_evidence_link.sql), keyed by (tenant, event, dim, ref). */
public final class EvidenceRowMapper implements ClickHouseRowMapper<EvidenceRow> {
    private static final long serialVersionUID = 1L;
    static final List<ChColumn> COLUMNS = List.of(ChColumn.of("event_id", INT64), ChColumn.of("tenant", STRING),
            ChColumn.of("dim", STRING), ChColumn.of("ref", STRING), ChColumn.of("detail", NULLABLE_STRING),
            ChColumn.of("score", FLOAT64), ChColumn.of("version", VERSION));

    @Override
    public String table() {
        return "evidence_link";
    }

    @Override
    public List<ChColumn> columns() {
        return COLUMNS;
    }

    @Override
    public void write(EvidenceRow r, RowBinaryRow row) {
        row.int64(r.eventId).string(r.tenant).string(r.dim).string(r.ref).nullableString(r.detail)
                .float64(IncidentRowMapper.finite(r.score)).version();
    }

    @Override
    public Object key(EvidenceRow r) {
        return List.of(r.tenant, r.eventId, r.dim, r.ref);
    }
}
