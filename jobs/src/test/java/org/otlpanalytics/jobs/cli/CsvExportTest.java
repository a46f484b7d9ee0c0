package org.otlpanalytics.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CsvExportTest {
    @Test
    void quotesOnlyWhatRfc4180Requires() {
        assertThat(CsvExport.quote("GET /cart")).isEqualTo("GET /cart");
        assertThat(CsvExport.quote("a,b")).isEqualTo("\"a,b\"");
        assertThat(CsvExport.quote("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
        assertThat(CsvExport.quote("two\nlines")).isEqualTo("\"two\nlines\"");
    }
}
