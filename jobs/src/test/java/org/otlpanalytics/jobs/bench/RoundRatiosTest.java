package org.otlpanalytics.jobs.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RoundRatiosTest {
    @Test
    void medianOfOddAndEvenCounts() {
        assertThat(RoundRatios.median(new double[] {0.9, 0.3, 0.5})).isEqualTo(0.5);
        assertThat(RoundRatios.median(new double[] {0.4, 0.2})).isEqualTo(0.3, org.assertj.core.data.Offset.offset(1e-12));
        assertThatThrownBy(() -> RoundRatios.median(new double[0])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void medianLeavesTheRoundsInOrder() {
        double[] rounds = {0.9, 0.3, 0.5};
        RoundRatios.median(rounds);
        assertThat(RoundRatios.format(rounds)).isEqualTo("0.90,0.30,0.50");
    }
}
