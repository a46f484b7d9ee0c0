package org.otlpanalytics.jobs.soak;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SustainedRuleTest {
    private static List<SustainedRule.LagSample> every5s(double... lags) {
        List<SustainedRule.LagSample> l = new ArrayList<>();
        for (int i = 0; i < lags.length; i++) {
            l.add(new SustainedRule.LagSample(5_000L * (i + 1), lags[i]));
        }
        return l;
    }

    private final SustainedRule rule = new SustainedRule(30, 0.05, 10_000);

    @Test
    void sustainsABoundedLag() {
        SustainedRule.Verdict v = rule.judge(every5s(50, 2, 1, 3, 1, 2, 1, 3, 1), 0, false);
        assertThat(v.sustained()).isTrue();
        assertThat(v.maxLagSeconds()).isEqualTo(3.0); // the 50 s of the first sample is in the warm-up
        assertThat(v.reason()).isEmpty();
    }

    @Test
    void failsALagAboveTheLimitAfterTheWarmup() {
        SustainedRule.Verdict v = rule.judge(every5s(0, 0, 1, 31, 1, 1, 1, 1), 0, false);
        assertThat(v.sustained()).isFalse();
        assertThat(v.maxLagSeconds()).isEqualTo(31.0);
        assertThat(v.reason()).isEqualTo("lag reached 31.0 s (limit 30 s)");
    }

    @Test
    void failsALagThatGrowsEvenBelowTheLimit() {
        // samples at 10..45 s growing 1 s per 5 s: first half (10..25 s) lowest 1, mean time 17.5 s;
        // second half (30..45 s) lowest 5, mean time 37.5 s: 4 s of lag in 20 s = 0.2 s/s
        SustainedRule.Verdict v = rule.judge(every5s(0, 1, 2, 3, 4, 5, 6, 7, 8), 0, false);
        assertThat(v.sustained()).isFalse();
        assertThat(v.lagGrowth()).isEqualTo(0.2);
        assertThat(v.reason()).isEqualTo("lag grows 0.200 s per s (limit 0.050)");
    }

    @Test
    void sustainsALagThatRisesAtAMinuteEndAndFallsBack() {
        // the held minute of log records released at the minute's end: a rise in the last samples of a
        // step, from and back to the floor (means over the first and last quarters would read 0.079 s/s of growth)
        SustainedRule.Verdict v = rule.judge(every5s(9, 0, 0, 0, 0, 0, 0, 0, 5.3, 0.2), 0, false);
        assertThat(v.sustained()).isTrue();
        assertThat(v.maxLagSeconds()).isEqualTo(5.3);
        assertThat(v.lagGrowth()).isEqualTo(0.0);
    }

    @Test
    void failsAFloorThatRisesUnderTheRises() {
        // the same rises every minute, but the lag never falls back as far: the floor grows 1 s per 10 s
        SustainedRule.Verdict v = rule.judge(every5s(0, 0, 1, 6, 2, 7, 3, 8, 4, 9), 0, false);
        assertThat(v.sustained()).isFalse();
        // judged 10..50 s: first half (10..25 s) lowest 0 at mean 17.5 s, second half (35..50 s) lowest 3 at 42.5 s
        assertThat(v.lagGrowth()).isCloseTo(3.0 / 25, org.assertj.core.api.Assertions.within(1e-9));
    }

    @Test
    void judgesNothingWithoutSamplesAfterTheWarmup() {
        SustainedRule.Verdict v = rule.judge(every5s(0), 0, false);
        assertThat(v.sustained()).isFalse();
        assertThat(v.reason()).isEqualTo("no lag sample after the warm-up");
    }

    @Test
    void aFailedJobNeverSustains() {
        SustainedRule.Verdict v = rule.judge(every5s(0, 0, 0, 0), 0, true);
        assertThat(v.sustained()).isFalse();
        assertThat(v.reason()).isEqualTo("the job failed or restarted");
    }

    @Test
    void growthOfFewerThanTwoSamplesIsZero() {
        assertThat(SustainedRule.growth(every5s(7))).isEqualTo(0.0);
        assertThat(SustainedRule.growth(every5s(1, 3))).isEqualTo(0.4);
    }

    @Test
    void percentileIsNearestRank() {
        List<Long> hundred = new ArrayList<>();
        for (long i = 1; i <= 100; i++) {
            hundred.add(i * 10);
        }
        assertThat(SustainedRule.percentile(hundred, 0.99)).isEqualTo(990);
        assertThat(SustainedRule.percentile(hundred, 1.0)).isEqualTo(1000);
        assertThat(SustainedRule.percentile(List.of(300L, 100L, 200L), 0.99)).isEqualTo(300);
        assertThat(SustainedRule.percentile(List.of(300L, 100L, 200L), 0.5)).isEqualTo(200);
        assertThat(SustainedRule.percentile(List.of(), 0.99)).isEqualTo(0);
    }
}
