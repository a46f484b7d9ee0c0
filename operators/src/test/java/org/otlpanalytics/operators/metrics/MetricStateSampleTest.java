package org.otlpanalytics.operators.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.otlpanalytics.schemas.metrics.MetricPoint;

class MetricStateSampleTest {
    @Test
    void keysAreTheOperatorsOwn() {
        MetricPoint p = new MetricPoint();
        p.name = "system.cpu.time";
        p.labelsHash = 0x1234L;
        assertThat(MetricStateSample.converterKey(p)).isEqualTo(MetricDeltaConverter.seriesKey(p));
        assertThat(MetricStateSample.slot(60_000, p))
                .isEqualTo(new SeriesSlot(60_000, MetricMinuteAggregator.seriesHash("system.cpu.time", 0x1234L)));
    }
}
