package org.otlpanalytics.jobs.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ReplayRangeTest {
    private static final Instant FROM = Instant.parse("2026-03-01T10:00:00Z");
    private static final Instant TO = Instant.parse("2026-03-01T12:00:00Z");

    @Test
    void containsOnlyWindowsWhollyInsideTheRange() {
        ReplayRange r = ReplayRange.of(FROM, TO, Duration.ofMinutes(3));
        long from = FROM.toEpochMilli();
        long to = TO.toEpochMilli();
        assertThat(r.containsWindow(from, 60_000)).isTrue();
        assertThat(r.containsWindow(from - 60_000, 60_000)).isFalse();
        assertThat(r.containsWindow(to - 60_000, 60_000)).isTrue();
        assertThat(r.containsWindow(to - 30_000, 60_000)).isFalse();
        assertThat(r.readFromMillis()).isEqualTo(from - 180_000);
        assertThat(r.readToMillis()).isEqualTo(to + 180_000);
    }

    @Test
    void anOpenEndContainsEverythingOnThatSide() {
        ReplayRange r = ReplayRange.of(FROM, null, Duration.ofMinutes(3));
        assertThat(r.isSet()).isTrue();
        assertThat(r.containsWindow(Long.MAX_VALUE - 10, 60_000)).isTrue();
        assertThat(ReplayRange.of(null, null, Duration.ZERO)).isSameAs(ReplayRange.NONE);
        assertThat(ReplayRange.NONE.containsWindow(Long.MIN_VALUE, 60_000)).isTrue();
    }

    @Test
    void rejectsARangeThatEndsBeforeItStarts() {
        assertThatThrownBy(() -> ReplayRange.of(TO, FROM, Duration.ZERO)).hasMessageContaining("--from");
    }

    @Test
    void isParsedOnceFromTheOptionsWithTheLatenessMargin() {
        JobOptions o = JobOptions.parse(new String[] {"--from", FROM.toString(), "--out-of-orderness", "10s",
            "--allowed-lateness", "1m"});
        assertThat(o.replayRange().readFromMillis()).isEqualTo(FROM.toEpochMilli() - Duration.ofSeconds(130).toMillis());
    }
}
