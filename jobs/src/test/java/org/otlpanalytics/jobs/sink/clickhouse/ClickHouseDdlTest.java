package org.otlpanalytics.jobs.sink.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClickHouseDdlTest {
    static final String TABLE = String.join("\n",
            "-- a comment; with a semicolon inside",
            "CREATE TABLE IF NOT EXISTS t",
            "(",
            "    time   DateTime64(9, 'UTC') CODEC(Delta, ZSTD(1)),",
            "    seen   DateTime64(3),",
            "    tenant LowCardinality(String),",
            "    text   LowCardinality(Nullable(String)),",
            "    attrs  Map(LowCardinality(String), String) CODEC(ZSTD(1)),",
            "    INDEX t_tenant tenant TYPE bloom_filter(0.01) GRANULARITY 1",
            ")",
            "ENGINE = ReplacingMergeTree",
            "ORDER BY (tenant, time)",
            "TTL toDateTime(time) + INTERVAL 30 DAY",
            "SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1;",
            "",
            "CREATE VIEW IF NOT EXISTS v AS SELECT map('a', 'b') AS m, tenant FROM t;");

    @Test
    void splitsStatementsAtSemicolonsEndingALineAndDropsCommentLines() {
        List<String> s = ClickHouseDdl.statements(TABLE);
        assertThat(s).hasSize(2);
        assertThat(s.get(0)).startsWith("CREATE TABLE IF NOT EXISTS t").endsWith("ttl_only_drop_parts = 1");
        assertThat(s.get(1)).isEqualTo("CREATE VIEW IF NOT EXISTS v AS SELECT map('a', 'b') AS m, tenant FROM t");
    }

    @Test
    void rejectsTextWithoutFinalSemicolon() {
        assertThatThrownBy(() -> ClickHouseDdl.statements("CREATE TABLE x (a UInt8) ENGINE = Log"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("without ';'");
    }

    @Test
    void currentServersGetTheCommittedTextUnchanged() {
        for (Map.Entry<String, String> f : ClickHouseSqlFiles.schema().entrySet()) {
            for (String s : ClickHouseDdl.statements(f.getValue())) {
                assertThat(ClickHouseDdl.derive(s, ClickHouseVersion.CURRENT, true)).as(f.getKey()).isEqualTo(s);
            }
        }
        String t = ClickHouseDdl.statements(TABLE).get(0);
        assertThat(ClickHouseDdl.derive(t, ClickHouseVersion.CURRENT, true)).isEqualTo(t);
    }

    @Test
    void debianServerGetsPlainTypesAndNoTtlCodecOrIndex() {
        String old = ClickHouseDdl.derive(ClickHouseDdl.statements(TABLE).get(0), ClickHouseVersion.DEBIAN_18_16, true);
        assertThat(old).isEqualTo(String.join("\n",
                "CREATE TABLE IF NOT EXISTS t",
                "(",
                "    time   DateTime('UTC'),",
                "    seen   DateTime,",
                "    tenant String,",
                "    text   Nullable(String),",
                "    attrs  Nested(keys String, values String)",
                ")",
                "ENGINE = ReplacingMergeTree",
                "ORDER BY (tenant, time)",
                "SETTINGS index_granularity = 8192"));
        // map() the function is not the Map type
        String view = ClickHouseDdl.statements(TABLE).get(1);
        assertThat(ClickHouseDdl.derive(view, ClickHouseVersion.DEBIAN_18_16, true)).isEqualTo(view);
    }

    @Test
    void retentionOffDropsTtlOnCurrentServersToo() {
        String t = ClickHouseDdl.derive(ClickHouseDdl.statements(TABLE).get(0), ClickHouseVersion.CURRENT, false);
        assertThat(t).doesNotContain("TTL ").doesNotContain("ttl_only_drop_parts").contains("LowCardinality(String)")
                .contains("CODEC(ZSTD(1))").contains("SETTINGS index_granularity = 8192");
    }

    @Test
    void featuresFollowTheVersion() {
        ClickHouseVersion v = ClickHouseVersion.parse("21.8.15.7");
        assertThat(v.hasLowCardinality()).isTrue();
        assertThat(v.hasDateTime64()).isTrue();
        assertThat(v.hasMap()).isFalse();
        assertThat(ClickHouseVersion.parse("18.16.1").hasCodecs()).isFalse();
        assertThat(ClickHouseVersion.parse("26.7.2.1").hasMap()).isTrue();
        assertThatThrownBy(() -> ClickHouseVersion.parse("unknown")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void everyShippedFileIsReadableAndEveryTableHasItsReadRule() {
        Map<String, String> files = ClickHouseSqlFiles.schema();
        assertThat(files.keySet()).startsWith("010_red_1m.sql").contains("070_log_record.sql", "080_span.sql");
        assertThat(ClickHouseSqlFiles.queries()).isNotEmpty();
        for (Map.Entry<String, String> f : files.entrySet()) {
            for (String s : ClickHouseDdl.statements(f.getValue())) {
                if (s.startsWith("CREATE TABLE")) {
                    assertThat(s).as(f.getKey()).contains("ENGINE = ReplacingMergeTree").contains("IF NOT EXISTS");
                }
            }
        }
    }
}
