package org.otlpanalytics.operators.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.otlpanalytics.operators.common.time.EpochWindows;

class OpenMinutesTest {
    static final long MIN = 60_000L;
    static final EpochWindows SPEC = new EpochWindows(MIN, 2 * MIN);

    @Test
    void shouldTrustAMarkOnlyForItsKeyAndMinuteWhileTheWatermarkIsBeforeTheMinutesEnd() {
        OpenMinutes open = new OpenMinutes(SPEC, 10);
        assertThat(open.isOpen("a", MIN, Long.MIN_VALUE)).isFalse();
        open.markOpen("a", MIN);
        assertThat(open.isOpen("a", MIN, Long.MIN_VALUE)).isTrue();
        assertThat(open.isOpen("a", MIN, 2 * MIN - 2)).isTrue();
        // the minute's end: its window fires at this watermark
        assertThat(open.isOpen("a", MIN, 2 * MIN - 1)).isFalse();
        assertThat(open.isOpen("a", 2 * MIN, Long.MIN_VALUE)).isFalse();
        assertThat(open.isOpen("b", MIN, Long.MIN_VALUE)).isFalse();
    }

    @Test
    void shouldKeepOneMinutePerKeyTheLatestMarked() {
        OpenMinutes open = new OpenMinutes(SPEC, 10);
        open.markOpen("a", MIN);
        open.markOpen("a", 2 * MIN);
        assertThat(open.isOpen("a", MIN, 0)).isFalse();
        assertThat(open.isOpen("a", 2 * MIN, 0)).isTrue();
        assertThat(open.size()).isEqualTo(1);
    }

    @Test
    void shouldDropEveryMarkPastTheBound() {
        OpenMinutes open = new OpenMinutes(SPEC, 3);
        open.markOpen("a", MIN);
        open.markOpen("b", MIN);
        open.markOpen("c", MIN);
        open.markOpen("c", 2 * MIN); // a key already marked: no drop
        assertThat(open.size()).isEqualTo(3);
        open.markOpen("d", MIN);
        assertThat(open.size()).isEqualTo(1);
        assertThat(open.isOpen("a", MIN, 0)).isFalse();
        assertThat(open.isOpen("d", MIN, 0)).isTrue();
        assertThatThrownBy(() -> new OpenMinutes(SPEC, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
