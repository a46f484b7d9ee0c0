package org.otlpanalytics.jobs.run;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HumanUnitsTest {
    @Test
    void ratesInThousandsAndMillions() {
        assertThat(HumanUnits.rate(0)).isEqualTo("0");
        assertThat(HumanUnits.rate(999.4)).isEqualTo("999");
        assertThat(HumanUnits.rate(1_000)).isEqualTo("1.0k");
        assertThat(HumanUnits.rate(12_750)).isEqualTo("12.8k");
        assertThat(HumanUnits.rate(1_500_000)).isEqualTo("1.5M");
    }

    @Test
    void sizesInBinaryUnits() {
        assertThat(HumanUnits.bytes(1023)).isEqualTo("1023 B");
        assertThat(HumanUnits.bytes(1536)).isEqualTo("1.5 kB");
        assertThat(HumanUnits.bytes(3L << 20)).isEqualTo("3.0 MB");
        assertThat(HumanUnits.bytes(5L << 29)).isEqualTo("2.5 GB");
    }
}
