package org.otlpanalytics.jobs.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PgServerCpuTest {
    @Test
    void withoutALocalServerTheCpuIsUnknown() {
        assertThat(PgServerCpu.none().seconds()).isNaN();
    }
}
