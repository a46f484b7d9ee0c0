package org.otlpanalytics.jobs.soak;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LagClockTest {
    @Test
    void lagIsTheAgeOfTheOldestUnconsumedMessage() {
        LagClock c = new LagClock(60_000);
        c.produced(1_000, 10); // messages 1..10 produced by 1.0 s
        c.produced(2_000, 20);
        c.produced(3_000, 30);
        // at 3.0 s, 30 produced, 15 pending: message 16 (produced at 2.0 s) is the oldest not consumed
        assertThat(c.lagMillis(15, 3_000)).isEqualTo(1_000);
        // 25 pending: message 6 was produced at 1.0 s
        assertThat(c.lagMillis(25, 3_500)).isEqualTo(2_500);
        assertThat(c.lagMillis(0, 3_000)).isEqualTo(0);
    }

    @Test
    void countsOnlyWhatWasProducedByTheSampleTime() {
        LagClock c = new LagClock(60_000);
        c.produced(1_000, 10);
        c.produced(2_000, 20);
        assertThat(c.producedBy(1_500)).isEqualTo(10);
        // a sample taken at 1.5 s with 5 pending: position 5, message 6 produced at 1.0 s
        assertThat(c.lagMillis(5, 1_500)).isEqualTo(500);
        assertThat(c.producedBy(500)).isEqualTo(0);
    }

    @Test
    void keepsTheFirstTimeACountWasReached() {
        LagClock c = new LagClock(60_000);
        c.produced(1_000, 10);
        c.produced(2_000, 10); // nothing new: message 10 is still from 1.0 s
        c.produced(3_000, 11);
        assertThat(c.lagMillis(2, 3_000)).isEqualTo(2_000);
    }

    @Test
    void forgetsSamplesBeyondTheHorizon() {
        LagClock c = new LagClock(1_000);
        c.produced(0, 1);
        c.produced(5_000, 2);
        c.produced(10_000, 3);
        // message 1's sample is gone: a position before the horizon reads as the oldest kept sample
        assertThat(c.lagMillis(3, 10_000)).isEqualTo(5_000);
    }
}
