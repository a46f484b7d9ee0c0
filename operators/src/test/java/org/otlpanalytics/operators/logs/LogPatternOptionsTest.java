package org.otlpanalytics.operators.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@link LogPatternOptions}: defaults, and every bad setting named by its key at once. */
class LogPatternOptionsTest {
    @Test
    void defaultsAreDocumentedValues() {
        LogPatternOptions o = LogPatternOptions.defaults();
        assertThat(o.allowedLatenessMillis()).isEqualTo(120_000);
        assertThat(o.bufferMaxRecords()).isEqualTo(100_000);
        assertThat(o.sampleMaxChars()).isEqualTo(1_024);
        assertThat(o.drain()).isEqualTo(DrainOptions.defaults());
        assertThat(o.masker()).isSameAs(LogMasker.defaults());
    }

    @Test
    void rejectsBadSettingsNamingEveryKey() {
        assertThatThrownBy(() -> LogPatternOptions.builder().allowedLateness(Duration.ofSeconds(-1)).bufferMaxRecords(0)
                .sampleMaxChars(3).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(LogPatternOptions.ALLOWED_LATENESS_KEY)
                .hasMessageContaining(LogPatternOptions.BUFFER_MAX_RECORDS_KEY)
                .hasMessageContaining(LogPatternOptions.SAMPLE_MAX_CHARS_KEY);
    }

    @Test
    void windowsAreEpochAlignedFiveMinutes() {
        assertThat(LogPatternOptions.windowStart(299_999)).isZero();
        assertThat(LogPatternOptions.windowStart(300_000)).isEqualTo(300_000);
        assertThat(LogPatternOptions.windowStart(-1)).isEqualTo(-300_000);
    }
}
