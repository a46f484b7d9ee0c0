package org.otlpanalytics.operators.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class MetricOptionsTest {
    @Test
    void defaultsAreTheDocumentedOnes() {
        MetricOptions o = MetricOptions.defaults();
        assertThat(o.allowedLatenessMillis()).isEqualTo(120_000);
        assertThat(o.seriesIdleTimeoutMillis()).isEqualTo(900_000);
        assertThat(o.maxSeriesPerResource()).isEqualTo(5000);
        assertThat(o.firstPointMaxInterval()).isEqualTo(Duration.ofMinutes(5));
        assertThat(o.kllK()).isEqualTo(200);
    }

    @Test
    void rejectsInvalidSettingsNamingTheKey() {
        assertThatThrownBy(() -> MetricOptions.builder().allowedLateness(Duration.ofSeconds(-1)).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("metrics.allowed-lateness");
        assertThatThrownBy(() -> MetricOptions.builder().seriesIdleTimeout(Duration.ofSeconds(10)).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("metrics.series-idle-timeout");
        assertThatThrownBy(() -> MetricOptions.builder().maxSeriesPerResource(-1).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("metrics.max-series-per-resource");
        assertThatThrownBy(() -> MetricOptions.builder().kllK(4).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("metrics.kll-k");
    }
}
