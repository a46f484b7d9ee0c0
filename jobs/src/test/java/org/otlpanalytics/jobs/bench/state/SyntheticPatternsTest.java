package org.otlpanalytics.jobs.bench.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.otlpanalytics.operators.logs.LogMinerState;

class SyntheticPatternsTest {
    @Test
    void wordsAreLettersGToZOnlyAndDistinct() {
        Set<String> seen = new HashSet<>();
        for (long x = 0; x < 10_000; x++) {
            String w = SyntheticPatterns.word(x);
            assertThat(w).matches("[g-z]{3,}");
            assertThat(seen.add(w)).as("word of %d", x).isTrue();
        }
    }

    @Test
    void theMinerFindsExactlyTheTemplatesAsked() {
        // 2,500 templates in one stream: past the first 1,000 they share leaves of the Drain tree
        LogStateCost.Patterns p = LogStateCost.build(2_600, 2);
        assertThat(p.count()).isEqualTo(2_600);
        assertThat(p.windows()).hasSize(2_600);
        for (LogMinerState m : p.miners()) {
            assertThat(m.tree().clusterCount()).isEqualTo(1_300);
            // every template had two lines, whose numbers the masker turned into one variable
            m.tree().clusters().forEach(c -> assertThat(c.size()).isEqualTo(2));
            assertThat(m.patternCount()).isEqualTo(1_300);
        }
    }
}
