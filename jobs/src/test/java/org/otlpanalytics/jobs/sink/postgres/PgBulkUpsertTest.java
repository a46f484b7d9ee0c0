package org.otlpanalytics.jobs.sink.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PgBulkUpsertTest {
    @Test
    void theBulkFormCopiesIntoAStagingTableLikeTheTableAndUpsertsWithTheStatementsConflictClause() {
        PgBulkUpsert b = PgBulkUpsert.of("INSERT INTO t (a, b, c) VALUES (?, ?, ?) "
                + "ON CONFLICT (a) DO UPDATE SET b = EXCLUDED.b, c = EXCLUDED.c");
        assertThat(b.createStage).isEqualTo(
                "CREATE TEMPORARY TABLE IF NOT EXISTS otlp_stage_t (LIKE t INCLUDING DEFAULTS) ON COMMIT DELETE ROWS");
        assertThat(b.copy).isEqualTo("COPY otlp_stage_t (a, b, c) FROM STDIN");
        assertThat(b.merge).isEqualTo("INSERT INTO t (a, b, c) SELECT a, b, c FROM otlp_stage_t "
                + "ON CONFLICT (a) DO UPDATE SET b = EXCLUDED.b, c = EXCLUDED.c");
    }

    @Test
    void theMetricUpsertHasABulkForm() {
        assertThat(PgBulkUpsert.of(MetricRowMapper.UPSERT_METRIC).table).isEqualTo("metric_1m");
        assertThat(new MetricRowMapper("t").statements()).filteredOn(s -> s.bulk).extracting(s -> s.name)
                .containsExactly("metric_1m");
    }

    @Test
    void statementsWithoutABulkFormAreRefused() {
        assertThatThrownBy(() -> PgStatement.bulk("x", "INSERT INTO t (a, b) VALUES (?, ?)"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PgStatement.bulk("x", "INSERT INTO t (a, b) VALUES (?) ON CONFLICT DO NOTHING"))
                .hasMessageContaining("2 columns but 1 parameters");
    }
}
