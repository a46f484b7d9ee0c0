package org.otlpanalytics.jobs.sink.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class ClickHouseRangeSqlTest {
    static final Instant FROM = Instant.parse("2026-05-04T13:00:00Z");
    static final Instant TO = Instant.parse("2026-05-04T14:00:00Z");

    @Test
    void placeholdersBecomeNumbersOfSeconds() {
        assertThat(ClickHouseRangeSql.bind("WHERE bucket >= {t_from:DateTime} AND bucket < {t_to:DateTime}", FROM, TO))
                .isEqualTo("WHERE bucket >= toDateTime(1777899600, 'UTC') AND bucket < toDateTime(1777903200, 'UTC')");
        // a fraction of a second rounds up: the same buckets as the exact instant
        assertThat(ClickHouseRangeSql.bind("{t_to:DateTime}", FROM, TO.plusMillis(1))).isEqualTo("toDateTime(1777903201, 'UTC')");
    }

    @Test
    void otherPlaceholdersAreRefused() {
        assertThatThrownBy(() -> ClickHouseRangeSql.bind("attribute = {dimension:String}", FROM, TO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dimension");
        assertThatThrownBy(() -> ClickHouseRangeSql.bind("{t_from:String}", FROM, TO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("DateTime");
    }

    @Test
    void everyShippedRangeQueryIsBoundCompletely() {
        assertThat(ClickHouseSqlFiles.range().keySet()).containsExactly("red_range.sql", "service_range.sql", "span_attr_topk.sql");
        for (String name : new String[] {"red_range", "service_range", "span_attr_topk"}) {
            String q = ClickHouseRangeSql.bound(name, FROM, TO);
            assertThat(q).as(name).doesNotContain("{").doesNotContain("--").doesNotEndWith(";").contains("FINAL")
                    .contains("toDateTime(1777899600, 'UTC')").contains("toDateTime(1777903200, 'UTC')");
        }
        assertThatThrownBy(() -> ClickHouseRangeSql.bound("nope", FROM, TO)).isInstanceOf(IllegalArgumentException.class);
    }
}
