package org.otlpanalytics.operators.common.time;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class WatermarkHorizonTest {
    @Test
    void restoresTheSmallestHorizonOfTheSubtasksThatHadOne() {
        assertThat(WatermarkHorizon.restoredValue(List.of(5_000L, 3_000L, 9_000L))).isEqualTo(3_000L);
        assertThat(WatermarkHorizon.restoredValue(Arrays.asList(Long.MIN_VALUE, 7_000L, null))).isEqualTo(7_000L);
        assertThat(WatermarkHorizon.restoredValue(List.of())).isEqualTo(Long.MIN_VALUE);
        assertThat(WatermarkHorizon.restoredValue(null)).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void neverKeepsTheEndOfInputWatermark() {
        WatermarkHorizon h = new WatermarkHorizon();
        h.observe(10L);
        h.observe(Long.MAX_VALUE);
        assertThat(h.current()).isEqualTo(10L);
        assertThat(WatermarkHorizon.restoredValue(List.of(Long.MAX_VALUE))).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void effectiveIsTheLargerOfHorizonAndCurrentWatermark() {
        WatermarkHorizon h = new WatermarkHorizon();
        h.observe(100L);
        h.observe(50L); // watermarks never go back
        assertThat(h.current()).isEqualTo(100L);
        assertThat(h.effective(Long.MIN_VALUE)).isEqualTo(100L);
        assertThat(h.effective(200L)).isEqualTo(200L);
    }
}
