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
        assertThat(o.secondMaxRecords()).isEqualTo(5_000);
        assertThat(o.streamIdleTimeoutMillis()).isEqualTo(3_600_000);
        assertThat(o.cacheMaxPatterns()).isEqualTo(100_000);
        assertThat(o.fingerprintedLogs()).isFalse();
        assertThat(o.sampleMaxChars()).isEqualTo(1_024);
        assertThat(o.drain()).isEqualTo(DrainOptions.defaults());
        assertThat(o.masker()).isSameAs(LogMasker.defaults());
    }

    @Test
    void rejectsBadSettingsNamingEveryKey() {
        assertThatThrownBy(() -> LogPatternOptions.builder().allowedLateness(Duration.ofSeconds(-1)).secondMaxRecords(0)
                .streamIdleTimeout(Duration.ZERO).cacheMaxPatterns(0).sampleMaxChars(3).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(LogPatternOptions.ALLOWED_LATENESS_KEY)
                .hasMessageContaining(LogPatternOptions.SECOND_MAX_RECORDS_KEY)
                .hasMessageContaining(LogPatternOptions.STREAM_IDLE_TIMEOUT_KEY)
                .hasMessageContaining(LogPatternOptions.CACHE_MAX_PATTERNS_KEY)
                .hasMessageContaining(LogPatternOptions.SAMPLE_MAX_CHARS_KEY);
    }

    @Test
    void toBuilderKeepsEverySetting() {
        LogPatternOptions o = LogPatternOptions.builder().allowedLateness(Duration.ofMinutes(1)).secondMaxRecords(7)
                .streamIdleTimeout(Duration.ofMinutes(9)).cacheMaxPatterns(11).fingerprintedLogs(true).sampleMaxChars(99).build();
        assertThat(o.toBuilder().build().toString()).isEqualTo(o.toString());
    }

    @Test
    void windowsAreEpochAlignedFiveMinutes() {
        assertThat(LogPatternOptions.windowStart(299_999)).isZero();
        assertThat(LogPatternOptions.windowStart(300_000)).isEqualTo(300_000);
        assertThat(LogPatternOptions.windowStart(-1)).isEqualTo(-300_000);
    }
}
