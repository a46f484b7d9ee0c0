package org.otlpanalytics.operators.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Runs of calls: a function of the set of call times, not of their order. */
class EdgeRunsTest {
    private static final long IDLE = 1_000;

    static String runs(List<Long> times) {
        EdgeRuns r = new EdgeRuns();
        for (long t : times) {
            r.add(t, 1, IDLE);
        }
        return r.toString();
    }

    @Test
    void shouldSplitRunsAtGapsOfTheIdleTimeoutOrMore() {
        assertThat(runs(List.of(0L, 999L, 1998L, 2998L, 5000L))).isEqualTo("[[0,1998], [2998,2998], [5000,5000]]");
    }

    @Test
    void shouldBridgeTwoRunsWithOneCallBetweenThem() {
        assertThat(runs(List.of(0L, 1800L, 900L))).isEqualTo("[[0,1800]]");
        assertThat(runs(List.of(4500L, 0L, 2700L, 1800L, 900L, 3600L))).isEqualTo("[[0,4500]]");
    }

    @Test
    void shouldGiveTheSameRunsInAnyOrder() {
        Random random = new Random(5);
        List<Long> times = new ArrayList<>();
        long t = 0;
        for (int i = 0; i < 500; i++) {
            t += random.nextInt(10) == 0 ? 800 + random.nextInt(600) : random.nextInt(300);
            times.add(t);
        }
        String expected = runs(times);
        assertThat(expected.split("\\], \\[").length).isGreaterThan(5);
        for (int round = 0; round < 20; round++) {
            Collections.shuffle(times, random);
            assertThat(runs(times)).isEqualTo(expected);
        }
    }

    @Test
    void shouldRemoveOnlyRunsEndedByTheGivenTime() {
        EdgeRuns r = new EdgeRuns();
        r.add(0, 1, IDLE);
        r.add(5000, 2, IDLE);
        List<EdgeRuns.Run> ended = r.removeEndedBy(4999);
        assertThat(ended).hasSize(1);
        assertThat(ended.get(0).start()).isZero();
        assertThat(r.runs()).hasSize(1);
        assertThat(r.runs().get(0).typeMask()).isEqualTo(2);
    }
}
