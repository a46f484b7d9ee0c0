package org.otlpanalytics.operators.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ExponentialBucketsTest {
    @Test
    void downscaleFoldsPairsOfBucketsWithFloorIndexes() {
        // indexes -3..2 at scale 3 -> scale 2: -3>>1=-2, -2>>1=-1, -1>>1=-1, 0, 1>>1=0, 2>>1=1
        ExponentialBuckets b = new ExponentialBuckets(3, 0, -3, new long[] {1, 2, 3, 4, 5, 6}, 0, new long[0]);
        b.downscaleTo(2);
        assertThat(b.scale()).isEqualTo(2);
        assertThat(b.positiveOffset()).isEqualTo(-2);
        assertThat(b.positive()).containsExactly(1, 5, 9, 6);
        assertThat(b.total()).isEqualTo(21);
    }

    @Test
    void addingKeepsEachSideWithinTheBucketCap() {
        int n = ExponentialBuckets.MAX_BUCKETS;
        ExponentialBuckets a = new ExponentialBuckets(5, 1, 0, new long[] {1}, 0, new long[0]);
        ExponentialBuckets far = new ExponentialBuckets(5, 0, n + 10, new long[] {2}, 0, new long[0]);
        a.add(far);
        assertThat(a.scale()).isEqualTo(4); // one halving is enough for a span of n + 11
        assertThat(a.positive().length).isLessThanOrEqualTo(n);
        assertThat(a.total()).isEqualTo(4);
        assertThat(far.scale()).isEqualTo(5); // the argument is not changed
    }

    @Test
    void minusIsNullWhenThePreviousHasCountsTheCurrentCannotCover() {
        ExponentialBuckets prev = new ExponentialBuckets(0, 0, 5, new long[] {1}, 0, new long[0]);
        ExponentialBuckets cur = new ExponentialBuckets(0, 0, 0, new long[] {1, 1}, 0, new long[0]);
        assertThat(cur.minus(prev)).isNull();
        ExponentialBuckets grown = new ExponentialBuckets(0, 2, 4, new long[] {0, 3, 1}, 0, new long[0]);
        ExponentialBuckets d = grown.minus(new ExponentialBuckets(0, 1, 5, new long[] {1}, 0, new long[0]));
        // zero 2-1; bucket 5: 3-1 = 2, bucket 6: 1; leading zero bucket 4 trimmed
        assertThat(d.zeroCount()).isEqualTo(1);
        assertThat(d.positiveOffset()).isEqualTo(5);
        assertThat(d.positive()).containsExactly(2, 1);
    }
}
