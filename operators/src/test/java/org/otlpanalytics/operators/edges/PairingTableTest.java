package org.otlpanalytics.operators.edges;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PairingTableTest {
    /** An entry with a name, so that two entries of one key can be told apart. */
    static final class Item extends PairingTable.Entry {
        final int name;

        Item(long hi, long lo, long id, int name) {
            super(hi, lo, id);
            this.name = name;
        }
    }

    @Test
    void shouldFindAnEntryOnlyByAllThreeIds() {
        PairingTable<Item> t = new PairingTable<>();
        Item a = new Item(1, 2, 3, 0);
        assertThat(t.add(a)).isTrue();
        assertThat(t.get(1, 2, 3)).isSameAs(a);
        assertThat(t.get(9, 2, 3)).isNull();
        assertThat(t.get(1, 9, 3)).isNull();
        assertThat(t.get(1, 2, 9)).isNull();
    }

    @Test
    void shouldRefuseASecondEntryOfOneKeyAndRemoveOnlyTheEntryItHolds() {
        PairingTable<Item> t = new PairingTable<>();
        Item a = new Item(1, 2, 3, 0);
        Item b = new Item(1, 2, 3, 1);
        t.add(a);
        assertThat(t.add(b)).isFalse();
        assertThat(t.remove(b)).isFalse();
        assertThat(t.size()).isEqualTo(1);
        assertThat(t.remove(a)).isTrue();
        assertThat(t.get(1, 2, 3)).isNull();
        assertThat(t.size()).isZero();
    }

    /** Random adds and removals, with many keys in few slots, checked against a HashMap after every step. */
    @Test
    void shouldAgreeWithAHashMapThroughGrowthRemovalsAndShrinking() {
        SplittableRandom r = new SplittableRandom(11);
        PairingTable<Item> t = new PairingTable<>();
        Map<List<Long>, Item> oracle = new HashMap<>();
        List<Item> live = new ArrayList<>();
        int largest = 0;
        for (int step = 0; step < 60_000; step++) {
            // a growing phase, then a shrinking one, then mixed: the table resizes both ways
            boolean add = step < 20_000 ? r.nextInt(10) < 8 : step < 40_000 ? r.nextInt(10) < 2 : r.nextBoolean();
            if (add || live.isEmpty()) {
                // few distinct trace ids and small span ids: keys that differ in one id only, and repeats
                Item i = new Item(r.nextInt(4), r.nextInt(50), r.nextInt(2_000), step);
                boolean added = t.add(i);
                if (added == oracle.containsKey(key(i))) {
                    throw new AssertionError("add at step " + step + " returned " + added);
                }
                if (added) {
                    oracle.put(key(i), i);
                    live.add(i);
                }
            } else {
                Item i = live.remove(r.nextInt(live.size()));
                if (!t.remove(i) || t.get(i.traceIdHi, i.traceIdLo, i.pairingSpanId) != null) {
                    throw new AssertionError("remove at step " + step);
                }
                oracle.remove(key(i));
            }
            if (step % 2_003 == 0) {
                for (Item i : oracle.values()) {
                    if (t.get(i.traceIdHi, i.traceIdLo, i.pairingSpanId) != i) {
                        throw new AssertionError("lost " + key(i) + " at step " + step);
                    }
                }
                List<Item> visited = new ArrayList<>();
                t.forEach(visited::add);
                assertThat(visited).containsExactlyInAnyOrderElementsOf(oracle.values());
            }
            largest = Math.max(largest, oracle.size());
            if (t.size() != oracle.size()) {
                throw new AssertionError("size " + t.size() + " against " + oracle.size() + " at step " + step);
            }
        }
        assertThat(largest).as("entries at the end of the growing phase").isGreaterThan(10_000);
    }

    /** Cleared, small or large, the table holds nothing and takes new entries of the old keys. */
    @Test
    void shouldHoldNothingAfterClearAndTakeEntriesAgain() {
        PairingTable<Item> t = new PairingTable<>();
        for (int n : new int[] {3, 5_000, 40, 0, 70_000}) {
            for (int i = 0; i < n; i++) {
                assertThat(t.add(new Item(1, i, 7, i))).isTrue();
            }
            // pair off some, as the local buffer does between two watermarks
            for (int i = 0; i < n; i += 3) {
                assertThat(t.remove(t.get(1, i, 7))).isTrue();
            }
            t.clear();
            assertThat(t.size()).isZero();
            List<Item> visited = new ArrayList<>();
            t.forEach(visited::add);
            assertThat(visited).isEmpty();
            for (int i = 0; i < n; i++) {
                assertThat(t.get(1, i, 7)).isNull();
            }
        }
        Item again = new Item(1, 4, 7, 99);
        assertThat(t.add(again)).isTrue();
        assertThat(t.get(1, 4, 7)).isSameAs(again);
    }

    private static List<Long> key(Item i) {
        return List.of(i.traceIdHi, i.traceIdLo, i.pairingSpanId);
    }
}
