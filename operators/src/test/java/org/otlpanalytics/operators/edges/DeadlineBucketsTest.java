package org.otlpanalytics.operators.edges;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DeadlineBucketsTest {
    /** An element: a deadline and its place in the order of adds (the oracle's tie-break), as EdgeStore's waiting halves. */
    record Item(long deadline, long seq) {}

    static final Comparator<Item> ORDER = Comparator.comparingLong(Item::deadline).thenComparingLong(Item::seq);

    static DeadlineBuckets<Item> buckets(long width) {
        return new DeadlineBuckets<>(width, Item::deadline);
    }

    static List<Item> poll(DeadlineBuckets<Item> b, long watermark) {
        List<Item> out = new ArrayList<>();
        b.pollUpTo(watermark, out::add);
        return out;
    }

    @Test
    void shouldHandBackOnlyWhatTheWatermarkReachedEarliestDeadlineFirst() {
        DeadlineBuckets<Item> b = buckets(128);
        b.add(new Item(1_000, 0));
        b.add(new Item(300, 1));
        b.add(new Item(1_000, 2));
        b.add(new Item(1_127, 3));
        assertThat(poll(b, 299)).isEmpty();
        assertThat(poll(b, 300)).containsExactly(new Item(300, 1));
        // inside one bucket (896..1023 holds 1000; 1024..1151 holds 1127): only up to the watermark
        assertThat(poll(b, 1_126)).containsExactly(new Item(1_000, 0), new Item(1_000, 2));
        assertThat(b.size()).isEqualTo(1);
        b.add(new Item(1_100, 4)); // into the bucket left half polled
        assertThat(poll(b, Long.MAX_VALUE)).containsExactly(new Item(1_100, 4), new Item(1_127, 3));
        assertThat(b.isEmpty()).isTrue();
    }

    @Test
    void shouldKeepExtremeDeadlinesInOrder() {
        DeadlineBuckets<Item> b = buckets(128);
        b.add(new Item(Long.MAX_VALUE, 0));
        b.add(new Item(Long.MIN_VALUE, 1));
        b.add(new Item(-5, 2));
        assertThat(poll(b, Long.MIN_VALUE)).containsExactly(new Item(Long.MIN_VALUE, 1));
        assertThat(poll(b, Long.MAX_VALUE - 1)).containsExactly(new Item(-5, 2));
        assertThat(poll(b, Long.MAX_VALUE)).containsExactly(new Item(Long.MAX_VALUE, 0));
    }

    @Test
    void shouldHandBackWhatAPriorityQueueWouldInTheSameOrder() {
        Random random = new Random(11);
        for (int run = 0; run < 50; run++) {
            DeadlineBuckets<Item> b = buckets(1L << random.nextInt(9));
            PriorityQueue<Item> oracle = new PriorityQueue<>(ORDER);
            long watermark = 0;
            long seq = 0;
            for (int step = 0; step < 400; step++) {
                int adds = random.nextInt(30);
                for (int i = 0; i < adds; i++) {
                    // roughly in event-time order, as halves arrive, some behind the watermark already
                    Item it = new Item(watermark - 200 + random.nextInt(10_000), seq++);
                    b.add(it);
                    oracle.add(it);
                }
                if (random.nextInt(10) == 0) {
                    // elements that left early are dropped from both
                    long cut = seq - random.nextInt(50);
                    b.removeIf(it -> it.seq() % 7 == 0 && it.seq() < cut);
                    oracle.removeIf(it -> it.seq() % 7 == 0 && it.seq() < cut);
                }
                watermark += random.nextInt(300);
                List<Item> expected = new ArrayList<>();
                while (!oracle.isEmpty() && oracle.peek().deadline() <= watermark) {
                    expected.add(oracle.poll());
                }
                assertThat(poll(b, watermark)).as("run %d step %d", run, step).isEqualTo(expected);
                assertThat(b.size()).isEqualTo(oracle.size());
            }
        }
    }

    @Test
    void shouldHandBackOneDeadlineInTheOrderOfAddsAfterSortingABucket() {
        DeadlineBuckets<Item> b = buckets(256);
        for (int i = 0; i < 100; i++) {
            // deadlines 10 apart, descending, each twice: the sort must move every element, and keep the pairs' order
            b.add(new Item(2_000 + 10 * (49 - i / 2), i));
        }
        List<Item> out = poll(b, Long.MAX_VALUE);
        assertThat(out).hasSize(100).isSortedAccordingTo(ORDER);
    }

    @Test
    void rejectsAnEmptyBucket() {
        assertThatThrownBy(() -> buckets(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bucketMillis");
    }
}
