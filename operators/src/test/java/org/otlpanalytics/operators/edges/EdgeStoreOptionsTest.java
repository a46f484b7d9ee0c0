package org.otlpanalytics.operators.edges;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class EdgeStoreOptionsTest {

    @Test
    void shouldDefaultToTenSecondsAndHundredThousandItems() {
        EdgeStoreOptions o = EdgeStoreOptions.defaults();

        assertThat(o.ttlMillis()).isEqualTo(10_000L);
        assertThat(o.maxItems()).isEqualTo(100_000);
    }

    @Test
    void shouldTakeSettings() {
        EdgeStoreOptions o = EdgeStoreOptions.builder().ttl(Duration.ofSeconds(30)).maxItems(5).build();

        assertThat(o.ttlMillis()).isEqualTo(30_000L);
        assertThat(o.maxItems()).isEqualTo(5);
    }

    @Test
    void rejectsNonPositiveTtl() {
        assertThatThrownBy(() -> EdgeStoreOptions.builder().ttl(Duration.ZERO).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("edges.store.ttl");
        assertThatThrownBy(() -> EdgeStoreOptions.builder().ttl(null).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("edges.store.ttl");
        assertThatThrownBy(() -> EdgeStoreOptions.builder().ttl(Duration.ofNanos(999_999)).build())
                .hasMessageContaining("edges.store.ttl");
    }

    @Test
    void rejectsTtlBeyondADay() {
        assertThatThrownBy(() -> EdgeStoreOptions.builder().ttl(Duration.ofDays(365_000_000L)).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("edges.store.ttl");
    }

    @Test
    void rejectsNonPositiveMaxItems() {
        assertThatThrownBy(() -> EdgeStoreOptions.builder().maxItems(0).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("edges.store.max-items");
    }

    @Test
    void reportsEveryBadSettingAtOnce() {
        assertThatThrownBy(() -> EdgeStoreOptions.builder().ttl(Duration.ofSeconds(-1)).maxItems(-3).build())
                .hasMessageContaining("edges.store.ttl")
                .hasMessageContaining("edges.store.max-items");
    }
}
