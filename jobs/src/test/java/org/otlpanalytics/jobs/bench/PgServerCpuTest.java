package org.otlpanalytics.jobs.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PgServerCpuTest {
    @Test
    void statFieldsFollowTheCommandNameSoTheParentIsTheSecond() throws Exception {
        ProcessHandle self = ProcessHandle.current();
        String[] f = PgServerCpu.stat(self.pid());
        assertThat(Long.parseLong(f[1])).isEqualTo(self.parent().orElseThrow().pid());
        // utime and stime of a JVM that has run this far are counted in clock ticks, not negative
        assertThat(Long.parseLong(f[11]) + Long.parseLong(f[12])).isPositive();
    }

    @Test
    void withoutALocalServerTheCpuIsUnknown() {
        assertThat(PgServerCpu.none().seconds()).isNaN();
    }
}
