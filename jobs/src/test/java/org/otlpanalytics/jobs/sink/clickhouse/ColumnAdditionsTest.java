package org.otlpanalytics.jobs.sink.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ColumnAdditionsTest {
    static final String ALTER = "ALTER TABLE red_1m\n    ADD COLUMN IF NOT EXISTS duration_min_ms Nullable(Float64),\n"
            + "    ADD COLUMN IF NOT EXISTS duration_idx Array(Int32),\n    ADD COLUMN IF NOT EXISTS note String DEFAULT 'a, b'";

    @Test
    void onlyTheMissingColumnsAreAddedOneStatementEach() {
        ColumnAdditions a = ColumnAdditions.parse(ALTER);
        assertThat(a.table()).isEqualTo("red_1m");
        assertThat(a.columns()).extracting(ColumnAdditions.Column::name).containsExactly("duration_min_ms", "duration_idx", "note");
        assertThat(a.missing(Set.of("bucket", "duration_idx"))).containsExactly(
                "ALTER TABLE red_1m ADD COLUMN duration_min_ms Nullable(Float64)",
                "ALTER TABLE red_1m ADD COLUMN note String DEFAULT 'a, b'");
        assertThat(a.missing(Set.of("duration_min_ms", "duration_idx", "note"))).isEmpty();
    }

    @Test
    void otherStatementsAreNotAdditions() {
        assertThat(ColumnAdditions.parse("CREATE TABLE IF NOT EXISTS t (a UInt8) ENGINE = Log")).isNull();
        assertThatThrownBy(() -> ColumnAdditions.parse("ALTER TABLE t ADD COLUMN IF NOT EXISTS a UInt8, DROP COLUMN b"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("DROP COLUMN b");
    }

    @Test
    void everyShippedAlterIsAnAdditionOfColumnsTheCreateAlsoHas() {
        int alters = 0;
        for (Map.Entry<String, String> f : ClickHouseSqlFiles.schema().entrySet()) {
            List<String> created = new ArrayList<>();
            for (String s : ClickHouseDdl.statements(f.getValue())) {
                if (s.startsWith("CREATE TABLE")) {
                    created.add(s);
                }
                ColumnAdditions a = ColumnAdditions.parse(s);
                if (s.startsWith("ALTER")) {
                    assertThat(a).as(f.getKey()).isNotNull();
                    alters++;
                    // a fresh database gets the same columns from the CREATE
                    assertThat(created).as(f.getKey()).hasSize(1);
                    for (ColumnAdditions.Column c : a.columns()) {
                        assertThat(created.get(0)).as(f.getKey()).containsPattern("\\n\\s+" + c.name() + "\\s+" + java.util.regex.Pattern.quote(c.definition()) + ",?\\n");
                    }
                }
            }
        }
        assertThat(alters).isEqualTo(2);
    }
}
