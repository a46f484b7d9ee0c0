package org.otlpanalytics.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.otlpanalytics.tests.support.ClickHouseResults;

/** {@link ClickHouseResults}: a FORMAT JSON answer (as ClickHouse 18.16 and current ones print it) as typed rows. */
class ClickHouseResultsTest {
    @Test
    void valuesTakeTheirColumnsTypes() {
        String json = "{\"meta\": [{\"name\": \"time\", \"type\": \"DateTime('UTC')\"}, {\"name\": \"t64\", \"type\": \"Nullable(DateTime64(3, 'UTC'))\"},"
                + " {\"name\": \"calls\", \"type\": \"UInt64\"}, {\"name\": \"p95\", \"type\": \"Nullable(Float64)\"},"
                + " {\"name\": \"name\", \"type\": \"LowCardinality(String)\"}, {\"name\": \"k\", \"type\": \"Array(Int32)\"}],"
                + " \"data\": [{\"time\": \"2026-06-10 10:05:00\", \"t64\": \"2026-06-10 10:05:00.125\", \"calls\": \"18446744073709551\","
                + " \"p95\": 12.5, \"name\": \"checkout\", \"k\": [-2147483648, 3]},"
                + " {\"time\": \"2026-06-10 10:06:00\", \"t64\": null, \"calls\": \"0\", \"p95\": null, \"name\": \"\", \"k\": []}],"
                + " \"rows\": 2}";
        List<Map<String, Object>> rows = ClickHouseResults.rows(json);
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0)).containsExactly(Map.entry("time", Instant.parse("2026-06-10T10:05:00Z")),
                Map.entry("t64", Instant.parse("2026-06-10T10:05:00.125Z")), Map.entry("calls", 18446744073709551L),
                Map.entry("p95", 12.5), Map.entry("name", "checkout"), Map.entry("k", List.of(-2147483648L, 3L)));
        assertThat(rows.get(1).get("t64")).isNull();
        assertThat(rows.get(1).get("p95")).isNull();
        assertThat(rows.get(1).get("calls")).isEqualTo(0L);
    }
}
