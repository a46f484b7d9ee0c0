package org.otlpanalytics.operators.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PositionEvidenceTest {
    private static final DrainOptions DEFAULTS = DrainOptions.defaults(); // max-enum-values 3

    private static List<LogCluster> family(String... templates) {
        List<LogCluster> family = new ArrayList<>();
        for (String t : templates) {
            family.add(new LogCluster(family.size(), t.split(" "), 1, family.size()));
        }
        return family;
    }

    private static boolean[] decide(List<LogCluster> family, String message) {
        return PositionEvidence.variablePositions(family, message.split(" "), DEFAULTS);
    }

    @Test
    void maskedValuesOnBothSidesAreVariables() {
        assertThat(decide(family("took <*> in blk_<*>"), "took <*> in rdd_<*>")).containsExactly(false, false, false, true);
    }

    @Test
    void aSecondWordValueAloneStaysConstant() {
        assertThat(decide(family("cache hit for <*>"), "cache miss for <*>")).containsExactly(false, false, false, false);
    }

    @Test
    void theFourthWordValueMakesAVariable() {
        List<LogCluster> f = family("login by alice ok", "login by bob ok", "login by carol ok");

        assertThat(decide(f.subList(0, 2), "login by carol ok")).containsExactly(false, false, false, false);
        assertThat(decide(f, "login by dave ok")).containsExactly(false, false, true, false);
    }

    @Test
    void twoSlotsSeenInAllFourCombinationsAreVariables() {
        List<LogCluster> f = family("failed GET x: missing", "failed POST x: missing", "failed GET x: expired");

        assertThat(decide(f.subList(0, 2), "failed GET x: expired")).containsExactly(false, false, false, false);
        assertThat(decide(f, "failed POST x: expired")).containsExactly(false, true, false, true);
    }

    @Test
    void positionsThatDetermineEachOtherAreOneSlot() {
        // the two words of a reason move together: one slot of two values, no crossing with itself
        List<LogCluster> f = family("failed GET: missing field", "failed GET: bad signature", "failed POST: missing field");

        assertThat(decide(f.subList(0, 2), "failed POST: missing field")).containsExactly(false, false, false, false);
        assertThat(decide(f, "failed POST: bad signature")).containsExactly(false, true, true, true);
    }

    @Test
    void classicDrainTurnsEveryDifferenceIntoAVariable() {
        DrainOptions classic = DrainOptions.builder().maxEnumValues(1).build();

        assertThat(PositionEvidence.variablePositions(family("cache hit for <*>"), "cache miss for <*>".split(" "), classic))
                .containsExactly(false, true, false, false);
    }

    @Test
    void crossedNeedsTwoValuesOfEachInAllFourCombinations() {
        assertThat(PositionEvidence.crossed(new int[] {0, 0, 1, 1}, new int[] {0, 1, 0, 1})).isTrue();
        assertThat(PositionEvidence.crossed(new int[] {0, 0, 1}, new int[] {0, 1, 0})).isFalse();
        assertThat(PositionEvidence.crossed(new int[] {0, 1, 2, 0}, new int[] {0, 1, 2, 0})).isFalse();
        assertThat(PositionEvidence.crossed(new int[] {0, 1, 2, 1, 2}, new int[] {0, 0, 0, 1, 1})).isTrue();
    }
}
