package org.otlpanalytics.jobs.sink.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link RowBinaryBuffer}'s bound: a batch's buffer filled up to its cap and then cleared (sent) keeps
 * an array of at most the cap plus a sixteenth, or exactly what a larger row needs, and writes the same
 * bytes as an unbounded buffer.
 */
class RowBinaryBufferTest {
    static final int CAP = 4_096;
    static final int LIMIT = CAP + CAP / 16;

    /** A row of a string of {@code n} chars and two integers. */
    static void row(RowBinaryBuffer b, int n, int i) {
        char[] c = new char[n];
        Arrays.fill(c, (char) ('a' + i % 26));
        b.string(new String(c));
        b.i64(i);
        b.u8(i & 0xFF);
    }

    @Test
    void shouldNeverDoublePastTheCapAndWriteTheSameBytesAsAnUnboundedBuffer() {
        RowBinaryBuffer bounded = new RowBinaryBuffer(64, CAP);
        RowBinaryBuffer unbounded = new RowBinaryBuffer(64);
        Random random = new Random(7);
        int batches = 0;
        int largest = 0;
        for (int i = 0; i < 20_000; i++) {
            int n = random.nextInt(10) == 0 ? random.nextInt(CAP / 8) : random.nextInt(200);
            row(bounded, n, i);
            row(unbounded, n, i);
            assertThat(bounded.capacity()).as("row %d", i).isLessThanOrEqualTo(Math.max(LIMIT, bounded.length()));
            largest = Math.max(largest, bounded.capacity());
            if (bounded.length() >= CAP) { // the writer sends the batch after the row that reaches the cap
                assertThat(Arrays.copyOf(bounded.array(), bounded.length()))
                        .isEqualTo(Arrays.copyOf(unbounded.array(), unbounded.length()));
                bounded.clear();
                unbounded.clear();
                batches++;
            }
        }
        assertThat(batches).isGreaterThan(100);
        assertThat(largest).as("doubling reached the cap's room, a larger row's bytes past it, never twice the cap")
                .isGreaterThanOrEqualTo(LIMIT).isLessThan(CAP + CAP / 8 + 64);
        assertThat(unbounded.capacity()).as("the unbounded buffer doubled past the cap's room").isGreaterThan(LIMIT);
    }

    @Test
    void shouldGrowToExactlyWhatALargerRowNeedsAndGiveItUpAtClear() {
        RowBinaryBuffer b = new RowBinaryBuffer(64, CAP);
        row(b, 100, 1);
        int before = b.length();
        row(b, 3 * CAP, 2); // one string of 3 * CAP bytes: its length prefix (2 bytes), then its bytes
        assertThat(b.length()).isEqualTo(before + 2 + 3 * CAP + 9);
        assertThat(b.capacity()).as("exactly the row's bytes past the cap's room").isEqualTo(b.length());
        row(b, 10, 3);
        assertThat(b.capacity()).isLessThanOrEqualTo(Math.max(LIMIT, b.length()));
        b.clear();
        assertThat(b.capacity()).isEqualTo(LIMIT);
        assertThat(b.length()).isZero();
    }

    @Test
    void shouldRefuseANonPositiveCap() {
        assertThatThrownBy(() -> new RowBinaryBuffer(64, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cap");
    }
}
