package org.otlpanalytics.jobs.sink.clickhouse;

import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.FLOAT64;
import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.INT64;
import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.NULLABLE_STRING;
import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.NULLABLE_TIME_MILLIS;
import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.STRING;
import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.TIME_MILLIS;
import static org.otlpanalytics.jobs.sink.clickhouse.ChColumn.Kind.VERSION;

import java.util.List;
import org.otlpanalytics.operators.incidents.IncidentRow;

/**
 * Rows of {@code event_envelope} (sql/clickhouse/100_event_envelope.sql): an incident, rewritten as it
 * worsens and when it closes; the latest version wins. Non-finite numbers are written as 0, as the
 * PostgreSQL twin stores them.
 */
public final class IncidentRowMapper implements ClickHouseRowMapper<IncidentRow> {
    private static final long serialVersionUID = 1L;
    static final List<ChColumn> COLUMNS = List.of(ChColumn.of("event_id", INT64), ChColumn.of("tenant", STRING),
            ChColumn.of("resource_urn", STRING), ChColumn.of("resource_name", STRING), ChColumn.of("peer_urn", NULLABLE_STRING),
            ChColumn.of("peer_name", NULLABLE_STRING), ChColumn.of("kind", STRING), ChColumn.of("signal", STRING),
            ChColumn.of("severity", STRING), ChColumn.of("title", STRING), ChColumn.of("summary", STRING),
            ChColumn.of("opened_at", TIME_MILLIS), ChColumn.of("closed_at", NULLABLE_TIME_MILLIS),
            ChColumn.of("baseline", FLOAT64), ChColumn.of("observed", FLOAT64), ChColumn.of("deviations", FLOAT64),
            ChColumn.of("version", VERSION));

    @Override
    public String table() {
        return "event_envelope";
    }

    @Override
    public List<ChColumn> columns() {
        return COLUMNS;
    }

    @Override
    public void write(IncidentRow r, RowBinaryRow row) {
        row.int64(r.eventId).string(r.tenant).string(r.resourceUrn).string(r.resourceName).nullableString(r.peerUrn)
                .nullableString(r.peerUrn == null ? null : r.peerName).string(r.kind).string(r.signal).string(r.severity)
                .string(r.title).string(r.summary).timeMillis(r.openedMillis).nullableTimeMillis(r.closedMillis)
                .float64(finite(r.baseline)).float64(finite(r.observed)).float64(finite(r.deviations)).version();
    }

    @Override
    public Object key(IncidentRow r) {
        return List.of(r.tenant, r.openedMillis, r.eventId);
    }

    static double finite(double v) {
        return Double.isFinite(v) ? v : 0.0;
    }
}
