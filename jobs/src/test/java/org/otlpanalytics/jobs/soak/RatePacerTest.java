package org.otlpanalytics.jobs.soak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RatePacerTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void owesTheRateTimesTheElapsedTimeRoundedDown() {
        RatePacer p = new RatePacer(1000);
        assertThat(p.owed(0)).isEqualTo(0);
        assertThat(p.owed(SECOND / 1000 - 1)).isEqualTo(0);
        assertThat(p.owed(SECOND / 1000)).isEqualTo(1);
        assertThat(p.owed(SECOND)).isEqualTo(1000);
        assertThat(p.owed(600 * SECOND)).isEqualTo(600_000);
    }

    @Test
    void subtractsWhatWasSentAndNeverOwesLessThanNothing() {
        RatePacer p = new RatePacer(100);
        p.sent(30);
        assertThat(p.owed(SECOND / 2)).isEqualTo(20);
        p.sent(25); // a batch larger than owed: ahead by 5
        assertThat(p.owed(SECOND / 2)).isEqualTo(0);
        assertThat(p.owed(SECOND)).isEqualTo(45);
        assertThat(p.sent()).isEqualTo(55);
    }

    @Test
    void keepsAFractionalRateExactOverTime() {
        RatePacer p = new RatePacer(2.5);
        assertThat(p.owed(SECOND)).isEqualTo(2);
        assertThat(p.owed(2 * SECOND)).isEqualTo(5);
        assertThat(p.owed(3 * SECOND)).isEqualTo(7);
    }

    @Test
    void saysWhenTheNextRecordIsDue() {
        RatePacer p = new RatePacer(4);
        assertThat(p.nanosUntilNext(0)).isEqualTo(SECOND / 4);
        p.sent(2);
        assertThat(p.nanosUntilNext(SECOND / 4)).isEqualTo(SECOND / 2);
        assertThat(p.nanosUntilNext(SECOND)).isEqualTo(0);
        assertThat(new RatePacer(0).nanosUntilNext(SECOND)).isEqualTo(Long.MAX_VALUE);
        assertThat(new RatePacer(0).owed(3600 * SECOND)).isEqualTo(0);
    }

    @Test
    void givesUpDebtBeyondTheLimitInsteadOfBursting() {
        RatePacer p = new RatePacer(1000);
        p.forgiveBeyond(10 * SECOND, 1000); // 10,000 due, none sent: 9,000 given up
        assertThat(p.skipped()).isEqualTo(9_000);
        assertThat(p.owed(10 * SECOND)).isEqualTo(1_000);
        p.sent(1_000);
        p.forgiveBeyond(10 * SECOND + SECOND / 2, 1000); // 500 owed: within the limit
        assertThat(p.skipped()).isEqualTo(9_000);
        assertThat(p.owed(10 * SECOND + SECOND / 2)).isEqualTo(500);
    }

    @Test
    void rejectsNegativeOrMissingRates() {
        assertThatThrownBy(() -> new RatePacer(-1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(">= 0");
        assertThatThrownBy(() -> new RatePacer(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }
}
