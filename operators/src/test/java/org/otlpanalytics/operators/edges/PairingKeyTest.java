package org.otlpanalytics.operators.edges;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PairingKeyTest {
    @Test
    void keysOfOneCallAreEqualAndAnyOtherTraceOrSpanIsAnotherKey() {
        PairingKey k = new PairingKey(1L, 2L, 3L);
        assertThat(new PairingKey(1L, 2L, 3L)).isEqualTo(k).hasSameHashCodeAs(k);
        assertThat(new PairingKey(9L, 2L, 3L)).isNotEqualTo(k);
        assertThat(new PairingKey(1L, 9L, 3L)).isNotEqualTo(k);
        assertThat(new PairingKey(1L, 2L, 9L)).isNotEqualTo(k);
        assertThat(k).isNotEqualTo("1:2:3");
    }

    @Test
    void hashesSpreadKeysThatDifferInOneComponent() {
        Set<Integer> hashes = new HashSet<>();
        for (long i = 0; i < 1_000; i++) {
            hashes.add(new PairingKey(0L, 7L, i).hashCode());
            hashes.add(new PairingKey(0L, i, 7L).hashCode());
        }
        assertThat(hashes).hasSizeGreaterThan(1_990);
    }
}
