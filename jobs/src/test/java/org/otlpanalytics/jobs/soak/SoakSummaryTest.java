package org.otlpanalytics.jobs.soak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SoakSummaryTest {
    @Test
    void printsNameValueLinesInTheOrderAdded() {
        SoakSummary s = new SoakSummary().put("sustained", true).put("max_lag_s", 1.25, 1).put("checkpoint_p99_ms", 812L)
                .put("heap_max_mb", 412.6, 0).put("spans_offered_per_s", 99_999.5, 0).put("reason", "-");
        assertThat(s.lines()).containsExactly("sustained=true", "max_lag_s=1.3", "checkpoint_p99_ms=812", "heap_max_mb=413",
                "spans_offered_per_s=100000", "reason=-");
    }

    @Test
    void aNameSetTwiceKeepsItsPlaceAndTheLastValue() {
        SoakSummary s = new SoakSummary().put("a", 1L).put("b", 2L).put("a", 3L);
        assertThat(s.lines()).containsExactly("a=3", "b=2");
        assertThat(s.get("a")).isEqualTo("3");
    }

    @Test
    void usesADotAndNoGroupingWhateverTheLocale() {
        java.util.Locale before = java.util.Locale.getDefault();
        try {
            java.util.Locale.setDefault(java.util.Locale.GERMANY);
            assertThat(new SoakSummary().put("x", 12345.678, 2).lines()).containsExactly("x=12345.68");
        } finally {
            java.util.Locale.setDefault(before);
        }
    }

    @Test
    void aValueThatRoundsToZeroHasNoSign() {
        assertThat(new SoakSummary().put("g", -0.0001, 3).put("h", -0.0, 0).put("i", -0.02, 1).put("j", -0.05, 1).lines())
                .containsExactly("g=0.000", "h=0", "i=0.0", "j=-0.1");
    }

    @Test
    void keepsValuesOnOneLineAndRejectsNamesScriptsCannotGrep() {
        assertThat(new SoakSummary().put("reason", "a\nb").lines()).containsExactly("reason=a b");
        assertThatThrownBy(() -> new SoakSummary().put("Max Lag", 1L)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Max Lag");
    }
}
