package org.otlpanalytics.operators.common.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EpochWindowsTest {
    static final long MIN = 60_000L;

    @Test
    void alignsToTheEpochIncludingNegativeTimes() {
        EpochWindows w = new EpochWindows(MIN, 2 * MIN);
        assertThat(w.start(0)).isZero();
        assertThat(w.start(MIN - 1)).isZero();
        assertThat(w.start(MIN)).isEqualTo(MIN);
        assertThat(w.start(-1)).isEqualTo(-MIN);
    }

    @Test
    void isLateExactlyWhenThePurgeTimeHasBeenReached() {
        EpochWindows w = new EpochWindows(MIN, 2 * MIN);
        assertThat(w.purgeTime(0)).isEqualTo(3 * MIN - 1);
        assertThat(w.isLate(30_000, 3 * MIN - 2)).isFalse();
        assertThat(w.isLate(30_000, 3 * MIN - 1)).isTrue();
    }

    @Test
    void timersMapBackToTheWindowsTheyFireAndPurge() {
        EpochWindows w = new EpochWindows(5 * MIN, 2 * MIN);
        long start = 10 * MIN;
        assertThat(w.firedAt(w.maxTimestamp(start))).isEqualTo(start);
        assertThat(w.purgedAt(w.purgeTime(start))).isEqualTo(start);
    }

    @Test
    void rejectsNonsense() {
        assertThatThrownBy(() -> new EpochWindows(0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new EpochWindows(MIN, -1)).isInstanceOf(IllegalArgumentException.class);
    }
}
