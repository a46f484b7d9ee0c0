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
        // samples at 10..45 s growing 1 s per 5 s: first quarter (10, 15 s) mean 1.5 at 12.5 s,
        // last quarter (40, 45 s) mean 7.5 at 42.5 s: 6 s of lag in 30 s = 0.2 s/s
        SustainedRule.Verdict v = rule.judge(every5s(0, 1, 2, 3, 4, 5, 6, 7, 8), 0, false);
        assertThat(v.sustained()).isFalse();
        assertThat(v.lagGrowth()).isEqualTo(0.2);
        assertThat(v.reason()).isEqualTo("lag grows 0.200 s per s (limit 0.050)");
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
