package org.otlpanalytics.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClickHouseRangeCsvTest {
    @Test
    void roundsAsPostgresRoundsAFloat8AsNumeric() {
        assertThat(ClickHouseRangeCsv.rounded(12.3, 3)).isEqualTo("12.300");
        assertThat(ClickHouseRangeCsv.rounded(0, 1)).isEqualTo("0.0");
        // half away from zero at the decimal digit (numeric), not the binary value: 2.0005 is 2.000499999... as a double
        assertThat(ClickHouseRangeCsv.rounded(2.0005, 3)).isEqualTo("2.001");
        assertThat(ClickHouseRangeCsv.rounded(1234.56789, 1)).isEqualTo("1234.6");
        assertThat(ClickHouseRangeCsv.rounded(1.046015176740247, 3)).isEqualTo("1.046");
    }

    @Test
    void bothFilesHaveThePostgresColumns() {
        assertThat(ClickHouseRangeCsv.FILES.get("red_range").keySet()).containsExactly("tenant", "service", "operation", "span_kind",
                "calls", "errors", "p50_ms", "p95_ms", "p99_ms", "distinct_traces");
        assertThat(ClickHouseRangeCsv.FILES.get("service_range").keySet()).containsExactly("tenant", "service", "calls", "errors",
                "p50_ms", "p95_ms", "p99_ms", "distinct_traces");
    }
}
