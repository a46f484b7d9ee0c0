package org.otlpanalytics.operators.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class BottomKTest {

    @Test
    void keepsTheSmallestHashesWhateverTheArrivalOrder() {
        List<Long> hashes = new ArrayList<>();
        Random random = new Random(7);
        for (int i = 0; i < 200; i++) {
            hashes.add(random.nextLong());
        }
        // the oracle: the 10 smallest hashes, found by sorting
        List<Long> smallest = hashes.stream().sorted().limit(10).collect(Collectors.toList());
        for (int order = 0; order < 5; order++) {
            Collections.shuffle(hashes, random);
            TreeMap<Long, String> admitted = new TreeMap<>();
            int pushedOut = 0;
            for (long h : hashes) {
                BottomK.Offer offer = BottomK.offer(admitted, h, "m" + h, 10, true);
                if (offer.outcome == BottomK.Outcome.PUSHED_OUT) {
                    pushedOut++;
                    assertThat(offer.pushedOut).isNotNull();
                    assertThat(admitted).doesNotContainValue(offer.pushedOut);
                }
            }
            assertThat(admitted.keySet()).containsExactlyElementsOf(smallest);
            assertThat(admitted.values()).allSatisfy(m -> assertThat(admitted).containsEntry(Long.parseLong(m.substring(1)), m));
            assertThat(pushedOut).isLessThanOrEqualTo(hashes.size() - 10);
        }
    }

    @Test
    void eachOutcomeAndWhatItDoesToTheSet() {
        TreeMap<Long, String> admitted = new TreeMap<>();
        assertThat(BottomK.offer(admitted, 5, "e", 2, true).outcome).isEqualTo(BottomK.Outcome.ADDED);
        assertThat(BottomK.offer(admitted, 9, "i", 2, true).outcome).isEqualTo(BottomK.Outcome.ADDED);
        assertThat(BottomK.offer(admitted, 5, "e", 2, true).outcome).isEqualTo(BottomK.Outcome.KEPT);
        // another member with one hash: a collision, which the set does not take
        assertThat(BottomK.offer(admitted, 5, "other", 2, true).outcome).isEqualTo(BottomK.Outcome.COLLISION);
        // full: a larger hash is refused
        assertThat(BottomK.offer(admitted, 12, "l", 2, true).outcome).isEqualTo(BottomK.Outcome.REFUSED);
        // full and pushing out not allowed (slot emitted): a smaller hash is refused too
        assertThat(BottomK.offer(admitted, 1, "a", 2, false).outcome).isEqualTo(BottomK.Outcome.REFUSED);
        assertThat(admitted).containsExactly(java.util.Map.entry(5L, "e"), java.util.Map.entry(9L, "i"));
        // a smaller hash pushes out the largest
        BottomK.Offer offer = BottomK.offer(admitted, 1, "a", 2, true);
        assertThat(offer.outcome).isEqualTo(BottomK.Outcome.PUSHED_OUT);
        assertThat(offer.pushedOut).isEqualTo("i");
        assertThat(admitted).containsExactly(java.util.Map.entry(1L, "a"), java.util.Map.entry(5L, "e"));
        assertThat(offer.admitted()).isTrue();
        assertThat(offer.changed()).isTrue();
        assertThat(BottomK.Outcome.KEPT.admitted()).isTrue();
        assertThat(BottomK.Outcome.KEPT.changed()).isFalse();
        assertThat(BottomK.Outcome.COLLISION.admitted()).isFalse();
        assertThat(BottomK.Outcome.REFUSED.admitted()).isFalse();
    }

    @Test
    void aLimitOfZeroAdmitsNothing() {
        TreeMap<Long, String> admitted = new TreeMap<>();
        assertThat(BottomK.offer(admitted, 3, "c", 0, true).outcome).isEqualTo(BottomK.Outcome.REFUSED);
        assertThat(admitted).isEmpty();
    }
}
