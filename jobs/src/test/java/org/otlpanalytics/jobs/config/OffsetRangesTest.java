package org.otlpanalytics.jobs.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class OffsetRangesTest {
    @Test
    void parsesRangesOfSeveralPartitions() {
        OffsetRanges r = OffsetRanges.parse("otlp_spans:0:1200-1399, otlp_spans:1:5-5,my.topic-x:12:0-9");
        assertThat(r.ranges()).containsExactly(new OffsetRanges.Range("otlp_spans", 0, 1200, 1399),
                new OffsetRanges.Range("otlp_spans", 1, 5, 5), new OffsetRanges.Range("my.topic-x", 12, 0, 9));
        assertThat(r).hasToString("otlp_spans:0:1200-1399,otlp_spans:1:5-5,my.topic-x:12:0-9");
    }

    @Test
    void rejectsMalformedRangesNamingTheOption() {
        for (String bad : new String[] {"", "otlp_spans", "otlp_spans:0:5", "otlp_spans:0:9-5", "otlp_spans:x:1-2",
                "otlp_spans:0:1-99999999999999999999"}) {
            assertThatThrownBy(() -> OffsetRanges.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("--offsets");
        }
    }

    @Test
    void offsetsExcludeATimeRange() {
        JobOptions o = JobOptions.defaults().with(JobOptions.OFFSETS, "otlp_spans:0:1-2").with(JobOptions.FROM, "2026-03-01T10:00:00Z");
        assertThatThrownBy(o::replayRange).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exclude");
    }

    @Test
    void unresolvedOffsetsHaveNoRangeYet() {
        JobOptions o = JobOptions.defaults().with(JobOptions.OFFSETS, "otlp_spans:0:1-2");
        assertThatThrownBy(o::replayRange).isInstanceOf(IllegalStateException.class).hasMessageContaining("OffsetReplay");
    }

    @Test
    void resolvedOffsetsRewriteEveryWindowTheirRecordsTouch() {
        long min = Instant.parse("2026-03-01T10:06:40Z").toEpochMilli();
        long max = Instant.parse("2026-03-01T10:07:50Z").toEpochMilli();
        ReplayRange r = JobOptions.defaults().with(JobOptions.OFFSETS, "otlp_spans:0:1-2")
                .with(JobOptions.OFFSETS_EVENT_TIMES, min + "-" + max).replayRange();
        assertThat(r.isTouching()).isTrue();
        long minute = 60_000;
        long five = 300_000;
        long t1005 = Instant.parse("2026-03-01T10:05:00Z").toEpochMilli();
        assertThat(r.containsWindow(t1005, minute)).isFalse();
        assertThat(r.containsWindow(t1005 + minute, minute)).isTrue(); // 10:06
        assertThat(r.containsWindow(t1005 + 2 * minute, minute)).isTrue(); // 10:07
        assertThat(r.containsWindow(t1005 + 3 * minute, minute)).isFalse(); // 10:08
        assertThat(r.containsWindow(t1005, five)).isTrue();
        assertThat(r.containsWindow(t1005 - five, five)).isFalse();
        assertThat(r.containsWindow(t1005 + five, five)).isFalse();
        // read back to where a touched 5-minute window starts, plus the usual margin (30 s + 2 min + 1 min)
        assertThat(r.readFromMillis()).isEqualTo(min - Duration.ofMinutes(5).toMillis() - Duration.ofSeconds(210).toMillis());
        assertThat(r.readToMillis()).isEqualTo(max + 1 + Duration.ofMinutes(5).toMillis() + Duration.ofSeconds(210).toMillis());
    }
}
