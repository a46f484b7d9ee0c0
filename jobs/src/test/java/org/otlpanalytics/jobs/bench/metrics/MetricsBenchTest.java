package org.otlpanalytics.jobs.bench.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.otlpanalytics.jobs.bench.RoundRatios;

class MetricsBenchTest {
    @Test
    void eachRoundIsComparedWithItsOwnBaseline() {
        // round 2 ran under heavier load: both of its runs slowed, its ratio did not
        double[] decode = {10, 20, 11};
        double[] metrics = {16, 32, 22};
        double[] ratios = MetricsBench.roundRatios(decode, metrics);
        assertThat(RoundRatios.format(ratios)).isEqualTo("0.63,0.63,0.50");
        assertThat(RoundRatios.median(ratios)).isEqualTo(0.625);
    }

    @Test
    void roundCountsMustMatch() {
        assertThatThrownBy(() -> MetricsBench.roundRatios(new double[] {1, 2}, new double[] {1}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void secondsAndCpuAreReadPerRun() {
        MetricsBench.Run[] runs = {new MetricsBench.Run(2.5, 4.0), new MetricsBench.Run(3.0, 5.5)};
        assertThat(MetricsBench.seconds(runs)).containsExactly(2.5, 3.0);
        assertThat(MetricsBench.cpuSeconds(runs)).containsExactly(4.0, 5.5);
    }

    @Test
    void decodingIsRepeatedToLastTenSecondsWithinBounds() {
        assertThat(MetricsBench.decodeRepeats(2.8)).isEqualTo(4); // 11.2 s
        assertThat(MetricsBench.decodeRepeats(10)).isEqualTo(1);
        assertThat(MetricsBench.decodeRepeats(25)).isEqualTo(1);
        assertThat(MetricsBench.decodeRepeats(0.1)).isEqualTo(MetricsBench.MAX_DECODE_REPEATS);
        assertThat(MetricsBench.decodeRepeats(0)).isEqualTo(1);
    }
}
